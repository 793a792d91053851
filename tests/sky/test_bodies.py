"""The fast paths agree with Skyfield's own full computation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from skyfield.api import wgs84

from bot.sky.bodies import bodies
from bot.sky.night import sky_grid
from bot.sky.plan import location_of
from tests.sky.helpers import site, skyfield_altitude

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def test_the_zenith_matches_skyfields_rotation_to_the_horizon() -> None:
    sky = bodies()
    where = location_of(site("G96"))
    minutes = np.arange(0.0, 48 * 60, 37.0)
    when = sky.minutes_after(NOW, minutes)
    ours = sky.zenith_directions(where, when)
    theirs = wgs84.latlon(where.latitude, where.longitude, where.height_m).rotation_at(when)[2]
    angle = np.degrees(np.arccos(np.clip(np.einsum("it,it->t", ours, theirs), -1, 1)))
    assert angle.max() < 0.001  # degrees: 3.6 arcseconds


@pytest.mark.parametrize(("ra", "dec"), [(10.0, 20.0), (150.0, -45.0), (300.0, 75.0)])
def test_altitudes_on_the_grid_match_skyfields_apparent_altitudes(ra: float, dec: float) -> None:
    lemmon = site("G96")
    grid = sky_grid(location_of(lemmon), NOW)
    direction = np.array(
        [
            np.cos(np.radians(dec)) * np.cos(np.radians(ra)),
            np.cos(np.radians(dec)) * np.sin(np.radians(ra)),
            np.sin(np.radians(dec)),
        ]
    )
    for index in (0, 100, 500):
        ours = np.degrees(np.arcsin(grid.zenith[:, index] @ direction))
        theirs = skyfield_altitude(lemmon, ra, dec, grid.time_at(grid.minutes[index]))
        # Skyfield adds aberration (up to 20 arcseconds) to a fixed star; we do not.
        assert ours == pytest.approx(theirs, abs=0.01)


def test_the_suns_altitude_on_the_grid_matches_skyfield() -> None:
    sky = bodies()
    lemmon = site("G96")
    where = location_of(lemmon)
    grid = sky_grid(where, NOW)
    observer = sky.earth + wgs84.latlon(where.latitude, where.longitude, where.height_m)
    for index in (0, 77, 300, 700):
        when = sky.time(grid.time_at(grid.minutes[index]))
        altitude, _, _ = observer.at(when).observe(sky.sun).apparent().altaz()
        assert grid.sun_altitude[index] == pytest.approx(altitude.degrees, abs=0.01)


def test_the_moon_on_the_grid_is_within_a_tenth_of_a_degree_of_skyfield() -> None:
    sky = bodies()
    where = location_of(site("G96"))
    grid = sky_grid(where, NOW)
    for index in (5, 250, 611):
        when = sky.time(grid.time_at(grid.minutes[index]))
        exact = sky.moon_directions(where, when)
        angle = np.degrees(np.arccos(min(1.0, float(exact @ grid.moon[:, index]))))
        assert angle < 0.1


def test_grids_are_cached_per_five_minute_slot() -> None:
    where = location_of(site("G96"))
    first = sky_grid(where, NOW + timedelta(minutes=1))
    assert sky_grid(where, NOW + timedelta(minutes=4, seconds=59)) is first
    assert sky_grid(where, NOW + timedelta(minutes=5)) is not first
    assert first.start == NOW
