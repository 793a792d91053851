"""The embed of one object's Scout record (``/scout object``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import discord

from bot.render.common import (
    DATA_FOOTER,
    EMBED_TITLE_LIMIT,
    NA,
    fmt_arc,
    fmt_arcmin,
    fmt_elong,
    fmt_mag,
    fmt_number,
    fmt_radec,
    fmt_rate,
    fmt_rating,
    fmt_score,
    fmt_size,
    object_colour,
    object_links,
    scout_url,
    shown,
    truncate,
    utc_and_relative,
    utc_time,
)
from bot.scout.models import ScoutObject

# Scout re-runs an object when new observations arrive, within minutes; a run older than
# this means the figures may trail what the NEOCP now holds.
STALE_AFTER: Final = timedelta(hours=12)


def object_embed(obj: ScoutObject, *, now: datetime | None = None) -> discord.Embed:
    """Every figure of the record, grouped as an observer reads them, coloured by interest.

    The inline fields sit three abreast (about 170 px each on a desktop), so each holds one
    short figure a line: a line never wraps in the middle of a phrase.
    """
    embed = discord.Embed(
        title=truncate(f"{shown(obj.designation)} on the NEOCP", EMBED_TITLE_LIMIT),
        url=scout_url(obj.designation),
        description=_description(obj, now or datetime.now(UTC)),
        colour=object_colour(obj),
        timestamp=obj.last_run,
    )
    embed.add_field(name="Scores (0-100)", value=_scores(obj))
    embed.add_field(name="Impact rating", value=fmt_rating(obj.rating))
    embed.add_field(
        name="Brightness",
        value=f"V {fmt_mag(obj.vmag)}\nH {fmt_mag(obj.h)}\nsize {fmt_size(obj.h)}",
    )
    embed.add_field(
        name="Observations",
        value=(
            f"{NA if obj.n_obs is None else obj.n_obs} obs\narc {fmt_arc(obj.arc_hours)}\n"
            f"RMS {fmt_number(obj.rms_n, 2)}"
        ),
    )
    embed.add_field(
        name="Position (coarse)",
        value=f"{fmt_radec(obj)}\nelong. {fmt_elong(obj.elong)}\nrate {fmt_rate(obj.rate)}",
    )
    embed.add_field(name="1-σ uncertainty", value=_uncertainty(obj))
    embed.add_field(name="Earth approach", value=_earth_approach(obj))
    embed.set_footer(text=DATA_FOOTER)
    return embed


def _description(obj: ScoutObject, now: datetime) -> str:
    lines = [object_links(obj.designation), f"Scout last ran {utc_and_relative(obj.last_run)}."]
    if obj.last_run is not None and now - obj.last_run > STALE_AFTER:
        hours = (now - obj.last_run).total_seconds() / 3600
        age = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"
        lines.append(f"⚠️ **Stale**: this run is {age} old; the NEOCP may hold newer observations.")
    lines.append(
        f"Position for {utc_time(obj.ephemeris_time)}, coarse as Scout lists it "
        "(R.A. to the minute, Dec. to the degree): `/scout ephemeris` gives it exactly."
    )
    return "\n".join(lines)


def _scores(obj: ScoutObject) -> str:
    return (
        f"NEO {fmt_score(obj.neo_score)}\nNEO >1 km {fmt_score(obj.neo1km_score)}\n"
        f"PHA {fmt_score(obj.pha_score)}\nIEO {fmt_score(obj.ieo_score)}\n"
        f"geocentric {fmt_score(obj.geocentric_score)}\n"
        f"comet-like {fmt_score(obj.tisserand_score)}"
    )


def _uncertainty(obj: ScoutObject) -> str:
    now = f"{fmt_arcmin(obj.unc)} now"
    return now if obj.unc_p1 is None else f"{now}\n{fmt_arcmin(obj.unc_p1)} in 1 d"


def _earth_approach(obj: ScoutObject) -> str:
    return (
        f"MOID {fmt_number(obj.moid, 3, ' au')}\n"
        f"closest {fmt_number(obj.ca_dist, 3, ' LD')}\n"
        f"v∞ {fmt_number(obj.v_inf, 3, ' km/s')}"
    )
