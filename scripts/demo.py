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


# Per gemeente: the vulnerability index and the map inputs, as a GIS specialist would fill the dialogs.
INDEX = {
    "utrecht": {"YEAR_END": 2023, "COUNTS_END": ["kwb23_a_soz_wb"], "INWONERS_END": "kwb23_a_inw"},
    "baarn": {
        "YEAR_START": 2019,
        "YEAR_END": 2023,
        "COUNTS_START": ["k19_bijstandsontvangers"],
        "COUNTS_END": ["k23_bijstandsontvangers"],
        "INWONERS_START": "k19_aantal_inwoners",
        "INWONERS_END": "k23_aantal_inwoners",
        "SHARES_START": ["k19_huishoudens_laag_inkomen"],
        "SHARES_END": ["k23_huishoudens_laag_inkomen"],
    },
}
MAP_INPUTS = {
    "utrecht": {
        "AFW": "lbm24_afw",
        "ONV_START": "lbm18_onv",
        "ONV_END": "lbm24_onv",
        "KWETSBAAR_END": "kwetsbaar_2023",
        "CORPORATIE": "kwb23_p_wcorpw",
        "INWONERS": "kwb23_a_inw",
    },
    "baarn": {
        "AFW": "lbm24_afw",
        "ONV_START": "lbm18_onv",
        "ONV_END": "lbm24_onv",
        "KWETSBAAR_START": "kwetsbaar_2019",
        "KWETSBAAR_END": "kwetsbaar_2023",
        "CORPORATIE": "perc_huurwoningen_in_bezit_woningcorporaties",
        "INWONERS": "aantal_inwoners",
    },
}


def maps_stage(out_dir, joined, processing, feedback):
    """Vulnerability index and the nine maps per gemeente; prints the class counts of each map."""
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

    results = {}
    for gemeente, path in joined.items():
        index = processing.run(
            "veerkracht:vulnerabilityindex",
            {"INPUT": str(path), "OUTPUT": "TEMPORARY_OUTPUT", **INDEX[gemeente]},
            feedback=feedback,
        )["OUTPUT"]
        target = out_dir / f"{gemeente}-veerkrachtkaarten.gpkg"
        result = processing.run(
            "veerkracht:computemaps", {"INPUT": index, "OUTPUT": str(target), **MAP_INPUTS[gemeente]}, feedback=feedback
        )
        results[gemeente] = target
        print(f"  {target.name}: {result['REFERENTIESET']}")
        from qgis.core import QgsVectorLayer

        layer = QgsVectorLayer(str(target), gemeente, "ogr")
        for map_id in MAP_IDS:
            counts = {}
            for feature in layer.getFeatures():
                counts[feature[f"{map_id}_klasse"]] = counts.get(feature[f"{map_id}_klasse"], 0) + 1
            print(f"    {map_id:<24} klassen {dict(sorted(counts.items()))}")
    return results


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
    joined = join_stage(out_dir, processing, feedback)
    print("2. Kwetsbaarheidsindex en de negen veerkrachtkaarten")
    maps_stage(out_dir, joined, processing, feedback)
    print(f"\nKlaar. Uitvoer staat in: {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else REPO / "out")
