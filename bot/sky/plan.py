"""What a site can observe: tonight's ranked list, and "within the next N hours" for alerts.

Everything here is local computation on the Scout summary: no request is made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from bot.scout.models import ScoutObject
from bot.sky.bodies import bodies
from bot.sky.models import Location, Site
from bot.sky.night import DarkWindow, coming_night, sky_grid
from bot.sky.observability import Assessment, LeftOut, Limits, Visibility, assess
from bot.sky.priority import Priority, priority

MAX_WITHIN_HOURS = 48


class TonightSort(StrEnum):
    """The ``sort`` choices of /scout tonight (values are the public names)."""

    PRIORITY = "priority"
    START = "start"
    ALTITUDE = "altitude"
    VMAG = "vmag"
    NEO = "neo"


@dataclass(frozen=True)
class Candidate:
    object: ScoutObject
    visibility: Visibility
    priority: Priority


@dataclass(frozen=True)
class Tonight:
    """A site's coming night: its dark window and the objects it can reach, ranked."""

    site: Site
    now: datetime
    window: DarkWindow | None  # None: the Sun does not set far enough (polar summer)
    limits: Limits
    candidates: list[Candidate]
    left_out: Counter[LeftOut] = field(default_factory=Counter)
    moon_illumination: float | None = None
    sort: TonightSort = TonightSort.PRIORITY

    @property
    def considered(self) -> int:
        return len(self.candidates) + sum(self.left_out.values())


@cache
def site_location(longitude: float, rho_cos_phi: float, rho_sin_phi: float) -> Location:
    return bodies().location_from_parallax(longitude, rho_cos_phi, rho_sin_phi)


def location_of(site: Site) -> Location:
    return site_location(site.longitude, site.rho_cos_phi, site.rho_sin_phi)


def tonight_window(site: Site, now: datetime) -> DarkWindow | None:
    """The site's coming night (see ``coming_night``)."""
    return coming_night(sky_grid(location_of(site), now), site.twilight, now)


def sky_of(site: Site, now: datetime) -> tuple[Location, DarkWindow | None, float | None]:
    """Where the site is, its coming night, and how much Moon there is in it (/site)."""
    location = location_of(site)
    window = tonight_window(site, now)
    moon = None
    if window is not None:
        middle = window.start + (window.end - window.start) / 2
        moon = sky_grid(location, now).moon_illumination(middle)
    return location, window, moon


def plan_tonight(
    objects: Sequence[ScoutObject],
    site: Site,
    now: datetime,
    *,
    min_altitude: float | None = None,
    max_vmag: float | None = None,
    sort: TonightSort = TonightSort.PRIORITY,
) -> Tonight:
    """Every object observable from the site in its coming night, best first.

    ``min_altitude`` and ``max_vmag`` override the site's own minimum altitude and
    limiting magnitude for this one answer.
    """
    limits = Limits(
        min_altitude=site.min_altitude if min_altitude is None else min_altitude,
        twilight=site.twilight,
        max_vmag=site.limiting_vmag if max_vmag is None else max_vmag,
    )
    grid = sky_grid(location_of(site), now)
    window = coming_night(grid, site.twilight, now)
    if window is None:
        return Tonight(site, now, None, limits, [], sort=sort)
    judged = assess(objects, grid, limits, window, judged_until=window.start + timedelta(hours=24))
    candidates = [
        Candidate(
            obj,
            seen,
            priority(
                obj,
                seen,
                now=now,
                fov_arcmin=site.fov_arcmin,
                limiting_vmag=limits.max_vmag,
            ),
        )
        for obj, seen in judged.visible
    ]
    middle = window.start + (window.end - window.start) / 2
    return Tonight(
        site=site,
        now=now,
        window=window,
        limits=limits,
        candidates=sorted_candidates(candidates, sort),
        left_out=judged.left_out,
        moon_illumination=grid.moon_illumination(middle),
        sort=sort,
    )


def sorted_candidates(candidates: list[Candidate], sort: TonightSort) -> list[Candidate]:
    """Best first; ties by designation, so pages are stable from press to press."""
    if sort is TonightSort.START:
        return sorted(candidates, key=lambda c: (c.visibility.start, c.object.designation))
    if sort is TonightSort.ALTITUDE:
        return sorted(candidates, key=lambda c: (-c.visibility.best_altitude, c.object.designation))
    if sort is TonightSort.VMAG:
        return sorted(
            candidates,
            key=lambda c: (
                c.object.vmag is None,
                c.object.vmag or 0.0,
                c.object.designation,
            ),
        )
    if sort is TonightSort.NEO:
        return sorted(candidates, key=lambda c: (-(c.object.neo_score or 0), c.object.designation))
    return sorted(candidates, key=lambda c: (-c.priority.total, c.object.designation))


def observable_within(
    objects: Sequence[ScoutObject], site: Site, now: datetime, hours: float
) -> Assessment:
    """Which objects the site can observe (in its own darkness, above its minimum altitude,
    within its limiting V) between now and ``hours`` from now; for site-filtered alerts."""
    hours = min(max(hours, 0.0), MAX_WITHIN_HOURS)
    limits = Limits(site.min_altitude, site.twilight, site.limiting_vmag)
    span = DarkWindow(now, now + timedelta(hours=hours))
    return assess(objects, sky_grid(location_of(site), now), limits, span)
