"""Scout's own topocentric ephemeris from a site over its coming night, and what it says.

The coarse figures (``observability``) come from the summary's rounded position; these
come from Scout's ephemeris for the site's MPC code (``obs-code``): the object's altitude,
the Sun flag, the Moon's distance and the 1-sigma uncertainty every half hour of the night.
The question is the same for a 🔭 press under /scout tonight and for an alert, so both
share the Scout client's cache (tagged with the object's ``lastRun``): at most one request
per object, site and Scout run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.scout.models import Ephemeris, EphemerisRecord
from bot.scout.validation import EphemerisQuery
from bot.sky.models import Site, Twilight
from bot.sky.plan import tonight_window

# Half-hourly, from the hour the night starts in, so that every request during that hour
# asks the same question (and the cache answers).
SITE_EPHEMERIS_STEP = "30m"
SITE_EPHEMERIS_STEP_MINUTES = 30
# Scout's Sun flags (None: the Sun is below the horizon's -18°, night) dark enough for
# each twilight choice: "a" is astronomical twilight, the Sun between -18° and -12°.
_DARK_FLAGS: dict[Twilight, frozenset[str | None]] = {
    Twilight.NAUTICAL: frozenset({None, "a"}),
    Twilight.ASTRONOMICAL: frozenset({None}),
}


class PreciseFigures(BaseModel):
    """When Scout's ephemeris has the object above the site's minimum altitude in the dark
    of its coming night, and its figures at the highest point."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    start: datetime  # UTC, the first half-hour up in the dark
    end: datetime  # the last one
    best_altitude: float  # degrees
    best_time: datetime
    vmag: float | None = None
    sigma_arcmin: float | None = None  # 1-sigma position uncertainty
    moon_distance: float | None = None  # degrees


def site_ephemeris_query(
    designation: str, site: Site, now: datetime | None = None
) -> EphemerisQuery:
    """Scout's ephemeris from the site over its coming night (half-hourly)."""
    now = now or datetime.now(UTC)
    window = tonight_window(site, now)
    if window is None:  # no dark night: the next twelve hours, so the answer says why
        start, stop = now, now + timedelta(hours=12)
    else:
        start, stop = window.start, window.end
    start = start.replace(minute=0, second=0, microsecond=0)
    return EphemerisQuery.build(
        designation,
        start=start,
        stop=_ceil_to_step(stop),
        step=SITE_EPHEMERIS_STEP,
        obs_code=site.code,
        now=now,
    )


def _ceil_to_step(when: datetime) -> datetime:
    floored = when.replace(second=0, microsecond=0) - timedelta(
        minutes=when.minute % SITE_EPHEMERIS_STEP_MINUTES
    )
    return floored if floored == when else floored + timedelta(minutes=SITE_EPHEMERIS_STEP_MINUTES)


def precise_figures(ephemeris: Ephemeris, site: Site) -> PreciseFigures | None:
    """The object's figures from the site's ephemeris; None when it never stands above the
    site's minimum altitude while the Sun is low enough for the site's twilight."""
    up = _up_in_the_dark(ephemeris.records, site)
    if not up:
        return None
    best = max(up, key=lambda record: record.el or 0.0)
    return PreciseFigures(
        start=up[0].time,
        end=up[-1].time,
        best_altitude=best.el or 0.0,
        best_time=best.time,
        vmag=best.vmag,
        sigma_arcmin=best.sigma_pos,
        moon_distance=best.median.get("moon"),
    )


def _up_in_the_dark(records: Sequence[EphemerisRecord], site: Site) -> list[EphemerisRecord]:
    dark = _DARK_FLAGS[site.twilight]
    return [
        record
        for record in records
        if record.sun_flag in dark and record.el is not None and record.el >= site.min_altitude
    ]
