"""Which NEOCP objects a site can reach tonight, from the summary's coarse positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sky import LeftOut, observable_within, plan_tonight, tonight_window
from bot.sky.observability import MAX_MARGIN_DEG, dec_degrees, ra_degrees
from tests.builders import scout_object
from tests.sky.helpers import opposite_sun_ra, placed, site, skyfield_altitude, sun_radec

EVENING = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 20:00 MST at Mt. Lemmon
LOCAL_MIDNIGHT = datetime(2026, 11, 28, 7, 23, tzinfo=UTC)  # 110.79 W: UTC 07:23


def only(plan_objects: list[object]) -> object:
    assert len(plan_objects) == 1
    return plan_objects[0]


def test_from_mt_lemmon_dec_minus_80_is_never_observable() -> None:
    southern = placed("Psouth1", opposite_sun_ra(EVENING), -80, at=EVENING)
    tonight = plan_tonight([southern], site("G96"), EVENING)
    assert tonight.candidates == []
    assert tonight.left_out == {LeftOut.TOO_LOW: 1}


def test_opposition_at_dec_plus_30_is_observable_for_hours_around_local_midnight() -> None:
    opposite = placed("Popp30", opposite_sun_ra(LOCAL_MIDNIGHT), 30, at=EVENING)
    tonight = plan_tonight([opposite], site("G96"), EVENING)
    candidate = tonight.candidates[0]
    seen = candidate.visibility
    assert seen.start < LOCAL_MIDNIGHT < seen.end
    assert seen.hours > 7
    assert abs(seen.best_time - LOCAL_MIDNIGHT) < timedelta(minutes=30)
    # On the meridian: 90 - (32.4 - 30) degrees.
    assert seen.best_altitude == pytest.approx(87.6, abs=0.7)


def test_best_altitude_and_window_edges_agree_with_skyfield() -> None:
    lemmon = site("G96")
    ra = (opposite_sun_ra(LOCAL_MIDNIGHT) + 45) % 360  # transits three hours after midnight
    obj = placed("Pcheck1", ra, 10, at=EVENING, rate="0")
    seen = plan_tonight([obj], lemmon, EVENING).candidates[0].visibility
    ra_listed, dec_listed = ra_degrees(obj.ra), dec_degrees(obj.dec)
    assert ra_listed is not None and dec_listed is not None
    assert skyfield_altitude(lemmon, ra_listed, dec_listed, seen.best_time) == pytest.approx(
        seen.best_altitude, abs=0.05
    )
    # It rises after dark starts and is still up at dawn: the start is where it crosses 25.
    window = tonight_window(lemmon, EVENING)
    assert window is not None and seen.start > window.start and seen.end == window.end
    assert skyfield_altitude(lemmon, ra_listed, dec_listed, seen.start) == pytest.approx(
        25.0, abs=0.1
    )


def test_an_object_near_the_sun_is_up_only_in_daylight() -> None:
    ra, dec = sun_radec(EVENING + timedelta(hours=16))
    near_sun = placed("Pday001", ra + 20, dec, at=EVENING)
    tonight = plan_tonight([near_sun], site("G96"), EVENING)
    assert tonight.left_out == {LeftOut.DAYLIGHT: 1}


def test_an_object_fainter_than_the_sites_limit_is_too_faint() -> None:
    bright = placed("Pbright", opposite_sun_ra(LOCAL_MIDNIGHT), 30, at=EVENING, Vmag="19.0")
    faint = placed("Pfaint1", opposite_sun_ra(LOCAL_MIDNIGHT), 30, at=EVENING, Vmag="22.5")
    tonight = plan_tonight([bright, faint], site("G96", limiting_vmag=21.0), EVENING)
    assert [c.object.designation for c in tonight.candidates] == ["Pbright"]
    assert tonight.left_out == {LeftOut.TOO_FAINT: 1}
    # The command's max_vmag replaces the site's limit for one answer.
    looser = plan_tonight([bright, faint], site("G96", limiting_vmag=21.0), EVENING, max_vmag=23)
    assert len(looser.candidates) == 2


def test_the_minimum_altitude_can_be_lowered_for_one_answer() -> None:
    low = placed("Plow001", opposite_sun_ra(LOCAL_MIDNIGHT), -45, at=EVENING)  # at most 12.6
    assert plan_tonight([low], site("G96"), EVENING).candidates == []
    assert len(plan_tonight([low], site("G96"), EVENING, min_altitude=10).candidates) == 1
    assert len(plan_tonight([low], site("G96", min_altitude=10), EVENING).candidates) == 1


def test_an_object_without_a_position_is_counted_not_placed() -> None:
    lost = scout_object("Plost01", ra=None, dec=None)
    garbled = scout_object("Pgarble", ra="25:99", dec="+09")
    tonight = plan_tonight([lost, garbled], site("G96"), EVENING)
    assert tonight.left_out == {LeftOut.NO_POSITION: 2}


def test_a_fast_movers_window_is_widened_by_how_far_it_may_have_moved() -> None:
    ra = (opposite_sun_ra(LOCAL_MIDNIGHT) + 30) % 360
    slow = placed("Pslow01", ra, 0, at=EVENING, rate="0.5")
    fast = placed("Pfast01", ra, 0, at=EVENING, rate="200")  # 3.3 degrees an hour
    tonight = plan_tonight([slow, fast], site("G96"), EVENING)
    seen = {c.object.designation: c.visibility for c in tonight.candidates}
    assert seen["Pfast01"].start < seen["Pslow01"].start - timedelta(minutes=20)
    assert seen["Pfast01"].hours > seen["Pslow01"].hours
    assert seen["Pslow01"].margin < 0.2
    assert 0 < seen["Pfast01"].margin <= MAX_MARGIN_DEG
    # The best altitude is still the listed position's: the margin only widens the window.
    assert seen["Pfast01"].best_altitude == seen["Pslow01"].best_altitude


def test_a_window_crossing_midnight_utc_keeps_its_dates() -> None:
    calar_alto = site("Z84")
    noon = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    # Transits at about 00:00 UTC at 2.5 degrees west.
    obj = placed("Pmidnit", opposite_sun_ra(datetime(2026, 11, 29, 0, 10, tzinfo=UTC)), 37, at=noon)
    seen = plan_tonight([obj], calar_alto, noon).candidates[0].visibility
    assert seen.start.date() == datetime(2026, 11, 28).date()
    assert seen.end.date() == datetime(2026, 11, 29).date()
    assert seen.start < seen.best_time < seen.end
    assert seen.best_time.date() in (datetime(2026, 11, 28).date(), datetime(2026, 11, 29).date())
    assert seen.best_altitude == pytest.approx(90 - abs(37.2 - 37), abs=1.0)


def test_polar_summer_lists_nothing_and_says_there_is_no_night() -> None:
    obj = placed("Ppolar1", 0, -80, at=EVENING)
    tonight = plan_tonight([obj], site("N43"), EVENING)
    assert tonight.window is None
    assert tonight.candidates == []


def test_observable_within_a_few_hours_needs_the_object_up_by_then() -> None:
    lemmon = site("G96")
    # Rises above 25 degrees late in the night (transits about 4 hours after midnight).
    late = placed("Plate01", (opposite_sun_ra(LOCAL_MIDNIGHT) + 60) % 360, 20, at=EVENING)
    soon = observable_within([late], lemmon, EVENING, 2)
    assert soon.visible == [] and soon.left_out == {LeftOut.TOO_LOW: 1}
    day = observable_within([late], lemmon, EVENING, 24)
    assert [obj.designation for obj, _ in day.visible] == ["Plate01"]


def test_observable_within_respects_the_sites_twilight_and_limit() -> None:
    opposite = placed("Popp30", opposite_sun_ra(LOCAL_MIDNIGHT), 30, at=EVENING, Vmag="21.7")
    assert observable_within([opposite], site("G96", limiting_vmag=21.5), EVENING, 24).visible == []
    assert observable_within([opposite], site("G96", limiting_vmag=22), EVENING, 24).visible


def test_the_moon_distance_is_measured_at_the_best_time() -> None:
    # Near the Moon: an object placed on the Moon's own position is a few degrees off.
    from bot.sky.bodies import bodies

    sky = bodies()
    moon_ra, moon_dec, _ = (
        sky.earth.at(sky.time(LOCAL_MIDNIGHT)).observe(sky.moon).apparent().radec()
    )
    on_moon = placed("Pmoon01", float(moon_ra._degrees), float(moon_dec.degrees), at=EVENING)
    seen = plan_tonight([on_moon], site("G96"), EVENING).candidates[0].visibility
    assert seen.moon_distance < 8


@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("20:25", 306.25),
        ("00:00", 0.0),
        ("23:59", 359.75),
        (None, None),
        ("24:00", None),
        ("", None),
    ],
)
def test_scouts_ra_reads_as_degrees(text: str | None, degrees: float | None) -> None:
    assert ra_degrees(text) == degrees


@pytest.mark.parametrize(
    ("text", "degrees"),
    [("+09", 9.0), ("-47", -47.0), ("-00", -0.0), ("+90", 90.0), ("91", None), ("x", None)],
)
def test_scouts_dec_reads_as_degrees(text: str, degrees: float | None) -> None:
    assert dec_degrees(text) == degrees
