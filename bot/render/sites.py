"""Embeds for /site: a server's telescopes, where they are, and tonight's dark window."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.render import safe
from bot.render.common import EMBED_FIELD_LIMIT, truncate
from bot.sky import DarkWindow, Location, Site
from bot.store import StoredSite

SITE_COLOUR = discord.Colour.dark_teal()


def plain(text: str) -> str:
    """A user's or the MPC's text shown as typed, never as markdown or a mention."""
    return safe.text(text, limit=100)


def fmt_utc(when: datetime) -> str:
    return f"{when:%H:%M}"


def fmt_window(window: DarkWindow | None) -> str:
    """ "28 Nov 18:54 – 29 Nov 06:02 UTC (11.1 h)"; the date each side, so a night that
    crosses midnight UTC reads right."""
    if window is None:
        return "no dark window in the next 36 h (the Sun does not go down far enough)"
    start, end = window.start, window.end
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%d %b %H:%M}"
    return f"{start:%d %b %H:%M} – {end_text} UTC ({window.hours:.1f} h)"


def fmt_location(location: Location) -> str:
    """ "32.4427° N, 110.7887° W, 2757 m"."""
    north = "N" if location.latitude >= 0 else "S"
    east = "E" if location.longitude >= 0 else "W"
    return (
        f"{abs(location.latitude):.4f}° {north}, {abs(location.longitude):.4f}° {east}, "
        f"{location.height_m:.0f} m"
    )


def fmt_limits(site: Site) -> str:
    parts = [f"above {site.min_altitude:g}°", f"{site.twilight.value} twilight"]
    if site.limiting_vmag is not None:
        parts.append(f"V ≤ {site.limiting_vmag:g}")
    if site.fov_arcmin is not None:
        parts.append(f"field {site.fov_arcmin:g}′")
    return " · ".join(parts)


def site_lines(
    stored: StoredSite, location: Location, window: DarkWindow | None, moon: float | None
) -> str:
    lines = [
        fmt_location(location),
        fmt_limits(stored.site),
        f"Dark: {fmt_window(window)}",
    ]
    if moon is not None:
        lines.append(f"Moon {moon * 100:.0f}% lit")
    return "\n".join(lines)


def site_title(stored: StoredSite) -> str:
    star = " ★ default" if stored.is_default else ""
    return truncate(f"{site_label(stored.site)}{star}", 256)


def own_default_line(own: StoredSite | None) -> str:
    """/site list's line for the person who asked: "Your default: Mt. Lemmon (G96)"."""
    if own is None:
        return "Your default: the server's (`/site mine` chooses your own)"
    return f"Your default: {site_label(own.site)}"


def mine_message(
    own: StoredSite | None, server_default: StoredSite | None, *, changed: bool
) -> str:
    """/site mine's answer: the person's own default site, or what is used without one."""
    if own is not None:
        label = site_label(own.site)
        if changed:
            return (
                f"Your default site is now {label}: your follow-up presses record it, and "
                "`/scout tonight` and `/scout ephemeris` use it when you name no site."
            )
        return f"Your default site is {label}. `/site mine clear:True` goes back to the server's."
    text = "You have no default site of your own" + (" any more" if changed else "")
    if server_default is None:
        text += ", and this server has none either."
    else:
        text += f": the server's, {site_label(server_default.site)}, is used."
    return text if changed else text + " Choose one with `/site mine code:`."


def sites_embed(
    rows: list[tuple[StoredSite, Location, DarkWindow | None, float | None]],
    now: datetime,
    *,
    own: StoredSite | None = None,
) -> discord.Embed:
    """/site list: every site with its coordinates and tonight's dark window, and the
    default site of the person who asked (``own``: theirs, if they chose one)."""
    embed = discord.Embed(title="Observing sites", colour=SITE_COLOUR)
    if not rows:
        embed.description = (
            "This server has no sites yet. Someone with Manage Server can add one: "
            "`/site add code:G96`."
        )
        return embed
    embed.description = (
        f"Dark windows: the coming night as of {now:%d %b %H:%M} UTC.\n{own_default_line(own)}"
    )
    for stored, location, window, moon in rows[:EMBED_FIELD_LIMIT]:
        embed.add_field(
            name=site_title(stored), value=site_lines(stored, location, window, moon), inline=False
        )
    return embed


def site_saved_embed(
    stored: StoredSite,
    location: Location,
    window: DarkWindow | None,
    moon: float | None,
    *,
    replaced: bool,
) -> discord.Embed:
    """/site add's answer: what was stored, where it is, and tonight's dark window."""
    verb = "updated" if replaced else "added"
    embed = discord.Embed(
        title=f"Site {verb}: {site_title(stored)}",
        description=site_lines(stored, location, window, moon),
        colour=SITE_COLOUR,
    )
    if stored.is_default:
        embed.set_footer(
            text="The server's default: /scout tonight, /scout ephemeris and the Ephemeris "
            "button use it when no site is named."
        )
    return embed


def site_label(site: Site) -> str:
    """ "Mt. Lemmon (G96)", safe to show."""
    return f"{plain(site.name)} ({site.code})"


def removed_message(removed: StoredSite, successor: StoredSite | None) -> str:
    message = f"Site {site_label(removed.site)} is removed."
    if successor is not None:
        message += f" The default site is now {site_label(successor.site)}."
    elif removed.is_default:
        message += " The server has no default site now."
    return message


def default_message(chosen: StoredSite) -> str:
    return (
        f"{site_label(chosen.site)} is now the server's default site: /scout tonight, "
        "/scout ephemeris and the Ephemeris buttons use it when no site is named."
    )
