"""Checks on an answer before it is kept: geometry present, finite and inside the Netherlands in the CRS the
service promised; every code once. Pure Python."""

import math
from collections import Counter

from .requests import CRS84, RD

# Generous boxes around the Netherlands (with the Wadden and the North Sea coast)
BOUNDS = {CRS84: (2.9, 50.6, 7.6, 53.8), RD: (-10000.0, 280000.0, 310000.0, 640000.0)}
CRS_NAMES = {CRS84: "graden (CRS84, lengte/breedte)", RD: "meters (RD New, EPSG:28992)"}


class AnswerError(ValueError):
    """What is wrong with an answer, in Dutch; the caller adds the URL."""


def _points(coordinates):
    if not coordinates:
        return
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for part in coordinates:
        yield from _points(part)


def check_geometries(features, crs, code_field):
    """AnswerError for the first feature without geometry, with a coordinate that is not finite, or outside the
    Netherlands in ``crs`` (saying when the numbers fit the other CRS or are latitude first)."""
    west, south, east, north = BOUNDS[crs]
    for feature in features:
        code = (feature.get("properties") or {}).get(code_field) or feature.get("id") or "?"
        geometry = feature.get("geometry")
        parts = (geometry or {}).get("geometries") or [geometry or {}]  # a GeometryCollection: its members
        coordinates = [part.get("coordinates") for part in parts if isinstance(part, dict) and part.get("coordinates")]
        if not coordinates:
            raise AnswerError(f"object {code} heeft geen geometrie")
        for point in _points(coordinates):
            x, y = point[0], point[1]
            if not (isinstance(x, (int, float)) and isinstance(y, (int, float))) or not (
                math.isfinite(x) and math.isfinite(y)
            ):
                raise AnswerError(f"object {code} heeft een coördinaat die geen eindig getal is ({x}, {y})")
            if west <= x <= east and south <= y <= north:
                continue
            raise AnswerError(
                f"object {code}: coördinaat ({x:g}, {y:g}) ligt niet in Nederland in {CRS_NAMES[crs]}"
                + _hint(x, y, crs)
            )


def _hint(x, y, crs):
    other = RD if crs == CRS84 else CRS84
    west, south, east, north = BOUNDS[other]
    if west <= x <= east and south <= y <= north:
        return f"; de getallen passen bij {CRS_NAMES[other]}: de dienst zegt niet in welk stelsel hij antwoordt"
    west, south, east, north = BOUNDS[crs]
    if west <= y <= east and south <= x <= north:
        return "; breedte en lengte lijken verwisseld (lat/lon in plaats van x/y)"
    return ""


def new_codes(features, code_field, seen):
    """The codes of this page that were not seen before (added to ``seen``); AnswerError when one code appears
    twice within the page, or some (not all) of the page were seen already."""
    codes = [str((f.get("properties") or {}).get(code_field) or "").strip() for f in features]
    if code_field and any(not c for c in codes):
        raise AnswerError(f"een object zonder {code_field}")
    if not code_field:
        return codes
    repeated = {c for c in codes if c in seen}
    within = {c for c, n in Counter(codes).items() if n > 1}
    if within or (repeated and len(repeated) < len(codes)):
        example = sorted(within or repeated)[0]
        raise AnswerError(f"{code_field} {example} komt meer dan eens voor (pagina's overlappen of dubbele objecten)")
    fresh = [c for c in codes if c not in seen]
    seen.update(fresh)
    return fresh
