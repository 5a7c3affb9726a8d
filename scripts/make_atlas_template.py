"""Write resources/atlas_wijk.qpt, the atlas layout template. Users may restyle it in QGIS' layout designer
(keep the item ids: titel, kaart_1..9, kaarttitel_1..9, legenda_1..9, tabel, perspectieven, bronnen, ...)."""

from headless import REPO, start_qgis


def main():
    app = start_qgis()  # noqa: F841 (keeps QGIS alive)
    from qgis.core import QgsProject

    from veerkracht.veerkracht_plugin.atlas import build_template, save_template

    print(save_template(build_template(QgsProject.instance())).relative_to(REPO))


if __name__ == "__main__":
    main()
