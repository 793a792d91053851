"""The /about embed: version, data sources, credits and upstream health."""

from __future__ import annotations

import discord

from bot import PROJECT_URL, __version__
from bot.health import ServiceHealth


def about_embed(services: list[ServiceHealth]) -> discord.Embed:
    embed = discord.Embed(
        title=f"scout-bot {__version__}",
        url=PROJECT_URL,
        description=(
            "NEO follow-up on Discord: JPL CNEOS Scout assessments of NEOCP objects, "
            "MPC action-code requests and NEOCP alerts, for this team's servers only."
        ),
        colour=discord.Colour.dark_blue(),
    )
    embed.add_field(
        name="Data sources",
        value=(
            "[JPL CNEOS Scout](https://cneos.jpl.nasa.gov/scout/) (NASA/JPL Center for "
            "Near-Earth Object Studies)\n"
            "[Minor Planet Center](https://minorplanetcenter.net/) NEOCP and action codes"
        ),
        inline=False,
    )
    embed.add_field(
        name="Upstream health",
        value="\n".join(_health_line(service) for service in services),
        inline=False,
    )
    embed.set_footer(
        text="NEOCP designations and ephemerides are for this team only: please do not repost."
    )
    return embed


def _health_line(service: ServiceHealth) -> str:
    if service.ok is None:
        return f"⚪ {service.service}: not asked yet"
    if service.ok:
        assert service.last_success is not None
        return (
            f"🟢 {service.service}: answered {discord.utils.format_dt(service.last_success, 'R')}"
        )
    assert service.last_failure is not None
    return (
        f"🔴 {service.service}: failed {discord.utils.format_dt(service.last_failure, 'R')}"
        f" ({service.last_error})"
    )
