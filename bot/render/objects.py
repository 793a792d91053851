"""The embed of one object's Scout record (``/scout object``)."""

from __future__ import annotations

import discord

from bot.render.common import (
    DATA_FOOTER,
    EMBED_TITLE_LIMIT,
    NA,
    absolute_time,
    fmt_arc,
    fmt_elong,
    fmt_mag,
    fmt_number,
    fmt_radec,
    fmt_rate,
    fmt_rating,
    fmt_score,
    fmt_uncertainty,
    object_colour,
    object_links,
    relative_time,
    scout_url,
    shown,
    truncate,
)
from bot.scout.models import ScoutObject


def object_embed(obj: ScoutObject) -> discord.Embed:
    """Every figure of the record, grouped as an observer reads them, coloured by interest."""
    embed = discord.Embed(
        title=truncate(f"{shown(obj.designation)} on the NEOCP", EMBED_TITLE_LIMIT),
        url=scout_url(obj.designation),
        description=(
            f"{object_links(obj.designation)}\n"
            f"Scout last ran {relative_time(obj.last_run)}; "
            f"position for {absolute_time(obj.ephemeris_time)}."
        ),
        colour=object_colour(obj),
        timestamp=obj.last_run,
    )
    embed.add_field(name="Scores (0-100)", value=_scores(obj), inline=True)
    embed.add_field(name="Impact rating", value=fmt_rating(obj.rating), inline=True)
    embed.add_field(name="Brightness", value=f"V {fmt_mag(obj.vmag)}\nH {fmt_mag(obj.h)}")
    embed.add_field(
        name="Observations",
        value=(
            f"{NA if obj.n_obs is None else obj.n_obs} obs\narc {fmt_arc(obj.arc_hours)}\n"
            f"RMS {fmt_number(obj.rms_n, 2)}"
        ),
    )
    embed.add_field(
        name="Position",
        value=f"{fmt_radec(obj)}\nelong. {fmt_elong(obj.elong)}\nrate {fmt_rate(obj.rate)}",
    )
    embed.add_field(name="1-σ uncertainty", value=fmt_uncertainty(obj))
    embed.add_field(name="Earth approach", value=_earth_approach(obj), inline=True)
    embed.set_footer(text=DATA_FOOTER)
    return embed


def _scores(obj: ScoutObject) -> str:
    return (
        f"NEO {fmt_score(obj.neo_score)} · NEO >1 km {fmt_score(obj.neo1km_score)}\n"
        f"PHA {fmt_score(obj.pha_score)} · IEO {fmt_score(obj.ieo_score)}\n"
        f"geocentric {fmt_score(obj.geocentric_score)} · "
        f"comet-like {fmt_score(obj.tisserand_score)}"
    )


def _earth_approach(obj: ScoutObject) -> str:
    return (
        f"MOID {fmt_number(obj.moid, 3, ' au')}\n"
        f"closest {fmt_number(obj.ca_dist, 3, ' LD')}\n"
        f"v∞ {fmt_number(obj.v_inf, 3, ' km/s')}"
    )
