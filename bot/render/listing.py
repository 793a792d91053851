"""``/scout list``: the selected NEOCP objects cut into embed pages (the choice itself is
``bot.neocp.filters``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import discord

from bot.neocp.filters import SORTERS, ListOptions, SortKey
from bot.render import safe
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
    fmt_number,
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


def interest_order(obj: ScoutObject) -> tuple[float | str, ...]:
    """The default order of /scout list (rating, closest approach, NEO score), as a key."""
    return SORTERS[SortKey.RATING](obj)


def object_field(obj: ScoutObject, budget: int = EMBED_FIELD_VALUE_LIMIT) -> tuple[str, str]:
    """One object as an embed field: name and value, together within ``budget``.

    Figures are in the order an observer decides by: rating and scores, closest
    approach, brightness and arc, then where to point.
    """
    name = truncate(
        f"{shown(obj.designation)} · rating {fmt_rating(obj.rating)} · {fmt_scores(obj)}",
        EMBED_FIELD_NAME_LIMIT,
    )
    n_obs = NA if obj.n_obs is None else str(obj.n_obs)
    lines = [
        f"closest {fmt_number(obj.ca_dist, 3, ' LD')} · V {fmt_mag(obj.vmag)} · "
        f"H {fmt_mag(obj.h)} · {n_obs} obs · arc {fmt_arc(obj.arc_hours)}",
        f"{fmt_radec(obj)} (coarse) · elong. {fmt_elong(obj.elong)} · {fmt_rate(obj.rate)} · "
        f"σ {fmt_uncertainty(obj)}",
        f"Scout ran {relative_time(obj.last_run)} · [Scout]({scout_url(obj.designation)})",
    ]
    room = min(EMBED_FIELD_VALUE_LIMIT, budget - len(name))
    return name, safe.fit_lines(lines, room)


@dataclass(frozen=True)
class ListPage:
    """One page of the list, which page it is and how many there are."""

    embed: discord.Embed
    index: int
    count: int


def page_count(selected: int, per_page: int = OBJECTS_PER_PAGE) -> int:
    return max(1, math.ceil(selected / per_page))


def find_page(
    objects: Sequence[ScoutObject], typed: str, per_page: int = OBJECTS_PER_PAGE
) -> int | None:
    """The page holding the first object whose designation matches ``typed``: an exact
    match first, then case-insensitively a prefix, then anywhere; None when none does."""
    text = typed.strip()
    if not text:
        return None
    lowered = text.lower()
    tests: tuple[Callable[[str], bool], ...] = (
        lambda name: name == text,
        lambda name: name.lower().startswith(lowered),
        lambda name: lowered in name.lower(),
    )
    for test in tests:
        for position, obj in enumerate(objects):
            if test(obj.designation):
                return position // per_page
    return None


def list_page(
    objects: Sequence[ScoutObject],
    options: ListOptions,
    *,
    total: int,
    index: int = 0,
    per_page: int = OBJECTS_PER_PAGE,
) -> ListPage:
    """Page ``index`` of the selected objects (the last if there are fewer pages), and
    only that page: its cost does not grow with the list.

    Every page holds ``per_page`` objects (the last fewer), because each field gets an
    equal share of the 6000 characters; so which objects are on a page is arithmetic.
    ``total`` is how many objects Scout lists before filtering, for the header.
    """
    per_page = max(1, min(per_page, EMBED_FIELD_LIMIT))
    header = _header(objects, options, total)
    count = page_count(len(objects), per_page)
    index = max(0, min(index, count - 1))
    if not objects:
        embed = _page_embed(header, COLOUR_LOW)
        embed.description = (
            f"{header}\n\nNo object matches these filters."
            if total
            else f"{header}\n\nScout lists no objects right now."
        )
        embed.set_footer(text=DATA_FOOTER)
        return ListPage(embed, 0, 1)
    shown_here = objects[index * per_page : (index + 1) * per_page]
    first = shown_here[0]
    embed = _page_embed(header, interest_colour(first.neo_score, first.rating, first.pha_score))
    budget = (EMBED_TOTAL_LIMIT - len(_TITLE) - len(header) - _FOOTER_ROOM) // per_page
    for obj in shown_here:
        name, value = object_field(obj, budget)
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=f"Page {index + 1}/{count} · {DATA_FOOTER}")
    return ListPage(embed, index, count)


def list_pages(
    objects: Sequence[ScoutObject],
    options: ListOptions,
    *,
    total: int,
    per_page: int = OBJECTS_PER_PAGE,
) -> list[discord.Embed]:
    """Every page (for tests and previews; the command renders only the one asked for)."""
    count = page_count(len(objects), max(1, min(per_page, EMBED_FIELD_LIMIT)))
    return [
        list_page(objects, options, total=total, index=i, per_page=per_page).embed
        for i in range(count)
    ]


_TITLE = "Scout: NEOCP objects"
_HEADER_LIMIT = 600


def _header(objects: Sequence[ScoutObject], options: ListOptions, total: int) -> str:
    rated = sum(1 for obj in objects if obj.rating is not None and 1 <= obj.rating <= 4)
    return truncate(
        f"{len(objects)} of {total} NEOCP objects Scout has computed · "
        f"**{rated} rated 1 or more** · {options.describe()}\n"
        f"Sorted by {options.sort.label}. [Scout]({SCOUT_PAGE})",
        _HEADER_LIMIT,
    )


def _page_embed(header: str, colour: discord.Colour) -> discord.Embed:
    return discord.Embed(title=_TITLE, description=header, colour=colour)
