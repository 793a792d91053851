"""``/scout list``: the current NEOCP objects, filtered, sorted and cut into embed pages."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import discord

from bot.errors import InvalidInput
from bot.neocp.filters import meets_thresholds
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

MAX_LIMIT = 200  # more objects than the NEOCP ever holds at once
OBJECTS_PER_PAGE = 8  # a page an observer can read without scrolling much
_FOOTER_ROOM = 200  # characters kept free for the page footer


class SortKey(StrEnum):
    """``sort`` of ``/scout list``: most interesting first in each case."""

    NEO = "neo"
    PHA = "pha"
    RATING = "rating"
    VMAG = "vmag"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return _SORT_LABELS[self]


_SORT_LABELS = {
    SortKey.NEO: "NEO score, highest first",
    SortKey.PHA: "PHA score, highest first",
    SortKey.RATING: "impact rating, highest first",
    SortKey.VMAG: "V, brightest first",
    SortKey.UPDATED: "last Scout run, latest first",
}


@dataclass(frozen=True)
class ListOptions:
    """The options of ``/scout list``, checked: build with :meth:`build`."""

    sort: SortKey = SortKey.NEO
    min_neo_score: int | None = None
    min_pha_score: int | None = None
    max_vmag: float | None = None
    limit: int | None = None

    @classmethod
    def build(
        cls,
        *,
        sort: str | SortKey = SortKey.NEO,
        min_neo_score: int | None = None,
        min_pha_score: int | None = None,
        max_vmag: float | None = None,
        limit: int | None = None,
    ) -> ListOptions:
        """InvalidInput with a sentence for the first option out of range."""
        try:
            key = SortKey(sort)
        except ValueError:
            choices = ", ".join(k.value for k in SortKey)
            raise InvalidInput(f"Sort by one of {choices}.") from None
        for name, score in (("min_neo_score", min_neo_score), ("min_pha_score", min_pha_score)):
            if score is not None and not 0 <= score <= 100:
                raise InvalidInput(f"`{name}` must be from 0 to 100.")
        if max_vmag is not None and not (math.isfinite(max_vmag) and 0 <= max_vmag <= 40):
            raise InvalidInput("`max_vmag` must be a magnitude from 0 to 40.")
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"`limit` must be from 1 to {MAX_LIMIT}.")
        return cls(key, min_neo_score, min_pha_score, max_vmag, limit)

    def describe(self) -> str:
        """The filters in words, for the embed: ``"NEO ≥ 80 · V ≤ 21"``."""
        parts = []
        if self.min_neo_score is not None:
            parts.append(f"NEO ≥ {self.min_neo_score}")
        if self.min_pha_score is not None:
            parts.append(f"PHA ≥ {self.min_pha_score}")
        if self.max_vmag is not None:
            parts.append(f"V ≤ {self.max_vmag:g}")
        return " · ".join(parts) if parts else "no filter"


def select_objects(objects: Sequence[ScoutObject], options: ListOptions) -> list[ScoutObject]:
    """The objects that pass the filters, sorted, cut to ``limit``.

    An object missing a filtered value does not pass that filter: "NEO ≥ 80" must not
    list an object whose score nobody knows.
    """
    kept = [obj for obj in objects if _passes(obj, options)]
    kept.sort(key=_SORTERS[options.sort])
    return kept if options.limit is None else kept[: options.limit]


def _passes(obj: ScoutObject, options: ListOptions) -> bool:
    return meets_thresholds(
        obj,
        min_neo_score=options.min_neo_score,
        min_pha_score=options.min_pha_score,
        max_vmag=options.max_vmag,
    )


def _descending(value: float | None) -> float:
    """Sort key putting high values first and unknown values last."""
    return math.inf if value is None else -value


def _ascending(value: float | None) -> float:
    return math.inf if value is None else value


_OLDEST = datetime.min.replace(tzinfo=UTC)

# Ties break on the designation so that a page holds the same objects from one
# press of a button to the next.
_SORTERS: dict[SortKey, Callable[[ScoutObject], tuple[float, float, str]]] = {
    SortKey.NEO: lambda o: (_descending(o.neo_score), _descending(o.pha_score), o.designation),
    SortKey.PHA: lambda o: (_descending(o.pha_score), _descending(o.neo_score), o.designation),
    SortKey.RATING: lambda o: (_descending(o.rating), _descending(o.neo_score), o.designation),
    SortKey.VMAG: lambda o: (_ascending(o.vmag), _descending(o.neo_score), o.designation),
    SortKey.UPDATED: lambda o: (
        -(o.last_run or _OLDEST).timestamp(),
        _descending(o.neo_score),
        o.designation,
    ),
}


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
