"""Zip the plugin as QGIS' "Install from ZIP" expects: one folder 'veerkracht' without dev files."""

import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED = [
    "__init__.py",
    "metadata.txt",
    "LICENSE",
    "README.md",
    "veerkracht_plugin",
    "processing_algorithms",
    "resources",
    "styles",
    "docs",
]
SKIPPED_PARTS = {"__pycache__", ".pytest_cache"}


def shipped_files():
    for name in SHIPPED:
        path = REPO / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and not SKIPPED_PARTS & set(file.parts) and file.suffix != ".pyc":
                    yield file


def build(target):
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in shipped_files():
            archive.write(file, "veerkracht/" + file.relative_to(REPO).as_posix())
    return target


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else REPO / "dist" / "veerkracht.zip"))
