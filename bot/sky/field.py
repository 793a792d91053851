"""How large a field reaches 90 %: sized from Scout's sampled orbits at the field's time.

Scout states the odds for the field asked; with ``orbits=1`` in the same request it also
sends every sampled orbit's position (and V) at that time, so the field that would hold
90 % of them is counted here, no second request: the smallest circle centred on the
median position, and the smallest square mosaic of the observer's own field. Each tile
of the mosaic is the square inside the observer's circular field (side d/√2), so the
tiles cover the sky between them without gaps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from bot.scout.models import EphemerisRecord

TARGET: Final = 0.9
MAX_MOSAIC: Final = 7  # 49 pointings: beyond that, the diameter alone says it


@dataclass(frozen=True)
class FieldFor90:
    """What reaches 90 % of the sampled orbits, centred on their median position.

    ``bright_share``: the share bright enough (all of them without a limiting V); when it
    is under 90 % no field reaches 90 %, and ``diameter_arcmin`` is None.
    ``mosaic``: k for a k×k mosaic of the observer's field, None when more than
    MAX_MOSAIC a side would be needed (or no field reaches 90 %).
    """

    orbits: int
    bright_share: float
    diameter_arcmin: float | None
    mosaic: int | None
    tile_arcmin: float


def field_for_90(
    record: EphemerisRecord,
    diameter_arcmin: float,
    vmag_limit: float | None,
    *,
    orbit_count: int | None = None,
) -> FieldFor90 | None:
    """None when there is nothing sound to count: no median position, or not every one
    of Scout's ``orbit_count`` sampled orbits (the document does not say whether
    ``fov-vmag`` or the field filters the rows it sends; a share of a filtered set would
    mislead)."""
    centre_ra, centre_dec = record.ra, record.dec
    if centre_ra is None or centre_dec is None:
        return None
    if orbit_count is not None and len(record.orbit_rows) < orbit_count:
        return None
    radii: list[float] = []  # of the orbits bright enough
    square_halves: list[float] = []  # half the side of the square around the median
    total = 0
    for orbit in record.orbit_rows:
        ra, dec = _number(orbit.get("ra")), _number(orbit.get("dec"))
        if ra is None or dec is None:
            continue
        total += 1
        vmag = _number(orbit.get("vmag"))
        if vmag_limit is not None and (vmag is None or vmag > vmag_limit):
            continue  # Scout counts only positions at least this bright
        radii.append(_separation_arcmin(centre_ra, centre_dec, ra, dec))
        east, north = _offset_arcmin(centre_ra, centre_dec, ra, dec)
        square_halves.append(max(abs(east), abs(north)))
    if not total:
        return None
    tile = diameter_arcmin / math.sqrt(2)
    needed = math.ceil(TARGET * total - 1e-9)
    if len(radii) < needed:
        return FieldFor90(total, len(radii) / total, None, None, tile)
    radii.sort()
    square_halves.sort()
    half_side = square_halves[needed - 1]
    # Infinite when orbits lie beyond the tangent plane (over 90° away): no mosaic covers them.
    mosaic = max(1, math.ceil(2 * half_side / tile)) if math.isfinite(half_side) else None
    return FieldFor90(
        orbits=total,
        bright_share=len(radii) / total,
        diameter_arcmin=2 * radii[needed - 1],
        mosaic=mosaic if mosaic is not None and mosaic <= MAX_MOSAIC else None,
        tile_arcmin=tile,
    )


def _offset_arcmin(ra0: float, dec0: float, ra: float, dec: float) -> tuple[float, float]:
    """Offsets of (ra, dec) from (ra0, dec0) in arcminutes east and north, on the plane
    tangent at (ra0, dec0) (gnomonic): how a camera's field lies on the sky."""
    a0, d0, a, d = map(math.radians, (ra0, dec0, ra, dec))
    cos_c = math.sin(d0) * math.sin(d) + math.cos(d0) * math.cos(d) * math.cos(a - a0)
    if cos_c <= 0:  # the other side of the sky: beyond any field
        return (math.inf, math.inf)
    x = math.cos(d) * math.sin(a - a0) / cos_c
    y = (math.cos(d0) * math.sin(d) - math.sin(d0) * math.cos(d) * math.cos(a - a0)) / cos_c
    return (math.degrees(x) * 60, math.degrees(y) * 60)


def _separation_arcmin(ra0: float, dec0: float, ra: float, dec: float) -> float:
    """The angle between the two directions (haversine: exact at small separations)."""
    a0, d0, a, d = map(math.radians, (ra0, dec0, ra, dec))
    h = math.sin((d - d0) / 2) ** 2 + math.cos(d0) * math.cos(d) * math.sin((a - a0) / 2) ** 2
    return math.degrees(2 * math.asin(min(1.0, math.sqrt(h)))) * 60


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None
