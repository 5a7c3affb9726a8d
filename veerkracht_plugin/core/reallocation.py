"""Figures of one buurt indeling carried onto another (design: "Different buurt boundaries between years").

No Qt here: the algorithm measures the overlaps with QGIS' geometry engine and hands them over as a table of
(source, target, weight); everything after that happens in this module, so every value can be recomputed by
hand from that table (docs/methode.md, "Naar een andere buurtindeling omrekenen"):

- w(s, t) is the overlap weight (area of s∩t in RD New, or the summed weight of points in both), w(s) and w(t)
  the weights of the whole source and target.
- Slivers: an overlap under ``SLIVER_SHARE`` of the smaller of w(s) and w(t) is dropped (generalised boundaries).
- Count: c(t) = Σ c(s) · f(s, t), with f = w(s, t) / w(s).
- Share: p(t) = Σ p(s) · d(s) · f / Σ d(s) · f, d the denominator count (1 without one).
- Only sources with a value take part (CBS markers -99995 etc. are no value; a share also needs its
  denominator). Coverage(t) = Σ w(s, t) over those sources / w(t); under ``min_coverage`` the value is missing.
- Water sources take no part at all.
- Identical indelingen give the input exactly: f within ``SAME`` of 1 counts as 1, and a share fed by one
  source is that source's share (the formula gives the same, without rounding).
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .numbers import MISSING_NUMBERS

SLIVER_SHARE = 0.01
DEFAULT_MIN_COVERAGE = 0.9
SAME = 1e-9  # relative difference of two areas that GEOS computed for the same polygon
LOGGED_TARGETS = 200  # per-target lines in the log; the field 'bronnen' has them all


@dataclass
class Reallocated:
    """``values``: one column per field, indexed by target; ``coverage``: Σ w(s, t) of the sources that take
    part / w(t); ``sources``: per target 'code aandeel% (bron aandeel%)' text; ``remarks``: why values are
    missing; ``whole``: the target is exactly one whole source; ``notes``: lines for the log."""

    values: pd.DataFrame
    coverage: pd.Series
    sources: pd.Series
    remarks: pd.Series
    whole: pd.Series
    notes: list = field(default_factory=list)

    def log_lines(self, names, limit=LOGGED_TARGETS):
        """Per target that is not one whole source (``names``: its code), its sources; then a summary."""
        changed = np.flatnonzero(~self.whole.to_numpy())
        lines = [
            f"{names[i]}: {self.sources.iloc[i] if self.sources.notna().iloc[i] else 'geen bronnen'}"
            for i in changed[:limit]
        ]
        if len(changed) > limit:
            lines.append(f"... en {len(changed) - limit} doelgebieden meer: zie het veld 'bronnen'.")
        lines.append(f"{len(self.whole) - len(changed)} van {len(self.whole)} doelgebieden zijn precies één bron.")
        return lines


def parse_shares(text):
    """'p_a:d_a, p_b' -> {'p_a': 'd_a', 'p_b': None}."""
    shares = {}
    for item in str(text or "").split(","):
        name, _, denominator = item.strip().partition(":")
        if name.strip():
            shares[name.strip()] = denominator.strip() or None
    return shares


def clean_values(frame):
    """Numbers with CBS' missing markers and inf as NaN."""
    numbers = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    return numbers.mask(numbers.isin(MISSING_NUMBERS) | np.isinf(numbers))


def percent(share):
    """0.4213 -> '42,1%'."""
    return f"{share * 100:.1f}".replace(".", ",") + "%"


def kept_overlaps(overlaps, source_weights, target_weights, excluded=(), sliver_share=SLIVER_SHARE):
    """(overlaps with w_s, w_t, f and g = w / w_t, number of slivers dropped): water sources and slivers out."""
    table = overlaps[~overlaps["source"].isin(set(excluded)) & (overlaps["weight"] > 0)].copy()
    table["w_s"] = table["source"].map(source_weights).astype(float)
    table["w_t"] = table["target"].map(target_weights).astype(float)
    sliver = table["weight"] < sliver_share * np.minimum(table["w_s"], table["w_t"])
    table = table[~sliver & (table["w_s"] > 0)].copy()
    table["f"] = _snap(table["weight"] / table["w_s"])
    table["g"] = _snap(table["weight"] / table["w_t"])
    return table.reset_index(drop=True), int(sliver.sum())


def _snap(ratio):
    return ratio.mask((ratio - 1).abs() <= SAME, 1.0)


def reallocate(
    values,
    overlaps,
    source_weights,
    target_weights,
    shares=None,
    min_coverage=DEFAULT_MIN_COVERAGE,
    excluded=(),
    labels=None,
    fields=None,
):
    """Carry ``fields`` of ``values`` (DataFrame indexed by source id; default: all its columns) onto the
    targets of ``target_weights`` (Series indexed by target id). ``overlaps``: DataFrame with columns source,
    target, weight. ``shares``: {share field: denominator column of ``values`` or None}; the rest are counts.
    ``excluded``: source ids that take no part (water). ``labels``: source id -> code for the sources text."""
    shares = dict(shares or {})
    fields = list(values.columns) if fields is None else list(fields)
    clean = clean_values(values)
    targets = pd.Index(target_weights.index)
    table, slivers = kept_overlaps(overlaps, source_weights, target_weights, excluded)
    position = targets.get_indexer(table["target"])
    w_t = target_weights.astype(float).to_numpy()
    notes = [
        f"{slivers} overlappingen kleiner dan {percent(SLIVER_SHARE)} van het kleinste gebied weggelaten (snippers)."
    ]

    def per_target(weights):
        return np.bincount(position, weights=weights, minlength=len(targets))

    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = _snap(pd.Series(per_target(table["weight"].to_numpy()) / w_t)).to_numpy()
    result, remarks = {}, [[] for _ in targets]
    f = table["f"].to_numpy()
    for name in fields:
        v = clean[name].reindex(table["source"]).to_numpy()
        if name in shares:
            denominator = shares[name]
            d = clean[denominator].reindex(table["source"]).to_numpy() if denominator else np.ones(len(table))
            has = ~np.isnan(v) & ~np.isnan(d)
            weight = np.where(has, d * f, 0.0)
            numerator = per_target(np.where(has, v, 0.0) * weight)
            total = per_target(weight)
            contributing = per_target((weight > 0).astype(float))
            single = per_target(np.where(weight > 0, v, 0.0))
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(contributing == 1, single, numerator / total)
            out[contributing == 0] = np.nan
            zero = (contributing == 0) & (per_target(has.astype(float)) > 0)
            for i in np.flatnonzero(zero):
                remarks[i].append(f"{name}: noemer {denominator} is 0")
        else:
            has = ~np.isnan(v)
            out = per_target(np.where(has, v * f, 0.0))
            _total_note(notes, name, clean[name], excluded, out)
        with np.errstate(divide="ignore", invalid="ignore"):
            field_coverage = per_target(np.where(has, table["weight"].to_numpy(), 0.0)) / w_t
        field_coverage = _snap(pd.Series(field_coverage)).to_numpy()
        low = ~(field_coverage >= min_coverage - SAME)
        if clean[name].isna().all():
            notes.append(f"{name}: geen enkele bron heeft een waarde (CBS-codes zoals -99995 zijn geen waarde).")
        for i in np.flatnonzero(low & (w_t > 0)):
            remarks[i].append(f"{name}: dekking {percent(field_coverage[i])} < {percent(min_coverage)}")
        out[low] = np.nan
        result[name] = out
    for i in np.flatnonzero(w_t <= 0):
        remarks[i].insert(0, "geen gewicht in dit gebied (geen punten)")
    whole = (per_target(np.ones(len(table))) == 1) & (per_target(((f == 1) & (table["g"] == 1)).to_numpy(float)) == 1)
    return Reallocated(
        pd.DataFrame(result, index=targets, columns=fields),
        pd.Series(coverage, index=targets),
        _sources_text(table, targets, labels),
        pd.Series(["; ".join(r) if r else None for r in remarks], index=targets, dtype=object),
        pd.Series(whole, index=targets),
        notes,
    )


def _total_note(notes, name, values, excluded, out):
    """How much of a count's total arrived: the rest lay outside every target, in slivers or below coverage."""
    total_in = values.drop(index=[s for s in excluded if s in values.index]).sum()
    total_out = np.nansum(out)
    if total_in:
        notes.append(
            f"{name}: totaal {_thousands(total_in)} in de bron, {_thousands(total_out)} verdeeld over de "
            f"doelgebieden ({percent(total_out / total_in)}; de rest ligt buiten de doelgebieden of in snippers)."
        )


def _thousands(number):
    return f"{number:,.0f}".replace(",", ".")


def _sources_text(table, targets, labels):
    """'BU1 62,0% (bron 100,0%); BU2 38,0% (bron 4,1%)' per target: share of the target, share of the source."""
    labels = labels if labels is not None else {}
    ordered = table.sort_values(["target", "g"], ascending=[True, False])
    codes = ordered["source"].map(lambda s: str(labels.get(s, s)))
    parts = codes + " " + ordered["g"].map(percent) + " (bron " + ordered["f"].map(percent) + ")"
    text = parts.groupby(ordered["target"].to_numpy()).agg("; ".join)
    return text.reindex(targets)
