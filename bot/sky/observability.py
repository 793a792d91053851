"""Coarse observability of NEOCP objects from a site, for every object at once.

Positions come from the Scout summary (R.A. to the minute of time, Dec. to the degree, at
``tEphem``), so the answer is as coarse as they are; the precise figures are Scout's
topocentric ephemeris, asked for only when someone wants them. An object moves while the
night goes on: its altitude may be off by up to ``rate × |t − tEphem|``, so that margin
widens its window (up to ``MAX_MARGIN_DEG``) rather than letting a fast mover drop out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from bot.scout.models import ScoutObject
from bot.sky.models import Twilight
from bot.sky.night import DarkWindow, SkyGrid

# Beyond this the summary's position says little about where the object is tonight.
MAX_MARGIN_DEG = 20.0
_RA = re.compile(r"^\s*(\d{1,2}):(\d{1,2}(?:\.\d*)?)\s*$")
_DEC = re.compile(r"^\s*([+-]?)(\d{1,2}(?:\.\d*)?)(?::(\d{1,2}(?:\.\d*)?))?\s*$")


class LeftOut(StrEnum):
    """Why an object is not listed for a night; the values are the footer's words."""

    TOO_LOW = "too low"
    TOO_FAINT = "too faint"
    DAYLIGHT = "up only in daylight"
    NO_POSITION = "no position"


@dataclass(frozen=True)
class Visibility:
    """One object's coarse figures from one site: when it is up in the dark, and how high."""

    designation: str
    start: datetime  # UTC
    end: datetime
    best_altitude: float  # degrees, from the listed position
    best_time: datetime
    moon_distance: float  # degrees, at best_time
    margin: float  # degrees the window was widened by at its edges for the object's motion

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0


@dataclass(frozen=True)
class Assessment:
    """Every object of a list judged for one site and span."""

    visible: list[tuple[ScoutObject, Visibility]]
    left_out: Counter[LeftOut]


@dataclass(frozen=True)
class Limits:
    """What an object must reach: altitude (degrees), twilight, and at most this V."""

    min_altitude: float
    twilight: Twilight
    max_vmag: float | None = None


def ra_degrees(text: str | None) -> float | None:
    """Scout's "HH:MM" R.A. in degrees; None when absent or unreadable."""
    match = _RA.match(text or "")
    if not match:
        return None
    hours, minutes = int(match[1]), float(match[2])
    if hours >= 24 or minutes >= 60:
        return None
    return (hours + minutes / 60.0) * 15.0


def dec_degrees(text: str | None) -> float | None:
    """Scout's "+DD" Dec. (whole degrees; "-00" is just south) in degrees."""
    match = _DEC.match(text or "")
    if not match:
        return None
    value = float(match[2]) + (float(match[3]) / 60.0 if match[3] else 0.0)
    if value > 90:
        return None
    return -value if match[1] == "-" else value


def assess(
    objects: Sequence[ScoutObject],
    grid: SkyGrid,
    limits: Limits,
    span: DarkWindow,
    *,
    judged_until: datetime | None = None,
) -> Assessment:
    """Which objects rise above ``limits.min_altitude`` in darkness during ``span``.

    The left-out are counted by reason: no position, too faint, never high enough until
    ``judged_until`` (default: the span's end), or high enough only while the Sun is up.
    """
    left_out: Counter[LeftOut] = Counter()
    candidates, ra, dec = [], [], []
    for obj in objects:
        obj_ra, obj_dec = ra_degrees(obj.ra), dec_degrees(obj.dec)
        if obj_ra is None or obj_dec is None:
            left_out[LeftOut.NO_POSITION] += 1
        elif limits.max_vmag is not None and obj.vmag is not None and obj.vmag > limits.max_vmag:
            left_out[LeftOut.TOO_FAINT] += 1
        else:
            candidates.append(obj)
            ra.append(obj_ra)
            dec.append(obj_dec)
    if not candidates:
        return Assessment([], left_out)
    sky = _SkySlice(grid, span, limits.twilight, judged_until or span.end)
    figures = sky.judge(candidates, np.radians(ra), np.radians(dec), limits.min_altitude)
    visible = []
    for obj, result in zip(candidates, figures, strict=True):
        if isinstance(result, LeftOut):
            left_out[result] += 1
        else:
            visible.append((obj, result))
    return Assessment(visible, left_out)


class _SkySlice:
    """The part of a grid from the span's start to ``judged_until``, with darkness marked:
    dark samples are those inside the span with the Sun below the twilight altitude."""

    def __init__(
        self, grid: SkyGrid, span: DarkWindow, twilight: Twilight, judged_until: datetime
    ) -> None:
        first = max(0, math.floor(grid.minutes_at(span.start) / _step(grid)))
        last = min(len(grid.minutes) - 1, math.ceil(grid.minutes_at(judged_until) / _step(grid)))
        self.grid = grid
        self.slice = slice(first, last + 1)
        self.minutes = grid.minutes[self.slice]
        in_span = (self.minutes >= grid.minutes_at(span.start)) & (
            self.minutes <= grid.minutes_at(span.end)
        )
        self.dark = in_span & (grid.sun_altitude[self.slice] < twilight.sun_altitude)
        self.span = span
        self.twilight = twilight
        self._run_edges()

    def _run_edges(self) -> None:
        """For each dark sample, the exact start and end (minutes) of its dark stretch."""
        windows = self.grid.dark_windows(self.twilight)
        start = np.full(len(self.minutes), np.nan)
        end = np.full(len(self.minutes), np.nan)
        for window in windows:
            lo = max(self.grid.minutes_at(window.start), self.grid.minutes_at(self.span.start))
            hi = min(self.grid.minutes_at(window.end), self.grid.minutes_at(self.span.end))
            inside = self.dark & (self.minutes >= lo - 1e-6) & (self.minutes <= hi + 1e-6)
            start[inside], end[inside] = lo, hi
        self.run_start, self.run_end = start, end

    def judge(
        self,
        objects: list[ScoutObject],
        ra: NDArray[np.float64],
        dec: NDArray[np.float64],
        min_altitude: float,
    ) -> list[Visibility | LeftOut]:
        directions = np.array([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])
        # (T, N) arrays of thousands of objects: float32 halves the memory traffic and
        # keeps altitudes to a few arcseconds, far finer than the summary's positions.
        # Written out rather than a matrix product: BLAS would spin up threads for a
        # 3-long inner dimension and bill the other core for nothing.
        zenith = self.grid.zenith[:, self.slice].astype(np.float32)[:, :, None]
        towards = directions.astype(np.float32)[:, None, :]
        sin_altitude = zenith[0] * towards[0]
        sin_altitude += zenith[1] * towards[1]
        sin_altitude += zenith[2] * towards[2]
        altitude = np.degrees(np.arcsin(np.clip(sin_altitude, -1, 1, out=sin_altitude)))
        clearance = altitude + self._margins(objects)
        clearance -= np.float32(min_altitude)
        up = clearance >= 0
        ok = up & self.dark[:, None]
        visible = ok.any(axis=0)
        ever_up = up.any(axis=0)
        count = len(self.minutes)
        # The window runs from the first to the last sample up in the dark; an object that
        # dips below the limit and rises again in one long night keeps the whole span.
        first = np.argmax(ok, axis=0)
        last = count - 1 - np.argmax(ok[::-1], axis=0)
        best = np.argmax(np.where(ok, altitude, np.float32(-90)), axis=0)
        columns = np.arange(len(objects))
        best_altitude = altitude[best, columns]
        moon_cos = np.einsum("in,in->n", self.grid.moon[:, self.slice][:, best], directions)
        moon_distance = np.degrees(np.arccos(np.clip(moon_cos, -1.0, 1.0)))
        margin = clearance - altitude + np.float32(min_altitude)
        starts = self._edges(clearance, first, columns, before=True)
        ends = self._edges(clearance, last, columns, before=False)
        edge_margin = np.maximum(margin[first, columns], margin[last, columns])
        results: list[Visibility | LeftOut] = []
        for n, obj in enumerate(objects):
            if not visible[n]:
                results.append(LeftOut.DAYLIGHT if ever_up[n] else LeftOut.TOO_LOW)
                continue
            results.append(
                Visibility(
                    designation=obj.designation,
                    start=self.grid.time_at(starts[n]),
                    end=self.grid.time_at(ends[n]),
                    best_altitude=round(float(best_altitude[n]), 1),
                    best_time=self.grid.time_at(self.minutes[best[n]]),
                    moon_distance=round(float(moon_distance[n]), 1),
                    margin=round(float(edge_margin[n]), 1),
                )
            )
        return results

    def _margins(self, objects: list[ScoutObject]) -> NDArray[np.float32]:
        """How far (degrees) each object may have moved from its listed position."""
        rate = np.array([obj.rate or 0.0 for obj in objects]) / 3600.0  # deg a minute
        epoch = np.array(
            [
                self.grid.minutes_at(obj.ephemeris_time)
                if obj.ephemeris_time is not None
                else self.minutes[0]
                for obj in objects
            ]
        )
        minutes = self.minutes.astype(np.float32)[:, None]
        moved: NDArray[np.float32] = np.abs(minutes - epoch.astype(np.float32)[None, :])
        moved *= rate.astype(np.float32)[None, :]
        np.minimum(moved, np.float32(MAX_MARGIN_DEG), out=moved)
        return moved

    def _edges(
        self,
        clearance: NDArray[np.float32],
        index: NDArray[np.intp],
        columns: NDArray[np.intp],
        *,
        before: bool,
    ) -> NDArray[np.float64]:
        """The exact minute each stretch begins (or ends): the dark stretch's own edge
        when darkness bounds it, else where the altitude crosses the limit."""
        step = -1 if before else 1
        neighbour = np.clip(index + step, 0, len(self.minutes) - 1)
        dark_edge = self.run_start[index] if before else self.run_end[index]
        bounded_by_dark = (neighbour == index) | ~self.dark[neighbour]
        inside, outside = clearance[index, columns], clearance[neighbour, columns]
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = np.where(outside < inside, inside / (inside - outside), 0.0)
        crossing = self.minutes[index] + step * np.clip(fraction, 0.0, 1.0) * _step(self.grid)
        edge = np.where(bounded_by_dark, dark_edge, crossing)
        # Never outside the stretch of darkness the sample belongs to.
        inside_darkness: NDArray[np.float64] = np.clip(
            edge, self.run_start[index], self.run_end[index]
        )
        return inside_darkness


def _step(grid: SkyGrid) -> float:
    return float(grid.minutes[1] - grid.minutes[0])
