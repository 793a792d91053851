"""/scout tonight: the NEOCP objects a site can reach in its coming night, a page at a time,
and the one line an alert of a site-filtered subscription carries."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime

import discord

from bot.alerts.sites import SiteFigures
from bot.render import safe
from bot.render.common import DATA_FOOTER, fmt_arcmin, fmt_mag, fmt_rate, shown
from bot.render.sites import fmt_window, site_label
from bot.scout.models import ScoutObject
from bot.sky import FORMULA, Candidate, LeftOut, Site, Tonight, TonightSort, Visibility

PAGE_SIZE = 8
TONIGHT_COLOUR = discord.Colour.dark_blue()

_SORT_WORDS = {
    TonightSort.PRIORITY: "by priority",
    TonightSort.START: "by when they are up",
    TonightSort.ALTITUDE: "by highest altitude",
    TonightSort.VMAG: "brightest first",
    TonightSort.NEO: "by NEO score",
}
_LEFT_OUT_ORDER = (LeftOut.TOO_LOW, LeftOut.TOO_FAINT, LeftOut.DAYLIGHT, LeftOut.NO_POSITION)


def page_count(tonight: Tonight) -> int:
    return max(1, math.ceil(len(tonight.candidates) / PAGE_SIZE))


def page_candidates(tonight: Tonight, index: int) -> list[Candidate]:
    return tonight.candidates[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]


def hhmm(when: datetime) -> str:
    return f"{when:%H:%M}"


def uncertainty_against_field(obj: ScoutObject, site: Site) -> str:
    """ "1σ 3.2′ (field 60′)", with tomorrow's where Scout gives it."""
    text = f"1σ {fmt_arcmin(obj.unc)}"
    if obj.unc_p1 is not None:
        text += f" → {fmt_arcmin(obj.unc_p1)} in 1 d"
    if site.fov_arcmin is not None:
        text += f" (field {fmt_arcmin(site.fov_arcmin)})"
    return text


def visibility_phrase(seen: Visibility) -> str:
    """ "up 02:10-05:40 UTC, highest 62° at 03:55"."""
    text = (
        f"up {hhmm(seen.start)}-{hhmm(seen.end)} UTC, "
        f"highest {seen.best_altitude:.0f}° at {hhmm(seen.best_time)}"
    )
    if seen.margin >= 1:
        text += f" (±{seen.margin:.0f}° for its motion)"
    return text


def site_alert_line(site: Site, obj: ScoutObject, seen: Visibility) -> str:
    """The line a site-filtered alert carries, as DESIGN.md gives it:
    "From Mt. Lemmon (G96): up 02:10-05:40 UTC, highest 62° at 03:55, V 20.3, 1σ 3.2′ (field 60′)".
    """
    field = f" (field {fmt_arcmin(site.fov_arcmin)})" if site.fov_arcmin is not None else ""
    return (
        f"From {site_label(site)}: {visibility_phrase(seen)}, V {fmt_mag(obj.vmag)}, "
        f"1σ {fmt_arcmin(obj.unc)}{field}"
    )


def candidate_field(rank: int, candidate: Candidate, site: Site) -> tuple[str, str]:
    obj, seen = candidate.object, candidate.visibility
    name = f"{rank}. {shown(obj.designation)} · priority {candidate.priority.total:.0f}"
    phrase = visibility_phrase(seen)
    lines = [
        phrase[0].upper() + phrase[1:],
        f"V {fmt_mag(obj.vmag)} · {fmt_rate(obj.rate)} · Moon {seen.moon_distance:.0f}° away",
        uncertainty_against_field(obj, site),
        candidate.priority.explain(),
    ]
    return name, "\n".join(lines)


def left_out_sentence(left_out: Counter[LeftOut]) -> str:
    """ "Left out: 10 too low, 5 too faint, 6 up only in daylight"."""
    parts = [f"{left_out[reason]} {reason.value}" for reason in _LEFT_OUT_ORDER if left_out[reason]]
    return "Left out: " + ", ".join(parts) if parts else "None left out"


def tonight_embed(tonight: Tonight, index: int) -> discord.Embed:
    """Page ``index`` of the answer (0-based, already within range)."""
    site = tonight.site
    embed = discord.Embed(title=f"Tonight from {site_label(site)}", colour=TONIGHT_COLOUR)
    limits = f"above {tonight.limits.min_altitude:g}°"
    if tonight.limits.max_vmag is not None:
        limits += f", V ≤ {tonight.limits.max_vmag:g}"
    if tonight.window is None:
        embed.description = (
            f"No dark night at {site_label(site)} in the next 36 hours: the Sun does not get "
            f"below {site.twilight.sun_altitude:g}° ({site.twilight.value} twilight)."
        )
        embed.set_footer(text=DATA_FOOTER)
        return embed
    moon = (
        "" if tonight.moon_illumination is None else f" · Moon {tonight.moon_illumination:.0%} lit"
    )
    header = [
        f"Dark {fmt_window(tonight.window)}{moon}",
        f"{len(tonight.candidates)} of {tonight.considered} NEOCP objects reach {limits} "
        f"in the dark, {_SORT_WORDS[tonight.sort]}.",
    ]
    if tonight.sort is TonightSort.PRIORITY:
        header.append(f"-# {FORMULA}")
    if not tonight.candidates:
        header.append("Nothing on the NEOCP is observable from here tonight.")
    embed.description = "\n".join(header)
    first = index * PAGE_SIZE
    for rank, candidate in enumerate(page_candidates(tonight, index), start=first + 1):
        name, value = candidate_field(rank, candidate, site)
        embed.add_field(name=name, value=value, inline=False)
    footer = [
        f"Page {index + 1}/{page_count(tonight)}",
        left_out_sentence(tonight.left_out),
        f"Windows from the summary's coarse positions; 🔭 for Scout's ephemeris from {site.code}",
        DATA_FOOTER,
    ]
    embed.set_footer(text=" · ".join(footer))
    return embed


def site_query_label(site: Site) -> str:
    """How an ephemeris answer names a server's site: "Mt. Lemmon (G96)"."""
    return safe.text(site.label, limit=120)


def site_figures_line(figures: SiteFigures, obj: ScoutObject) -> str:
    """The one line of a site-filtered subscription's alert: the DESIGN.md form when the
    object is observable from the site within the window, else why it is not."""
    if figures.visibility is not None:
        return site_alert_line(figures.site, obj, figures.visibility)
    site = figures.site
    limits = f"above {site.min_altitude:g}° with the Sun below {site.twilight.sun_altitude:g}°"
    if site.limiting_vmag is not None:
        limits += f", V ≤ {site.limiting_vmag:g}"
    return (
        f"From {site_label(site)}: not observable in the {figures.hours:g} h after this "
        f"alert ({limits})"
    )


def site_note(figures: SiteFigures | None) -> str:
    """A digest line's note: " · G96: up 02:10-05:40, 62° at 03:55" (or "not observable")."""
    if figures is None:
        return ""
    seen = figures.visibility
    if seen is None:
        return f" · {figures.site.code}: not observable"
    return (
        f" · {figures.site.code}: up {hhmm(seen.start)}-{hhmm(seen.end)}, "
        f"{seen.best_altitude:.0f}° at {hhmm(seen.best_time)}"
    )
