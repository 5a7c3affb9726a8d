"""The README's pictures (issue 14 point 15): referenced files exist and are small; the script makes them anew."""

import re
import subprocess
import sys
from pathlib import Path

from qgis.PyQt.QtGui import QImage

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "make_pictures.py"
PICTURES = ("dock.png", "kaartpagina.png", "atlaspagina.png", "webkaart.png")
MAX_BYTES = 300_000


def check_picture(path):
    assert path.is_file(), path
    assert path.stat().st_size < MAX_BYTES, f"{path}: {path.stat().st_size} bytes"
    image = QImage(str(path))
    assert not image.isNull(), path
    assert 900 <= image.width() <= 1100 and image.height() >= 500, (path, image.width(), image.height())
    return image


def test_readme_shows_the_pictures():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Wat u krijgt", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", section)
    assert [Path(p).name for p in shown] == list(PICTURES)
    for picture in shown:
        check_picture(REPO / picture)


def test_script_makes_the_pictures(tmp_path):
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in PICTURES:
        image = check_picture(tmp_path / name)
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 20, name  # a drawn map, not an empty or grey window
