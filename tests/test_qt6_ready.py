"""Ready for QGIS 4 (Qt6), as far as can be checked on a Qt5 QGIS (issue 13, point 4): the plugin's sources hold
none of the constructs that Qt6 or QGIS 4 drop. Version differences live in veerkracht_plugin/compat.py only."""

import re

import pytest

from conftest import REPO

SOURCES = sorted(
    path
    for folder in ("veerkracht_plugin", "processing_algorithms", "scripts", "tests", "bench")
    for path in (REPO / folder).rglob("*.py")
    if "data" not in path.relative_to(REPO).parts
) + [REPO / "__init__.py"]
COMPAT = REPO / "veerkracht_plugin" / "compat.py"
THIS = __file__.split("/")[-1]

FORBIDDEN = {
    r"^\s*(from|import)\s+PyQt[56]\b": "PyQt5/PyQt6 direct: import through qgis.PyQt",
    r"^\s*import\s+sip\b|^\s*from\s+sip\b": "sip direct: use qgis.PyQt.sip",
    r"\.exec_\(": "exec_() is gone in Qt6: use exec()",
    r"\bQRegExp\b": "QRegExp is gone in Qt6: use QRegularExpression",
    r"\bQDesktopWidget\b": "QDesktopWidget is gone in Qt6: use QScreen",
    r"\bQVariant\.(Int|String|Double|LongLong|Bool|Date|DateTime|UInt|ULongLong|Map|List)\b": (
        "QVariant type constants: QGIS 4 takes QMetaType; use compat.make_field"
    ),
    r"\.resources_rc\b|import\s+resources\b": "compiled Qt resources: ship files, load them by path",
    # an enum member straight on its class (Qt.AlignLeft, QgsWkbTypes.Polygon): Qt6 wants Qt.AlignmentFlag.AlignLeft
    r"\b(Qt|Q(?!Variant\b)[A-Z][A-Za-z]+)\.([A-Z][a-z][A-Za-z0-9]*)\b(?![.(\w])": "unscoped enum: spell out the enum's name",
}
# Names the enum pattern finds that are classes, not enum members
NOT_ENUMS = {"Qgis", "QgsProcessingContext.LayerDetails"}


def offences(path, root=REPO):
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0]
        for pattern, why in FORBIDDEN.items():
            for match in re.finditer(pattern, code):
                if match.group(0) in NOT_ENUMS or (why.startswith("unscoped") and match.group(0).isupper()):
                    continue
                found.append(f"{path.relative_to(root)}:{number}: {match.group(0).strip()} ({why})")
    return found


@pytest.mark.parametrize("path", [p for p in SOURCES if p != COMPAT and p.name != THIS], ids=lambda p: p.name)
def test_no_qt5_only_constructs(path):
    assert offences(path) == []


def test_the_scanner_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "voorbeeld.py"
    sample.write_text(
        "from PyQt5.QtCore import QVariant\n"
        "dialog.exec_()\n"
        "field = QgsField('a', QVariant.Int)\n"
        "label.setAlignment(Qt.AlignLeft)\n"
        "x = QRegExp('a')\n"
        "ok = Qt.AlignmentFlag.AlignLeft  # scoped: fine\n",
        encoding="utf-8",
    )
    found = [line.split(": ", 1)[1] for line in offences(sample, tmp_path)]
    assert found == [
        "from PyQt5 (PyQt5/PyQt6 direct: import through qgis.PyQt)",
        ".exec_( (exec_() is gone in Qt6: use exec())",
        "QVariant.Int (QVariant type constants: QGIS 4 takes QMetaType; use compat.make_field)",
        "Qt.AlignLeft (unscoped enum: spell out the enum's name)",
        "QRegExp (QRegExp is gone in Qt6: use QRegularExpression)",
    ]
