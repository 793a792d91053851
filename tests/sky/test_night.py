"""Dark windows: when the Sun is below the site's twilight altitude."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from skyfield import almanac
from skyfield.api import wgs84

from bot.sky import Twilight, tonight_window
from bot.sky.bodies import bodies
from bot.sky.night import coming_night, sky_grid
from bot.sky.plan import location_of
from tests.sky.helpers import site

# 2026-11-28 03:00 UTC is 20:00 MST at Mt. Lemmon: dark since about 01:15 UTC.
EVENING = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def skyfield_dark_edges(code: str, twilight: Twilight, day: datetime) -> list[datetime]:
    """Skyfield's almanac: the instants the Sun crosses the twilight altitude."""
    sky = bodies()
    where = location_of(site(code))
    place = wgs84.latlon(where.latitude, where.longitude, where.height_m)
    crossing = almanac.dark_twilight_day(sky._kernel, place)
    times, states = almanac.find_discrete(
        sky.time(day), sky.time(day + timedelta(hours=60)), crossing
    )
    # States: 0 dark, 1 astronomical, 2 nautical, 3 civil, 4 day.
    limit = 1 if twilight is Twilight.ASTRONOMICAL else 2
    edges = []
    was_dark = int(crossing(sky.time(day))) < limit
    for when, state in zip(times.utc_datetime(), states, strict=True):
        dark = state < limit
        if dark != was_dark:
            edges.append(when)
        was_dark = dark
    return edges


@pytest.mark.parametrize("twilight", list(Twilight))
@pytest.mark.parametrize("code", ["G96", "Z84", "W84", "F51"])
def test_dark_windows_agree_with_skyfields_almanac_to_the_minute(
    code: str, twilight: Twilight
) -> None:
    start = EVENING + timedelta(hours=12)  # a day when no window is cut by the grid's start
    grid = sky_grid(location_of(site(code)), start)
    windows = grid.dark_windows(twilight)
    ours = [edge for w in windows for edge in (w.start, w.end) if edge != grid.start]
    ours = [edge for edge in ours if edge < grid.time_at(grid.minutes[-1])]
    theirs = skyfield_dark_edges(code, twilight, start)
    assert len(ours) >= 4
    for edge in ours:
        nearest = min(theirs, key=lambda t: abs(t - edge))
        assert abs(nearest - edge) < timedelta(minutes=1)


def test_an_astronomical_night_is_shorter_than_a_nautical_one() -> None:
    lemmon = site("G96")
    nautical = tonight_window(lemmon, EVENING + timedelta(hours=12))
    astronomical = tonight_window(
        lemmon.model_copy(update={"twilight": Twilight.ASTRONOMICAL}), EVENING + timedelta(hours=12)
    )
    assert nautical is not None and astronomical is not None
    assert nautical.start < astronomical.start < astronomical.end < nautical.end
    # Half an hour or so at each end, at 32 degrees north.
    assert 0.8 < nautical.hours - astronomical.hours < 1.6


def test_tonight_in_the_evening_is_the_rest_of_the_night_in_progress() -> None:
    window = tonight_window(site("G96"), EVENING)
    assert window is not None
    assert window.start == EVENING
    assert (
        datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
        < window.end
        < datetime(2026, 11, 28, 13, 15, tzinfo=UTC)
    )


def test_at_noon_tonight_is_the_coming_evening() -> None:
    noon = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)  # 12:00 MST
    window = tonight_window(site("G96"), noon)
    assert window is not None
    assert (
        datetime(2026, 11, 29, 1, 5, tzinfo=UTC)
        < window.start
        < datetime(2026, 11, 29, 1, 25, tzinfo=UTC)
    )
    assert window.hours == pytest.approx(11.9, abs=0.2)


def test_a_night_with_less_than_an_hour_left_gives_way_to_the_next() -> None:
    lemmon = site("G96")
    tonight = tonight_window(lemmon, EVENING)
    assert tonight is not None
    near_dawn = tonight.end - timedelta(minutes=40)
    window = tonight_window(lemmon, near_dawn)
    assert window is not None
    assert window.start > tonight.end + timedelta(hours=10)


def test_a_european_night_crosses_midnight_utc() -> None:
    calar_alto = site("Z84")
    window = tonight_window(calar_alto, datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    assert window is not None
    assert window.start.date() == datetime(2026, 11, 28).date()
    assert window.end.date() == datetime(2026, 11, 29).date()
    assert 11 < window.hours < 13


def test_polar_summer_has_no_dark_window() -> None:
    dome_a = site("N43")  # 80 degrees south, in December
    assert tonight_window(dome_a, EVENING) is None
    assert sky_grid(location_of(dome_a), EVENING).dark_windows(Twilight.NAUTICAL) == []


def test_polar_winter_is_one_dark_day_long() -> None:
    dome_a = site("N43")
    june = datetime(2026, 6, 21, 0, 0, tzinfo=UTC)
    window = tonight_window(dome_a, june)
    assert window is not None
    assert window.start == june
    assert window.end - window.start == timedelta(hours=24)


def test_the_twilight_choice_names_its_altitude() -> None:
    assert Twilight.NAUTICAL.sun_altitude == -12
    assert Twilight.ASTRONOMICAL.sun_altitude == -18
    assert Twilight.ASTRONOMICAL.label == "astronomical (Sun below -18°)"


def test_coming_night_is_none_when_no_darkness_starts_within_36_hours() -> None:
    dome_a = site("N43")
    grid = sky_grid(location_of(dome_a), EVENING)
    assert coming_night(grid, Twilight.ASTRONOMICAL, EVENING) is None
