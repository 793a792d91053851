"""``/scout list``: the selected NEOCP objects cut into embed pages (the choice itself is
``bot.neocp.filters``)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.neocp.filters import ListOptions
from bot.render.common import (
    COLOUR_LOW,
    DATA_FOOTER,
    EMBED_FIELD_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TOTAL_LIMIT,
    NA,
    SCOUT_PAGE,
    fmt_arc,
    fmt_elong,
    fmt_mag,
    fmt_radec,
    fmt_rate,
    fmt_rating,
    fmt_scores,
    fmt_uncertainty,
    interest_colour,
    relative_time,
    scout_url,
    shown,
    truncate,
)
from bot.scout.models import ScoutObject

OBJECTS_PER_PAGE = 8  # a page an observer can read without scrolling much
_FOOTER_ROOM = 200  # characters kept free for the page footer


def object_field(obj: ScoutObject) -> tuple[str, str]:
    """One object as an embed field: name and value, each within Discord's limits."""
    name = f"{shown(obj.designation)} · {fmt_scores(obj)} · rating {fmt_rating(obj.rating)}"
    n_obs = NA if obj.n_obs is None else str(obj.n_obs)
    value = (
        f"V {fmt_mag(obj.vmag)} · H {fmt_mag(obj.h)} · {n_obs} obs · arc {fmt_arc(obj.arc_hours)}\n"
        f"{fmt_radec(obj)} · elong. {fmt_elong(obj.elong)} · {fmt_rate(obj.rate)} · "
        f"σ {fmt_uncertainty(obj)}\n"
        f"Scout ran {relative_time(obj.last_run)} · [Scout]({scout_url(obj.designation)})"
    )
    return truncate(name, EMBED_FIELD_NAME_LIMIT), truncate(value, EMBED_FIELD_VALUE_LIMIT)


def list_pages(
    objects: Sequence[ScoutObject],
    options: ListOptions,
    *,
    total: int,
    per_page: int = OBJECTS_PER_PAGE,
) -> list[discord.Embed]:
    """The selected objects as embed pages, each within Discord's limits; never empty.

    ``total`` is how many objects Scout lists before filtering, for the header.
    """
    per_page = max(1, min(per_page, EMBED_FIELD_LIMIT))
    header = (
        f"{len(objects)} of {total} NEOCP objects Scout has computed · {options.describe()}\n"
        f"Sorted by {options.sort.label}. [Scout]({SCOUT_PAGE})"
    )
    if not objects:
        embed = _page_embed(header, COLOUR_LOW)
        embed.description = (
            f"{header}\n\nNo object matches these filters."
            if total
            else f"{header}\n\nScout lists no objects right now."
        )
        embed.set_footer(text=DATA_FOOTER)
        return [embed]
    groups = _paginate([object_field(obj) for obj in objects], header, per_page)
    top = [objects[sum(len(g) for g in groups[:i])] for i in range(len(groups))]
    pages = []
    for number, (group, first) in enumerate(zip(groups, top, strict=True), start=1):
        embed = _page_embed(header, interest_colour(first.neo_score, first.rating, first.pha_score))
        for name, value in group:
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=f"Page {number}/{len(groups)} · {DATA_FOOTER}")
        pages.append(embed)
    return pages


def _page_embed(header: str, colour: discord.Colour) -> discord.Embed:
    return discord.Embed(title="Scout: NEOCP objects", description=header, colour=colour)


def _paginate(
    fields: list[tuple[str, str]], header: str, per_page: int
) -> list[list[tuple[str, str]]]:
    """Fields grouped into pages of at most ``per_page`` that fit 6000 characters each."""
    budget = EMBED_TOTAL_LIMIT - len("Scout: NEOCP objects") - len(header) - _FOOTER_ROOM
    pages: list[list[tuple[str, str]]] = [[]]
    used = 0
    for name, value in fields:
        size = len(name) + len(value)
        if pages[-1] and (len(pages[-1]) >= per_page or used + size > budget):
            pages.append([])
            used = 0
        pages[-1].append((name, value))
        used += size
    return pages
