"""Write the atlas layout templates, one per page type: resources/atlas_overzicht.qpt (the overview of a
gemeente) and resources/atlas_wijk.qpt (a wijk). Users may restyle them in QGIS' layout designer (keep the item
ids: titel, ondertitel, bronnen, schaal, noordpijl; overzicht_kaart, overzicht_legenda, overzicht_tekst;
kaart_1..9, kaarttitel_1..9, legenda_1..9, tabel, perspectieven_kop, perspectieven)."""

from headless import REPO, start_qgis


def main():
    app = start_qgis()  # noqa: F841 (keeps QGIS alive)
    from qgis.core import QgsProject

    from veerkracht.veerkracht_plugin.atlas import (
        OVERVIEW_TEMPLATE_PATH,
        TEMPLATE_PATH,
        build_overview_template,
        build_wijk_template,
        save_template,
    )

    project = QgsProject.instance()
    for build, path in ((build_overview_template, OVERVIEW_TEMPLATE_PATH), (build_wijk_template, TEMPLATE_PATH)):
        print(save_template(build(project), path).relative_to(REPO))


if __name__ == "__main__":
    main()
