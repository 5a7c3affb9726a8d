"""`make demo`: the plugin's algorithms, headless, on the bundled sample data (Utrecht and Baarn).

Every stage writes into one output folder, printed at the end.
"""

import shutil
import sys
from pathlib import Path

from headless import REPO, start_qgis

SAMPLE = REPO / "resources" / "sample_data"

# (gemeente, buurt layer, [(table, year, prefix, fields)])
JOINS = {
    "utrecht": (
        SAMPLE / "utrecht" / "buurten-2019-GM0344.geojson",
        [
            (SAMPLE / "utrecht" / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv", 2018, "lbm18_", "lbm,afw,onv"),
            (
                SAMPLE / "utrecht" / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv",
                2024,
                "lbm24_",
                "bu_naam,lbm,afw,onv",
            ),
            (
                SAMPLE / "utrecht" / "kwb-2023-GM0344.xlsx",
                None,
                "kwb23_",
                "a_inw,a_woning,p_wcorpw,a_soz_wb,a_soz_ao,p_hh_li",
            ),
        ],
    ),
    "baarn": (
        SAMPLE / "baarn" / "buurten-2024-GM0308.geojson",
        [
            (SAMPLE / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv", 2018, "lbm18_", "lbm,afw,onv"),
            (SAMPLE / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv", 2024, "lbm24_", "lbm,afw,onv"),
            (
                SAMPLE / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv",
                2019,
                "k19_",
                "aantal_inwoners,bijstandsontvangers,huishoudens_laag_inkomen",
            ),
            (
                SAMPLE / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv",
                2023,
                "k23_",
                "aantal_inwoners,bijstandsontvangers,huishoudens_laag_inkomen",
            ),
        ],
    ),
}


def join_stage(out_dir, processing, feedback):
    """Join every sample table onto its buurt layer, one after the other; returns the joined files."""
    joined = {}
    for gemeente, (layer, tables) in JOINS.items():
        current = str(layer)
        for table, year, prefix, fields in tables:
            params = {
                "INPUT": current,
                "TABLE": str(table),
                "PREFIX": prefix,
                "FIELDS": fields,
                "OUTPUT": "TEMPORARY_OUTPUT",
            }
            if year:
                params["YEAR"] = year
            current = processing.run("veerkracht:joinindicators", params, feedback=feedback)["OUTPUT"]
        target = out_dir / f"{gemeente}-gekoppeld.gpkg"
        processing.run("native:savefeatures", {"INPUT": current, "OUTPUT": str(target)}, feedback=feedback)
        joined[gemeente] = target
        print(f"  gekoppeld: {target.name} ({current.featureCount()} buurten)")
    return joined


def main(out_dir):
    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    app = start_qgis()  # noqa: F841 (keeps QGIS alive)
    import processing
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    print("1. Indicatoren koppelen aan buurten")
    join_stage(out_dir, processing, feedback)
    print(f"\nKlaar. Uitvoer staat in: {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else REPO / "out")
