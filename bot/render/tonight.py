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
from bot.sky.topocentric import PreciseFigures

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
    """The coarse line of a site-filtered alert, marked so, in DESIGN.md's form:
    "From Mt. Lemmon (G96), coarse: up 02:10-05:40 UTC, highest 62° at 03:55, V 20.3,
    1σ 3.2′ (field 60′)"."""
    return (
        f"From {site_label(site)}, coarse: {visibility_phrase(seen)}, V {fmt_mag(obj.vmag)}, "
        f"1σ {fmt_arcmin(obj.unc)}{_field(site)}"
    )


def precise_alert_line(site: Site, figures: PreciseFigures) -> str:
    """The line from Scout's own ephemeris for the site: "From Mt. Lemmon (G96): up
    02:00-05:30 UTC, highest 62° at 04:00, V 20.3, 1σ 3.2′ (field 60′), Moon 105°"."""
    moon = "" if figures.moon_distance is None else f", Moon {figures.moon_distance:.0f}°"
    return (
        f"From {site_label(site)}: up {hhmm(figures.start)}-{hhmm(figures.end)} UTC, "
        f"highest {figures.best_altitude:.0f}° at {hhmm(figures.best_time)}, "
        f"V {fmt_mag(figures.vmag)}, 1σ {fmt_arcmin(figures.sigma_arcmin)}{_field(site)}{moon}"
    )


def _field(site: Site) -> str:
    return f" (field {fmt_arcmin(site.fov_arcmin)})" if site.fov_arcmin is not None else ""


def _limits(site: Site) -> str:
    limits = f"above {site.min_altitude:g}° with the Sun below {site.twilight.sun_altitude:g}°"
    if site.limiting_vmag is not None:
        limits += f", V ≤ {site.limiting_vmag:g}"
    return limits


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
    """The one line of a site-filtered subscription's alert: Scout's figures for the site
    where the watcher asked for them, else the coarse ones, marked so; or why the object
    is not observable from there."""
    site = figures.site
    if figures.precise is not None:
        if figures.precise.figures is not None:
            return precise_alert_line(site, figures.precise.figures)
        return (
            f"From {site_label(site)}: never above {site.min_altitude:g}° with the Sun below "
            f"{site.twilight.sun_altitude:g}° in its coming night, by Scout's ephemeris"
        )
    if figures.visibility is not None:
        return site_alert_line(site, obj, figures.visibility)
    return (
        f"From {site_label(site)}, coarse: not observable in the {figures.hours:g} h after "
        f"this alert ({_limits(site)})"
    )


def site_note(figures: SiteFigures | None) -> str:
    """A digest line's note: " · G96: up 02:00-05:30, 62° at 04:00" from Scout's figures,
    " · G96, coarse: up 02:10-05:40, 62° at 03:55" otherwise (or "not observable")."""
    if figures is None:
        return ""
    code = figures.site.code
    if figures.precise is not None:
        up = figures.precise.figures
        if up is None:
            return f" · {code}: not up in the dark"
        return (
            f" · {code}: up {hhmm(up.start)}-{hhmm(up.end)}, "
            f"{up.best_altitude:.0f}° at {hhmm(up.best_time)}"
        )
    seen = figures.visibility
    if seen is None:
        return f" · {code}, coarse: not observable"
    return (
        f" · {code}, coarse: up {hhmm(seen.start)}-{hhmm(seen.end)}, "
        f"{seen.best_altitude:.0f}° at {hhmm(seen.best_time)}"
    )
