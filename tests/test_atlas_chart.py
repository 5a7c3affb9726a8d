"""The chart of 'Veerkracht door de tijd' as the last page of the atlas (issue 17, point 3)."""

import subprocess
from collections import Counter

import pytest
from qgis.core import QgsProcessingException
from qgis.PyQt.QtGui import QImage
from test_styles_and_sharing import baarn_job
from test_time_series import series  # noqa: F401 (fixture)

from helpers import pdf_pages, run

pytestmark = pytest.mark.usefixtures("provider")


def test_chart_is_the_last_page(series, tmp_path, shared_data):  # noqa: F811
    from veerkracht.veerkracht_plugin.core.catalogue import map_entry

    target, _, _ = series
    chart = target.parent / "baarn-reeks signalering Baarn.png"
    maps = tmp_path / "baarn.gpkg"
    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(maps)})
    plain = run("wijkatlas", {"INPUT": str(maps), "OUTPUT": str(tmp_path / "zonder.pdf")})
    result = run("wijkatlas", {"INPUT": str(maps), "CHART": str(chart), "OUTPUT": str(tmp_path / "met.pdf")})
    assert result["PAGES"] == plain["PAGES"] + 1 == pdf_pages(tmp_path / "met.pdf")
    last = result["PAGES"]
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            str(last),
            "-l",
            str(last),
            str(tmp_path / "met.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = QImage(str(next(tmp_path.glob("p*.png"))))
    colours = Counter(
        image.pixelColor(x, y).name() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    )
    signalering = {c["kleur"] for c in map_entry("signalering")["klassen"]}
    assert len({c for c in colours if c in signalering}) >= 3, "the chart's class colours are on the page"


@pytest.mark.bad_input
def test_a_chart_that_is_no_picture_is_refused(tmp_path, shared_data):
    maps = tmp_path / "baarn.gpkg"
    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(maps)})
    fake = tmp_path / "grafiek.png"
    fake.write_text("geen plaatje")
    with pytest.raises(QgsProcessingException, match=r"Grafiek .*grafiek\.png is geen leesbare afbeelding"):
        run("wijkatlas", {"INPUT": str(maps), "CHART": str(fake), "OUTPUT": str(tmp_path / "a.pdf")})
    assert not (tmp_path / "a.pdf").exists()
