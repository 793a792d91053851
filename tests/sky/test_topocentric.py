"""Scout's topocentric ephemeris from a site: the question asked (the site's coming night,
half-hourly, from the hour it starts in) and what its rows say (up in the dark, and the
figures at the highest point)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scout.models import Ephemeris, EphemerisRecord
from bot.sky import Twilight, tonight_window
from bot.sky.topocentric import PreciseFigures, precise_figures, site_ephemeris_query
from tests.builders import make_object
from tests.sky.helpers import site

START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def ephemeris(*rows: tuple[str | None, float]) -> Ephemeris:
    """Half-hourly records from START: (Sun flag, altitude); the V, 1-sigma and Moon
    distance grow with the row, so the figures show which row they came from."""
    records = [
        EphemerisRecord(
            time=START + timedelta(minutes=30 * index),
            sun_flag=flag,
            sigma_pos=1.0 + index,
            median={"el": altitude, "vmag": 20.0 + index / 10, "moon": 80.0 + index},
        )
        for index, (flag, altitude) in enumerate(rows)
    ]
    return Ephemeris(object=make_object(), records=records)


def at(row: int) -> datetime:
    return START + timedelta(minutes=30 * row)


def test_up_in_the_dark_from_the_first_to_the_last_row_above_the_minimum_altitude() -> None:
    rows = [("*", 60.0), ("c", 62.0), ("n", 64.0), ("a", 30.0), (None, 50.0), (None, 20.0)]
    figures = precise_figures(ephemeris(*rows), site("G96", min_altitude=25))
    assert figures == PreciseFigures(
        start=at(3),
        end=at(4),
        best_altitude=50.0,
        best_time=at(4),
        vmag=20.4,
        sigma_arcmin=5.0,
        moon_distance=84.0,
    )


def test_astronomical_twilight_is_not_dark_for_a_site_that_asks_for_astronomical() -> None:
    rows = [("a", 70.0), (None, 40.0)]
    strict = site("G96", twilight=Twilight.ASTRONOMICAL)
    figures = precise_figures(ephemeris(*rows), strict)
    assert figures is not None and (figures.start, figures.best_altitude) == (at(1), 40.0)


def test_never_above_the_minimum_altitude_in_the_dark_gives_no_figures() -> None:
    rows = [("*", 80.0), (None, 24.0), (None, 10.0), ("n", 50.0)]
    assert precise_figures(ephemeris(*rows), site("G96", min_altitude=25)) is None


def test_the_question_is_the_coming_night_half_hourly_from_the_hour_it_starts_in() -> None:
    lemmon = site("G96")
    now = datetime(2026, 11, 27, 19, 30, tzinfo=UTC)
    window = tonight_window(lemmon, now)
    assert window is not None
    query = site_ephemeris_query("P21abcd", lemmon, now)
    assert query.obs_code == "G96" and query.step == "30m"
    assert query.start == window.start.replace(minute=0, second=0, microsecond=0)
    assert query.stop is not None and window.end <= query.stop < window.end + timedelta(minutes=30)
    # A little later in the same hour, the very same question (the cache answers it).
    assert site_ephemeris_query("P21abcd", lemmon, now + timedelta(minutes=20)) == query
