"""Tonight's order: a priority whose parts the answer can show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sky import FORMULA, TonightSort, plan_tonight
from bot.sky.observability import Visibility
from bot.sky.priority import priority
from tests.builders import scout_object
from tests.sky.helpers import opposite_sun_ra, placed, site

EVENING = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 28, 7, 23, tzinfo=UTC)


def window(hours: float, start: datetime = EVENING) -> Visibility:
    return Visibility("P", start, start + timedelta(hours=hours), 60.0, start, 90.0, 0.0)


def test_the_sum_is_explained_part_by_part() -> None:
    obj = scout_object(neoScore=98, phaScore=12, rating=2, unc="3", uncP1="30", Vmag="19.5")
    score = priority(obj, window(8), now=EVENING, fov_arcmin=60, limiting_vmag=21.5)
    assert score.explain() == "NEO 98 + PHA 6 + rating 40 + 1σ 15 + V 10 = 169"
    assert score.total == 169


def test_uncertainty_that_outgrows_the_field_by_tomorrow_counts_in_full() -> None:
    obj = scout_object(neoScore=50, phaScore=0, rating=None, unc="10", uncP1="400")
    narrow = priority(obj, window(8), now=EVENING, fov_arcmin=20, limiting_vmag=None)
    assert dict(narrow.parts)["1σ"] == 30


def test_a_closing_window_adds_urgency() -> None:
    obj = scout_object(neoScore=50, phaScore=0, rating=None, unc="0.1", uncP1="0.2")
    long = priority(obj, window(8), now=EVENING, fov_arcmin=60, limiting_vmag=None)
    closing = priority(obj, window(1), now=EVENING, fov_arcmin=60, limiting_vmag=None)
    assert dict(closing.parts)["closing"] == 15
    assert closing.total > long.total


def test_the_formula_fits_one_line() -> None:
    assert "\n" not in FORMULA and len(FORMULA) < 200


def test_tonight_ranks_by_priority_and_can_sort_otherwise() -> None:
    ra = opposite_sun_ra(MIDNIGHT)
    keen = placed("Pkeen01", ra, 30, at=EVENING, neoScore=100, phaScore=40, Vmag="21.0")
    meh = placed("Pmeh001", ra + 40, 10, at=EVENING, neoScore=20, phaScore=0, Vmag="18.0")
    lemmon = site("G96")
    assert [
        c.object.designation for c in plan_tonight([meh, keen], lemmon, EVENING).candidates
    ] == [
        "Pkeen01",
        "Pmeh001",
    ]
    by_v = plan_tonight([meh, keen], lemmon, EVENING, sort=TonightSort.VMAG)
    assert [c.object.designation for c in by_v.candidates] == ["Pmeh001", "Pkeen01"]
    by_start = plan_tonight([meh, keen], lemmon, EVENING, sort=TonightSort.START)
    assert by_start.candidates[0].visibility.start <= by_start.candidates[1].visibility.start
