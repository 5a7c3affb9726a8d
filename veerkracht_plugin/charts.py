"""Charts as PNG files, drawn with matplotlib's Agg canvas.

matplotlib is imported inside the functions, never when the plugin loads (it is slow to import and optional
outside Debian's QGIS), and through Figure + FigureCanvasAgg rather than pyplot, so QGIS' own backend and other
plugins' figures are left alone.
"""

MAP_ID = "signalering"


def signalering_chart(counts, gemeente, path, map_id=MAP_ID):
    """Two panels, buurten and inhabitants per signalering class (stacked) per period, saved to ``path``.

    ``counts``: rows of one gemeente from core.editions.signalering_counts (periode, klasse, buurten, inwoners).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from .core.catalogue import class_labels, load_catalogue, map_entry

    catalogue = load_catalogue()
    colours = {0: catalogue["klasse_0"]["kleur"]}
    colours.update({c["code"]: c["kleur"] for c in map_entry(map_id, catalogue)["klassen"]})
    labels = class_labels(map_id)
    periods = sorted(counts["periode"].unique())
    figure = Figure(figsize=(9, 5.5), dpi=110)
    FigureCanvasAgg(figure)
    panels = figure.subplots(1, 2)
    for panel, (column, title) in zip(panels, (("buurten", "Buurten"), ("inwoners", "Inwoners"))):
        bottom = [0.0] * len(periods)
        for code in sorted(labels):
            values = [
                float(counts[(counts["periode"] == p) & (counts["klasse"] == code)][column].sum()) for p in periods
            ]
            panel.bar(
                periods,
                values,
                bottom=bottom,
                color=colours.get(code, "#999999"),
                edgecolor="white",
                hatch="//" if code == 0 else None,
                label=f"{code} {labels[code]}",
            )
            bottom = [b + v for b, v in zip(bottom, values)]
        panel.set_title(title)
        panel.set_xlabel("Periode (Leefbaarometer)")
        panel.grid(axis="y", color="#dddddd")
        panel.set_axisbelow(True)
        panel.yaxis.set_major_locator(MaxNLocator(integer=True))
        if column == "inwoners":
            panel.yaxis.set_major_formatter(lambda value, _pos: f"{value:,.0f}".replace(",", "."))
    handles, names = panels[0].get_legend_handles_labels()
    figure.legend(handles[::-1], names[::-1], loc="lower center", ncol=2, fontsize=8, frameon=False)
    figure.suptitle(f"{map_entry(map_id, catalogue)['titel']} in {gemeente}, per periode")
    figure.tight_layout(rect=(0, 0.14, 1, 0.95))
    figure.savefig(str(path), format="png")
    return path
