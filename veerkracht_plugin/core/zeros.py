"""Zeros that were missing values: CBS writes '.' for missing, and an Excel export often turns it into 0.
The detection rule is in ``suspect_zeros``; its thresholds are the named constants below. No Qt here."""

import numpy as np

ZEROS_MIN_COUNT = 3  # fewer zeros than this are never a cluster
ZEROS_MAX_SHARE = 0.5  # when half the values or more are 0, zero is the column's normal value
ZEROS_GAP_SHARE = 0.3  # the smallest other value is at least this share of the median other value ...
ZEROS_GAP_STEPS = 3  # ... and at least this many steps of the column's resolution (10 for counts rounded to 10)
ZEROS_MIN_INHABITANTS = 1000  # a share of 0 in a buurt with this many inhabitants is suspect (rule B)
SHARE_PREFIXES = ("p_", "perc", "percentage", "aandeel")
INHABITANT_COLUMNS = ("a_inw", "aantal_inwoners", "aant_inw", "inwoners")
# Figures that cannot be 0 where CBS publishes one (rule C): the mean WOZ value, the share of occupied dwellings.
NEVER_ZERO_NAMES = ("woz", "p_bewndw", "bewoond")


def is_share_column(name):
    return str(name).lower().startswith(SHARE_PREFIXES)


def is_never_zero_column(name):
    return any(part in str(name).lower() for part in NEVER_ZERO_NAMES)


def suspect_zeros(values, inhabitants=None, share=False, never_zero=False):
    """(mask, reason in Dutch) of the exact zeros of ``values`` that look like missing values written as 0,
    or None when there are none.

    Rule A, a cluster far from the rest: the column has no negative values; it has at least ``ZEROS_MIN_COUNT``
    zeros but fewer than ``ZEROS_MAX_SHARE`` of its values; and the smallest non-zero value is at least
    ``ZEROS_GAP_SHARE`` times the median non-zero value and at least ``ZEROS_GAP_STEPS`` times the column's step
    (the smallest difference between two distinct non-zero values). Real zeros sit next to small values
    (1 % corporation dwellings next to 0 %, 10 benefits next to 0); zeros standing for '.' sit alone.

    Rule B, a share of 0 where people live: for a share column (``SHARE_PREFIXES``) with an inhabitants column,
    rule A applied to the buurten with at least ``ZEROS_MIN_INHABITANTS`` inhabitants only; the zeros found are
    those of populated buurten (a buurt without inhabitants may well have a share of 0).

    Rule C, a figure that cannot be 0 (``NEVER_ZERO_NAMES``: WOZ value, % occupied dwellings): any zeros among
    real values, fewer than ``ZEROS_MAX_SHARE`` of them; CBS publishes '.' there, never 0.
    """
    mask = _far_zeros(values)
    if mask is not None:
        return mask, "ver van de andere waarden"
    if never_zero:
        present = values.dropna()
        count = int((present == 0).sum())
        if count and count < ZEROS_MAX_SHARE * len(present) and not (present < 0).any():
            return (values == 0).fillna(False), "in een kolom waarin 0 niet voorkomt (WOZ-waarde, % bewoond)"
    if not share or inhabitants is None:
        return None
    populated = (inhabitants >= ZEROS_MIN_INHABITANTS).reindex(values.index, fill_value=False)
    mask = _far_zeros(values[populated])
    if mask is None:
        return None
    return mask.reindex(values.index, fill_value=False), f"in buurten met minstens {ZEROS_MIN_INHABITANTS} inwoners"


def _far_zeros(values):
    present = values.dropna()
    zeros = present == 0
    count = int(zeros.sum())
    if (present < 0).any() or count < ZEROS_MIN_COUNT or count >= ZEROS_MAX_SHARE * len(present):
        return None
    others = np.sort(present[~zeros].unique())
    smallest = others[0]
    step = np.diff(others).min() if len(others) > 1 else smallest
    if smallest < ZEROS_GAP_SHARE * np.median(present[~zeros]) or smallest < ZEROS_GAP_STEPS * step:
        return None
    return (values == 0).fillna(False)
