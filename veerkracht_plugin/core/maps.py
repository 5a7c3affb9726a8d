"""The nine veerkracht maps, exactly as in the design's "Precise rules", so every class can be recomputed
by hand: reference set, sample sd (ddof=1), z-scores, linear percentiles, class 0 for missing input.

Input: a DataFrame with the canonical columns below (any may be absent). Output: 27 columns
``<map>_waarde``, ``<map>_klasse``, ``<map>_label`` and a report that says, per map, which inputs fed it and
which reference set it used.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .catalogue import MAP_IDS, class_labels, field_names, load_catalogue
from .tables import MISSING_NUMBERS

# Canonical input columns, and the parameter a user sets for each.
INPUTS = {
    "code": "INPUT_FIELD",
    "lbm_klasse": "LBM_CLASS",
    "afw": "AFW",
    "onv_t0": "ONV_START",
    "onv_t1": "ONV_END",
    "kwetsbaar_t0": "KWETSBAAR_START",
    "kwetsbaar_t1": "KWETSBAAR_END",
    "corporatie": "CORPORATIE",
    "inwoners": "INWONERS",
    "water": "water",
}


@dataclass
class MapReport:
    map_id: str
    inputs: list
    reference_size: int = 0
    gemeenten: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    class_counts: dict = field(default_factory=dict)

    def describe(self):
        if not self.reference_size:
            return f"{self.map_id}: alle buurten klasse 0 (onvoldoende gegevens). " + " ".join(self.notes)
        gemeenten = ", ".join(self.gemeenten[:10]) + (" ..." if len(self.gemeenten) > 10 else "")
        text = (
            f"{self.map_id}: invoer {', '.join(self.inputs)}; referentieset {self.reference_size} buurten "
            f"in {len(self.gemeenten)} {'gemeente' if len(self.gemeenten) == 1 else 'gemeenten'} ({gemeenten}); "
            f"buurten per klasse {', '.join(f'{k}: {n}' for k, n in sorted(self.class_counts.items()))}."
        )
        return " ".join([text, *self.notes])


class Settings:
    """Thresholds from the catalogue, with the minimum number of inhabitants as a user choice."""

    def __init__(self, catalogue=None, min_inwoners=None):
        self.catalogue = catalogue or load_catalogue()
        defaults = self.catalogue["standaarden"]
        self.min_inwoners = defaults["min_inwoners"] if min_inwoners is None else min_inwoners
        self.small_step = defaults["sd_stap_klein"]
        self.large_step = defaults["sd_stap_groot"]
        self.quintiles = defaults["kwintielen"]
        self.terciles = defaults["tertielen"]
        self.corporatie_cuts = defaults["corporatie_grenzen"]
        self.afw = self.catalogue["afw_drempels"]


def five_step(z, small=0.5, large=1.5):
    """z < -large -> 1; -large <= z < -small -> 2; |z| <= small -> 3; small < z <= large -> 4; z > large -> 5."""
    z = np.asarray(z, dtype=float)
    classes = np.full(z.shape, 3, dtype=int)
    classes[z < -small] = 2
    classes[z < -large] = 1
    classes[z > small] = 4
    classes[z > large] = 5
    return classes


def count_cuts_below(values, cuts):
    """1 + the number of cut points strictly below each value."""
    values = np.asarray(values, dtype=float)
    return 1 + (np.asarray(cuts, dtype=float)[None, :] < values[:, None]).sum(axis=1)


def _sd(values, report, what):
    """Sample sd; 0 or undefined (fewer than 2 buurten) becomes None with a note, never a division error."""
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")
    if not np.isfinite(sd) or sd == 0:
        report.notes.append(f"Geen spreiding in {what} (sd = 0 of te weinig buurten): z = 0, dus klasse 3.")
        return None
    return sd


def _z(values, sd, centre=0.0):
    return np.zeros(len(values)) if sd is None else (np.asarray(values, dtype=float) - centre) / sd


class MapComputer:
    """Computes the maps for one table; one method per map, each filling its own three columns."""

    def __init__(self, frame, settings=None):
        self.settings = settings or Settings()
        self.frame = frame.reset_index(drop=True)
        self.n = len(self.frame)
        self.out = pd.DataFrame(index=self.frame.index)
        self.reports = {}
        self.repeated = self._repeated()
        self.enough_inhabitants = self._inhabitant_mask() & ~self.repeated
        self.gemeente = self._gemeenten()

    def _repeated(self):
        """Rows whose buurtcode came before: a buurt counts once in every reference set, and gets its first row's
        classes (``duplicate_codes`` says which)."""
        if "code" not in self.frame.columns:
            return np.zeros(self.n, dtype=bool)
        codes = self.frame["code"].astype(str).str.strip().str.upper()
        return (codes.duplicated() & self.frame["code"].notna() & (codes != "")).to_numpy()

    def _gemeenten(self):
        """GM code of every buurt, taken from its code (BU03440111 -> GM0344); None when not a CBS code."""
        if "code" not in self.frame.columns:
            return None
        codes = self.frame["code"].astype(str).str.strip().str.upper()
        return ("GM" + codes.str[2:6]).where(codes.str[:2].isin(["BU", "WK"]), None)

    def _column(self, name):
        if name not in self.frame.columns:
            return None
        values = pd.to_numeric(self.frame[name], errors="coerce").astype(float)
        # CBS markers straight from a PDOK layer, and infinities, are missing
        return values.mask(values.isin(MISSING_NUMBERS) | np.isinf(values))

    def _inhabitant_mask(self):
        """Buurten that may enter a reference set: enough inhabitants (when known) and not water."""
        inwoners = self._column("inwoners")
        mask = np.ones(self.n, dtype=bool) if inwoners is None else (inwoners >= self.settings.min_inwoners).to_numpy()
        if "water" in self.frame.columns:
            mask &= ~self.frame["water"].astype(str).str.strip().str.upper().isin(["JA", "TRUE", "1"]).to_numpy()
        return mask

    def _reference(self, report, columns):
        """Mask of the reference set: all inputs present and enough inhabitants. None when an input is absent."""
        missing = [c for c in columns if c not in self.frame.columns]
        if missing:
            names = ", ".join(INPUTS[c] for c in missing)
            report.notes.append(f"Reden: invoer niet opgegeven ({names}).")
            return None
        mask = self.enough_inhabitants.copy()
        for column in columns:
            mask &= self._column(column).notna().to_numpy()
        too_few = int((~self.enough_inhabitants).sum())
        if too_few and "inwoners" in self.frame.columns:
            report.notes.append(
                f"{too_few} buurten met minder dan {self.settings.min_inwoners} inwoners (of onbekend) krijgen klasse 0."
            )
        if not mask.any():
            report.notes.append("Reden: geen enkele buurt heeft alle invoer.")
            return None
        return mask

    def _store(self, map_id, report, mask, values, classes, label_suffix=""):
        waarde, klasse, label = field_names(map_id)
        labels = class_labels(map_id, self.settings.catalogue)
        all_values = np.full(self.n, np.nan)
        all_classes = np.zeros(self.n, dtype=int)
        if mask is not None:
            all_values[mask] = values
            all_classes[mask] = classes
            report.reference_size = int(mask.sum())
            if self.gemeente is not None:
                report.gemeenten = sorted(g for g in self.gemeente[mask].dropna().unique())
        lookup = np.array(
            [labels.get(c, "") + (label_suffix if c else "") for c in range(max(labels) + 1)], dtype=object
        )
        self.out[waarde] = all_values
        self.out[klasse] = all_classes
        self.out[label] = lookup[all_classes]
        report.class_counts = {int(c): int(n) for c, n in zip(*np.unique(all_classes, return_counts=True))}
        self.reports[map_id] = report

    # ---- the nine maps ----

    def leefbaarheid(self):
        if "lbm_klasse" in self.frame.columns:
            report = MapReport("leefbaarheid", ["LBM_CLASS"])
            mask = self._reference(report, ["lbm_klasse"])
            if mask is not None:
                classes = self._column("lbm_klasse").to_numpy()[mask]
                valid = np.isin(classes, np.arange(1, 10))
                if not valid.all():
                    bad = classes[~valid][0]
                    report.notes.append(f"Klassewaarden buiten 1-9 (bijvoorbeeld {bad:g}) krijgen klasse 0.")
                    mask[np.flatnonzero(mask)[~valid]] = False
                    classes = classes[valid]
                values = self._column("afw").to_numpy()[mask] if "afw" in self.frame.columns else classes
                self._store("leefbaarheid", report, mask, values, classes.astype(int))
                return
            self._store("leefbaarheid", report, None, None, None)
            return
        report = MapReport("leefbaarheid", ["AFW"])
        mask = self._reference(report, ["afw"])
        suffix = ""
        if mask is None:
            self._store("leefbaarheid", report, None, None, None)
            return
        values = self._column("afw").to_numpy()[mask]
        classes = 1 + np.searchsorted(np.asarray(self.settings.afw["grenzen"]), values, side="right")
        if self.settings.afw.get("voorlopig"):
            suffix = self.settings.afw["label_toevoeging"]
            report.notes.append(
                "Klassen op afw met VOORLOPIGE grenzen (geen officiële Leefbaarometer-grenzen; zie resources/kaarten.json)."
            )
        self._store("leefbaarheid", report, mask, values, classes, suffix)

    def overlast(self):
        report = MapReport("overlast", ["ONV_END"])
        mask = self._reference(report, ["onv_t1"])
        values = z = None
        if mask is not None:
            values = self._column("onv_t1").to_numpy()[mask]
            z = _z(values, _sd(values, report, "onv"), centre=values.mean())
        self._store("overlast", report, mask, values, None if z is None else self._five(z))

    def _change(self, map_id, start, end, inputs):
        report = MapReport(map_id, inputs)
        mask = self._reference(report, [start, end])
        delta = z = None
        if mask is not None:
            delta = (self._column(end) - self._column(start)).to_numpy()[mask]
            z = _z(delta, _sd(delta, report, f"de verandering ({inputs[0]} -> {inputs[1]})"))
        self._store(map_id, report, mask, delta, None if z is None else self._five(z))

    def overlast_ontwikkeling(self):
        self._change("overlast_ontwikkeling", "onv_t0", "onv_t1", ["ONV_START", "ONV_END"])

    def kwetsbaar_ontwikkeling(self):
        self._change("kwetsbaar_ontwikkeling", "kwetsbaar_t0", "kwetsbaar_t1", ["KWETSBAAR_START", "KWETSBAAR_END"])

    def kwetsbaar(self):
        report = MapReport("kwetsbaar", ["KWETSBAAR_END"])
        mask = self._reference(report, ["kwetsbaar_t1"])
        values = classes = None
        if mask is not None:
            values = self._column("kwetsbaar_t1").to_numpy()[mask]
            cuts = np.percentile(values, self.settings.quintiles)
            classes = count_cuts_below(values, cuts)
            report.notes.append("Kwintielgrenzen: " + ", ".join(f"{c:.4g}" for c in cuts) + ".")
        self._store("kwetsbaar", report, mask, values, classes)

    def corporatiebezit(self):
        report = MapReport("corporatiebezit", ["CORPORATIE"])
        mask = self._reference(report, ["corporatie"])
        values = classes = None
        if mask is not None:
            values = self._column("corporatie").to_numpy()[mask]
            c1, c2, c3, c4 = self.settings.corporatie_cuts
            classes = 1 + (values >= c1).astype(int) + (values >= c2) + (values >= c3) + (values > c4)
        self._store("corporatiebezit", report, mask, values, classes)

    def _signalering(self, map_id, relative):
        inputs = ["KWETSBAAR_START", "KWETSBAAR_END", "ONV_START", "ONV_END"]
        report = MapReport(map_id, inputs)
        mask = self._reference(report, ["kwetsbaar_t0", "kwetsbaar_t1", "onv_t0", "onv_t1"])
        if mask is not None and relative and self.gemeente is None:
            report.notes.append("Reden: zonder buurtcodes is de gemeente onbekend.")
            mask = None
        score = classes = None
        if mask is not None:
            d_k = (self._column("kwetsbaar_t1") - self._column("kwetsbaar_t0")).to_numpy()[mask]
            d_o = (self._column("onv_t1") - self._column("onv_t0")).to_numpy()[mask]
            if relative:
                gemeente = self.gemeente[mask].fillna("?").to_numpy()
                d_k = d_k - pd.Series(d_k).groupby(gemeente).transform("median").to_numpy()
                d_o = d_o - pd.Series(d_o).groupby(gemeente).transform("median").to_numpy()
                report.notes.append(
                    "Veranderingen genomen ten opzichte van de mediane verandering in de eigen gemeente."
                )
            z_k = _z(d_k, _sd(d_k, report, "de verandering van kwetsbaar"))
            z_o = _z(d_o, _sd(d_o, report, "de verandering van onv"))
            step = self.settings.small_step
            k_up, o_up, o_down = z_k > step, z_o < -step, z_o > step
            classes = np.full(len(z_k), 4, dtype=int)
            classes[~k_up & o_down] = 5
            classes[k_up & ~o_up] = 3
            classes[~k_up & o_up] = 2
            classes[k_up & o_up] = 1
            score = z_k - z_o
        self._store(map_id, report, mask, score, classes)

    def signalering(self):
        self._signalering("signalering", relative=False)

    def signalering_relatief(self):
        self._signalering("signalering_relatief", relative=True)

    def focus(self):
        report = MapReport("focus", ["KWETSBAAR_END", "ONV_END"])
        mask = self._reference(report, ["kwetsbaar_t1", "onv_t1"])
        score = classes = None
        if mask is not None:
            kwetsbaar = self._column("kwetsbaar_t1").to_numpy()[mask]
            overlast = -self._column("onv_t1").to_numpy()[mask]
            k_t = count_cuts_below(kwetsbaar, np.percentile(kwetsbaar, self.settings.terciles))
            o_t = count_cuts_below(overlast, np.percentile(overlast, self.settings.terciles))
            classes = 3 * (k_t - 1) + o_t
            score = (k_t - 1) + (o_t - 1)
        self._store("focus", report, mask, score, classes)

    def _five(self, z):
        return five_step(z, self.settings.small_step, self.settings.large_step)

    def compute(self):
        for map_id in MAP_IDS:
            getattr(self, map_id)()
        if self.repeated.any():  # each repeated row as its first row
            codes = self.frame["code"].astype(str).str.strip().str.upper()
            first = pd.Series(np.arange(self.n)).groupby(codes.to_numpy()).transform("first").to_numpy()
            self.out = self.out.iloc[first].set_index(self.out.index)
        return self.out, [self.reports[m] for m in MAP_IDS]


def compute_maps(frame, settings=None):
    """(DataFrame with the 27 map columns, list of MapReport) for a table of buurten."""
    return MapComputer(frame, settings).compute()
