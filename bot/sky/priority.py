"""Which observable object to go for first, by a sum whose parts fit in one line.

    priority = NEO score + PHA score / 2 + 20 per impact-rating step
               + up to 30 as tomorrow's 1-sigma uncertainty fills the field
               + up to 20 as the window closes (under 4 hours left)
               + up to 10 for V a magnitude or more brighter than the limit

The NEO score says whether it is worth it at all; the PHA score and impact rating say how
much it matters; uncertainty growth says it may be lost if not observed tonight; a
closing window says now or never; the magnitude says whether the telescope will see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.scout.models import ScoutObject
from bot.sky.observability import Visibility

FORMULA = (
    "Priority = NEO score + PHA/2 + 20×rating + up to 30 as tomorrow's 1σ fills the field"
    " + up to 20 as the window closes + up to 10 for V under the limit"
)
REFERENCE_FIELD_ARCMIN = 60.0  # a site without a field of view is judged against 1 degree
_RATING_POINTS = 20.0
_UNCERTAINTY_POINTS = 30.0
_CLOSING_POINTS = 20.0
_CLOSING_HOURS = 4.0
_MAGNITUDE_POINTS = 10.0


@dataclass(frozen=True)
class Priority:
    """The total and its parts, named as the one-line explanation names them."""

    total: float
    parts: tuple[tuple[str, float], ...]

    def explain(self) -> str:
        """ "NEO 98 + PHA 6 + rating 40 + 1σ 12 = 156": the non-zero parts and the sum."""
        shown = [f"{name} {value:.0f}" for name, value in self.parts if round(value) != 0]
        return f"{' + '.join(shown) or '0'} = {self.total:.0f}"


def priority(
    obj: ScoutObject,
    visibility: Visibility,
    *,
    now: datetime,
    fov_arcmin: float | None,
    limiting_vmag: float | None,
) -> Priority:
    field = fov_arcmin or REFERENCE_FIELD_ARCMIN
    tomorrow = obj.unc_p1 if obj.unc_p1 is not None else obj.unc
    hours_left = (visibility.end - max(now, visibility.start)).total_seconds() / 3600.0
    neo = float(obj.neo_score or 0)
    pha = (obj.pha_score or 0) / 2.0
    rating = _RATING_POINTS * (obj.rating or 0)
    growth = _UNCERTAINTY_POINTS * _fraction((tomorrow or 0.0) / field)
    closing = _CLOSING_POINTS * _fraction(1.0 - hours_left / _CLOSING_HOURS)
    bright = _magnitude_points(obj.vmag, limiting_vmag)
    return Priority(
        total=round(neo + pha + rating + growth + closing + bright, 1),
        parts=(
            ("NEO", neo),
            ("PHA", pha),
            ("rating", rating),
            ("1σ", growth),
            ("closing", closing),
            ("V", bright),
        ),
    )


def _magnitude_points(vmag: float | None, limit: float | None) -> float:
    if vmag is None or limit is None:
        return 0.0
    return _MAGNITUDE_POINTS * _fraction(limit - vmag)


def _fraction(value: float) -> float:
    return min(1.0, max(0.0, value))
