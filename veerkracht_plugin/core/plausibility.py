"""Input columns that cannot be what their parameter says: no silent wrong map.

A total score where a deviation belongs makes every buurt 'uitstekend'; one infinite value stretches a
standard deviation until every other buurt is 'gemiddeld'. The ranges are data (``plausibel`` in
resources/kaarten.json, with their source); here only the rule:
- values that are not finite (inf, -inf) are missing, and the warning names the column and codes;
- when more than half of a column's present values lie outside its range, the column is refused;
- a buurtcode that occurs more than once is named (``duplicate_codes``); the maps count it once.
"""

import numpy as np
import pandas as pd

from .catalogue import load_catalogue
from .tables import MISSING_NUMBERS

OUTSIDE_SHARE = 0.5
EXAMPLES = 5


def check_columns(frame, field_of, catalogue=None):
    """(frame with non-finite values as NaN, warnings, errors) for the canonical columns in ``frame``.

    ``field_of`` maps a canonical column to the layer field the user chose, so messages name that field.
    """
    ranges = (catalogue or load_catalogue()).get("plausibel", {})
    warnings, errors = [], []
    frame = frame.copy()
    codes = frame["code"].astype(str) if "code" in frame.columns else pd.Series(frame.index.astype(str))
    for column in frame.columns:
        if column in ("code", "water") or not pd.api.types.is_numeric_dtype(frame[column]):
            continue
        values = frame[column].astype(float)
        infinite = np.isinf(values.to_numpy())
        if infinite.any():
            examples = ", ".join(f"{c} ({v})" for c, v in zip(codes[infinite][:EXAMPLES], values[infinite][:EXAMPLES]))
            warnings.append(
                f"Veld '{field_of.get(column, column)}': {int(infinite.sum())} waarde(n) zijn geen getal "
                f"(oneindig): {examples}. Behandeld als ontbrekend (klasse 0); controleer de bron."
            )
            values = values.mask(infinite)
            frame[column] = values
        limits = ranges.get(column)
        if not isinstance(limits, dict):
            continue
        present = values[values.notna() & ~values.isin(MISSING_NUMBERS)]
        if present.empty:
            continue
        outside = (present < limits["min"]) | (present > limits["max"])
        if outside.mean() > OUTSIDE_SHARE:
            errors.append(
                f"Veld '{field_of.get(column, column)}' kan niet {limits['wat']} zijn: {int(outside.sum())} van "
                f"{len(present)} waarden liggen buiten {limits['min']:g} tot {limits['max']:g} "
                f"(mediaan {present.median():.4g}). {limits['hint']}"
            )
    return frame, warnings, errors


def duplicate_codes(frame, layer_name):
    """A Dutch warning naming the buurtcodes that occur more than once in ``frame`` (column 'code'), or None."""
    if "code" not in frame.columns:
        return None
    codes = frame["code"].dropna().astype(str).str.strip().str.upper()
    counts = codes[codes != ""].value_counts()
    doubled = counts[counts > 1]
    if doubled.empty:
        return None
    shown = ", ".join(f"{code} ({n} keer)" for code, n in doubled.head(5).items())
    more = f" en {len(doubled) - 5} andere" if len(doubled) > 5 else ""
    return (
        f"Laag '{layer_name}': {len(doubled)} buurtcodes staan meer dan eens in de laag: {shown}{more}. Elke buurt telt "
        "één keer mee in de referentieset (de eerste rij); de andere rijen krijgen dezelfde klassen. Ontdubbel de "
        "laag (bijvoorbeeld met 'Dubbele geometrieën verwijderen' of een filter) als het per ongeluk is."
    )
