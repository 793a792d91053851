"""The /scout list pager (``cogs.scout.paging``): its custom_id and what a press shows.

Each button's custom_id holds the owner, the page it shows and the list's options
(``DynamicItem``), so a press needs no memory and works after a restart. Only the person
who ran /scout list may page it.
"""

from __future__ import annotations

import logging
import re

import discord

from bot.client import Interaction
from bot.errors import InvalidInput
from bot.neocp.filters import ListOptions, select_objects
from bot.render.followup import add_team_lines, page_designations
from bot.render.listing import find_page
from bot.render.listing import list_page as render_page
from bot.render.safe import message_kwargs
from bot.scout import Summary
from cogs.followup import team_statuses
from cogs.scout.answers import ask_scout
from cogs.scout.paging import (
    MAX_PAGE,
    ROLE_PATTERN,
    Jump,
    PagerButton,
    PagerRole,
    PagerSlot,
    add_pager,
    nothing_found,
)

log = logging.getLogger(__name__)


_LIST_EXPIRED = "This list's buttons are out of date; run /scout list again."


def list_custom_id(owner_id: int, options: ListOptions, page: int, role: PagerRole) -> str:
    """``scout:list:<owner>:<page>:<sort>:<neo>:<pha>:<vmag>:<limit>:<role>``.

    An unset filter is an empty part. ``repr`` of max_vmag reads back as the same float,
    so a press filters exactly as the command did. At most 83 characters: a 20-digit
    owner id, page 9999, "updated", 100, 100, a 22-character float, 200 and "next".
    """
    parts = (
        owner_id,
        page,
        options.sort.value,
        _id_part(options.min_neo_score),
        _id_part(options.min_pha_score),
        "" if options.max_vmag is None else repr(options.max_vmag),
        _id_part(options.limit),
        role.value,
    )
    return "scout:list:" + ":".join(str(part) for part in parts)


def _id_part(value: int | None) -> str:
    """An optional number as its custom_id part: empty when unset."""
    return "" if value is None else str(value)


def _from_id_part(text: str) -> int | None:
    return int(text) if text else None


class ListPageButton(
    PagerButton,
    template=(
        r"scout:list:(?P<owner>[0-9]{1,20}):(?P<page>[0-9]{1,20}):(?P<sort>[a-z]{1,10}):"
        r"(?P<neo>[0-9]{0,3}):(?P<pha>[0-9]{0,3}):(?P<vmag>[0-9.eE+-]{0,24}):"
        rf"(?P<limit>[0-9]{{0,3}}):(?P<role>{ROLE_PATTERN})"
    ),
):
    """A button of the /scout list pager: shows page ``page`` of the list as it is now."""

    command = "/scout list"

    def __init__(self, owner_id: int, options: ListOptions, slot: PagerSlot) -> None:
        custom_id = list_custom_id(owner_id, options, slot.page, slot.role)
        super().__init__(custom_id, owner_id, slot)
        self.options = options

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ListPageButton:
        owner_id, page, role = int(match["owner"]), int(match["page"]), PagerRole(match["role"])
        if page > MAX_PAGE:
            # Never made by the bot (pages stop at 9999): a forged or garbled id. The
            # pattern accepts it so that it gets a sentence rather than silence.
            log.info("a /scout list button with page %d: %s", page, match.string)
            button = cls(owner_id, ListOptions(), PagerSlot.pressed(0, role))
            button.problem = InvalidInput(_LIST_EXPIRED)
            return button
        try:
            options = ListOptions.build(
                sort=match["sort"],
                min_neo_score=_from_id_part(match["neo"]),
                min_pha_score=_from_id_part(match["pha"]),
                max_vmag=float(match["vmag"]) if match["vmag"] else None,
                limit=_from_id_part(match["limit"]),
            )
        except (InvalidInput, ValueError):
            # Only a custom_id from another version of the bot reads this way.
            log.info("a /scout list button with options we cannot read: %s", match.string)
            button = cls(owner_id, ListOptions(), PagerSlot.pressed(page, role))
            button.problem = InvalidInput(_LIST_EXPIRED)
            return button
        return cls(owner_id, options, PagerSlot.pressed(page, role))

    async def show(self, interaction: Interaction, jump: Jump) -> None:
        # Scout may be asked again (the list is cached about a minute) and may take longer
        # than the 3 s Discord gives for an answer: acknowledge first, then edit.
        summary = await ask_scout(interaction, lambda scout: scout.summary(), thinking=False)
        embed, view = list_page(
            summary, self.options, owner_id=self.owner_id, index=jump.index or 0, find=jump.find
        )
        embed = await with_team_statuses(interaction, embed)
        # An edit must say view=None to remove buttons of a list that shrank to one page.
        await interaction.edit_original_response(**message_kwargs(embed=embed), view=view)


async def with_team_statuses(interaction: Interaction, page: discord.Embed) -> discord.Embed:
    """The page with this server's follow-up status under each object that has one."""
    teams = await team_statuses(interaction, page_designations(page))
    return add_team_lines(page, teams)


def list_page(
    summary: Summary,
    options: ListOptions,
    *,
    owner_id: int,
    index: int,
    find: str | None = None,
) -> tuple[discord.Embed, discord.ui.View | None]:
    """Page ``index`` of the list as it is now (the last one if the list has shrunk), or
    the page of the first object matching ``find``, and, when there is more than one
    page, the pager under it. Only that page is rendered.

    InvalidInput when ``find`` matches nothing: a sentence beats a silent page 1.
    """
    selected = select_objects(summary.objects, options)
    if find is not None and find.strip():
        found = find_page(selected, find)
        if found is None:
            raise nothing_found(find, "check the filters, or run /scout list without `find`")
        index = found
    page = render_page(selected, options, total=len(summary.objects), index=index)
    if page.count == 1:
        return page.embed, None
    return page.embed, pager_view(owner_id, options, page.index, page.count)


def pager_view(owner_id: int, options: ListOptions, index: int, count: int) -> discord.ui.View:
    """◀ Previous, the page counter, Next ▶ and Jump…, for page ``index`` of ``count``."""
    view = discord.ui.View(timeout=None)
    add_pager(view, index, count, lambda slot: ListPageButton(owner_id, options, slot))
    return view
