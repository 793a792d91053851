"""The sky over a site for the next days, sampled every few minutes, and its dark windows.

A ``SkyGrid`` holds, for each instant of the grid, the zenith's direction, the Sun's
altitude and the Moon's direction. Everything else (dark windows, every object's
altitude) is numpy arithmetic on it. Grids are cached per site and five-minute slot, so
a page turn or a second command in the same minutes costs nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock

import numpy as np
from numpy.typing import NDArray
from skyfield.timelib import Time

from bot.sky.bodies import Bodies, Vectors, bodies
from bot.sky.models import Location, Twilight

STEP_MINUTES = 5
# The coming night must begin within NIGHT_SEARCH of now, and each night is judged over
# the day that follows its start (to tell "too low" from "up only in daylight").
NIGHT_SEARCH = timedelta(hours=36)
JUDGED_SPAN = timedelta(hours=24)
GRID_SPAN = NIGHT_SEARCH + JUDGED_SPAN
# A night in progress with less darkness left than this is over: "tonight" is the next.
MIN_DARK_LEFT = timedelta(minutes=60)
_SUN_KNOT_MINUTES = 180  # the Sun's direction moves ~0.1 deg in 3 h: linear is exact enough
_MOON_KNOT_MINUTES = 60  # the Moon's (topocentric) moves ~0.6 deg an hour
_CACHE_SIZE = 32

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class DarkWindow:
    """From when to when the Sun is below the site's twilight altitude (UTC)."""

    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0

    def __contains__(self, when: object) -> bool:
        return isinstance(when, datetime) and self.start <= when <= self.end


@dataclass(frozen=True, eq=False)
class SkyGrid:
    """The sky over one site at ``start + k * STEP_MINUTES`` for k = 0..count-1."""

    location: Location
    start: datetime
    minutes: Floats  # (T,) minutes after start
    zenith: Vectors  # (3, T) ICRS unit vectors
    sun_altitude: Floats  # (T,) degrees
    moon: Vectors  # (3, T) ICRS unit vectors of the topocentric Moon

    def time_at(self, minutes: float) -> datetime:
        return self.start + timedelta(minutes=float(minutes))

    def minutes_at(self, when: datetime) -> float:
        return (when - self.start).total_seconds() / 60.0

    def moon_illumination(self, when: datetime) -> float:
        """The lit fraction of the Moon's disc at ``when`` (0..1)."""
        sky = bodies()
        return sky.moon_illumination(sky.time(when))

    def dark_windows(self, twilight: Twilight) -> list[DarkWindow]:
        """Every stretch of darkness in the grid, edges interpolated to the minute."""
        dark = self.sun_altitude < twilight.sun_altitude
        edges = np.flatnonzero(np.diff(dark.astype(np.int8)))
        starts = [0] if dark[0] else []
        starts += [int(i) + 1 for i in edges if not dark[i]]
        ends = [int(i) for i in edges if dark[i]]
        if dark[-1]:
            ends.append(len(dark) - 1)
        return [
            DarkWindow(
                self._sun_crossing(i, twilight, rising=False),
                self._sun_crossing(j, twilight, rising=True),
            )
            for i, j in zip(starts, ends, strict=True)
        ]

    def _sun_crossing(self, index: int, twilight: Twilight, *, rising: bool) -> datetime:
        """When the Sun crossed the twilight altitude next to dark sample ``index``."""
        other = index + 1 if rising else index - 1
        if other < 0 or other >= len(self.minutes):
            return self.time_at(self.minutes[index])
        inside = self.sun_altitude[index] - twilight.sun_altitude
        outside = self.sun_altitude[other] - twilight.sun_altitude
        fraction = inside / (inside - outside)
        at = self.minutes[index] + fraction * (self.minutes[other] - self.minutes[index])
        return self.time_at(at)


def coming_night(grid: SkyGrid, twilight: Twilight, now: datetime) -> DarkWindow | None:
    """The night an observer means by "tonight": the one in progress if at least an hour
    of it is left, else the next one that starts within 36 hours; at most 24 hours long
    (polar winter); None when the Sun stays up (polar summer)."""
    for window in grid.dark_windows(twilight):
        start = max(window.start, now)
        if window.end - start < MIN_DARK_LEFT:
            continue
        if start - now > NIGHT_SEARCH:
            return None
        return DarkWindow(start, min(window.end, start + JUDGED_SPAN))
    return None


def sky_grid(location: Location, now: datetime) -> SkyGrid:
    """The grid for this site from the five-minute slot holding ``now``; cached."""
    now = now.astimezone(UTC)
    slot = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % STEP_MINUTES)
    key = (location, slot)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    grid = _compute_grid(location, slot)
    with _cache_lock:
        _cache[key] = grid
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return grid


_cache: OrderedDict[tuple[Location, datetime], SkyGrid] = OrderedDict()
_cache_lock = Lock()


def _compute_grid(location: Location, start: datetime) -> SkyGrid:
    sky = bodies()
    span = GRID_SPAN.total_seconds() / 60.0
    minutes = np.arange(0.0, span + STEP_MINUTES, STEP_MINUTES)
    zenith = sky.zenith_directions(location, sky.minutes_after(start, minutes))
    sun = _interpolated(minutes, sky, start, _SUN_KNOT_MINUTES, sky.sun_directions)
    moon = _interpolated(
        minutes,
        sky,
        start,
        _MOON_KNOT_MINUTES,
        lambda when: sky.moon_directions(location, when),
    )
    sun_altitude = np.degrees(np.arcsin(np.clip(np.einsum("it,it->t", zenith, sun), -1, 1)))
    return SkyGrid(location, start, minutes, zenith, sun_altitude, moon)


def _interpolated(
    minutes: Floats,
    sky: Bodies,
    start: datetime,
    every: int,
    directions: Callable[[Time], Vectors],
) -> Vectors:
    """Directions computed at knots every ``every`` minutes and interpolated between."""
    knots = np.arange(0.0, minutes[-1] + every, every)
    at_knots = directions(sky.minutes_after(start, knots))
    inside = np.array([np.interp(minutes, knots, at_knots[axis]) for axis in range(3)])
    unit: Vectors = inside / np.linalg.norm(inside, axis=0)
    return unit
