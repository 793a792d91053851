"""/scout tonight: what a site of the server can observe in its coming night, ranked.

The ranking is computed locally from the Scout summary (no request beyond it). Each
object on a page has a 🔭 button for Scout's own topocentric ephemeris from the site
(``bot.sky.topocentric``, the question a site-filtered alert asks too), and the
ScoutClient's cache (tagged with the object's lastRun) answers a second press, or a press
after an alert, for the same object, site and Scout run.
The pager and the object buttons hold their state in their custom_id.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AnsweringButton, Interaction
from bot.errors import InvalidInput
from bot.render.listing import find_page
from bot.render.tonight import PAGE_SIZE, page_candidates, page_count, tonight_embed
from bot.scout import validate_designation
from bot.sky import Site, Tonight, TonightSort, plan_tonight
from bot.sky.topocentric import site_ephemeris_query
from bot.store import StoredSite
from cogs.scout.answers import ask_scout, run_ephemeris
from cogs.scout.pager import with_team_statuses
from cogs.scout.paging import (
    ROLE_PATTERN,
    Jump,
    PagerButton,
    PagerRole,
    PagerSlot,
    add_pager,
    nothing_found,
)
from cogs.site import server_site, site_autocomplete

log = logging.getLogger(__name__)

_EXPIRED = "This list's buttons are out of date; run /scout tonight again."
_NO_SITE = (
    "This server has no default site. Name one with `site:`, or ask someone with Manage "
    "Server to add one: `/site add code:G96`."
)


@dataclass(frozen=True)
class TonightOptions:
    """What /scout tonight was asked; every part goes into the pager's custom_id."""

    site: str
    min_altitude: float | None = None
    max_vmag: float | None = None
    sort: TonightSort = TonightSort.PRIORITY


def _number_part(value: float | None) -> str:
    # repr reads back as the same float, so a press filters exactly as the command did.
    return "" if value is None else repr(value)


def tonight_custom_id(owner_id: int, options: TonightOptions, page: int, role: PagerRole) -> str:
    """``sky:tn:<owner>:<page>:<site>:<min_alt>:<max_v>:<sort>:<role>``, under 100 chars."""
    parts = (
        owner_id,
        page,
        options.site,
        _number_part(options.min_altitude),
        _number_part(options.max_vmag),
        options.sort.value,
        role.value,
    )
    return "sky:tn:" + ":".join(str(part) for part in parts)


def ephemeris_custom_id(site_code: str, designation: str) -> str:
    """``sky:eph:<site>:<designation>``."""
    return f"sky:eph:{site_code}:{designation}"


# --- answers ------------------------------------------------------------------------------


async def resolve_site(interaction: Interaction, typed: str | None) -> StoredSite:
    stored = await server_site(interaction, typed)
    if stored is None:
        raise InvalidInput(_NO_SITE)
    return stored


async def tonight_for(
    interaction: Interaction, site: Site, options: TonightOptions, *, thinking: bool
) -> Tonight:
    """Acknowledge (``ask_scout``), then the plan from the current summary; the numpy
    work runs off the event loop."""
    summary = await ask_scout(interaction, lambda scout: scout.summary(), thinking=thinking)
    return await asyncio.to_thread(
        plan_tonight,
        summary.objects,
        site,
        datetime.now(UTC),
        min_altitude=options.min_altitude,
        max_vmag=options.max_vmag,
        sort=options.sort,
    )


def tonight_page(
    tonight: Tonight, options: TonightOptions, *, owner_id: int, index: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    """Page ``index`` (the last one if the list has shrunk), its 🔭 buttons and the pager."""
    count = page_count(tonight)
    index = max(0, min(index, count - 1))
    view = discord.ui.View(timeout=None)
    for candidate in page_candidates(tonight, index):
        view.add_item(SiteEphemerisButton(tonight.site.code, candidate.object.designation))
    if count > 1:
        add_pager(
            view,
            index,
            count,
            # Row 2: under the two rows of 🔭 buttons.
            lambda slot: TonightPageButton(owner_id, options, slot, row=2),
        )
    return tonight_embed(tonight, index), (view if view.children else None)


# --- buttons ------------------------------------------------------------------------------


class TonightPageButton(
    PagerButton,
    template=(
        r"sky:tn:(?P<owner>[0-9]{1,20}):(?P<page>[0-9]{1,4}):(?P<site>[A-Z0-9]{3}):"
        r"(?P<alt>[0-9.eE+-]{0,24}):(?P<vmag>[0-9.eE+-]{0,24}):(?P<sort>[a-z]{1,10}):"
        rf"(?P<role>{ROLE_PATTERN})"
    ),
):
    """A /scout tonight pager button: shows page ``page`` of the plan as it is now."""

    command = "/scout tonight"

    def __init__(
        self, owner_id: int, options: TonightOptions, slot: PagerSlot, *, row: int | None = None
    ) -> None:
        custom_id = tonight_custom_id(owner_id, options, slot.page, slot.role)
        super().__init__(custom_id, owner_id, slot, row=row)
        self.options = options

    @classmethod
    def from_match(cls, match: re.Match[str]) -> TonightPageButton:
        owner_id, page, role = int(match["owner"]), int(match["page"]), PagerRole(match["role"])
        slot = PagerSlot.pressed(page, role)
        try:
            options = TonightOptions(
                site=match["site"],
                min_altitude=float(match["alt"]) if match["alt"] else None,
                max_vmag=float(match["vmag"]) if match["vmag"] else None,
                sort=TonightSort(match["sort"]),
            )
        except ValueError:
            log.info("a /scout tonight button with options we cannot read: %s", match.string)
            button = cls(owner_id, TonightOptions(site=match["site"]), slot)
            button.problem = InvalidInput(_EXPIRED)
            return button
        return cls(owner_id, options, slot)

    async def show(self, interaction: Interaction, jump: Jump) -> None:
        stored = await resolve_site(interaction, self.options.site)
        tonight = await tonight_for(interaction, stored.site, self.options, thinking=False)
        index = jump.index or 0
        if jump.find is not None:
            found = find_page([c.object for c in tonight.candidates], jump.find, PAGE_SIZE)
            if found is None:
                raise nothing_found(jump.find, "run /scout tonight again for the latest plan")
            index = found
        embed, view = tonight_page(tonight, self.options, owner_id=self.owner_id, index=index)
        embed = await with_team_statuses(interaction, embed)
        await interaction.edit_original_response(embed=embed, view=view)


class SiteEphemerisButton(
    AnsweringButton,
    template=r"sky:eph:(?P<site>[A-Z0-9]{3}):(?P<designation>[^:]{1,80})",
):
    """🔭 under /scout tonight: Scout's topocentric ephemeris of one object from the site."""

    def __init__(self, site_code: str, designation: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=designation[:70],
                emoji="🔭",
                style=discord.ButtonStyle.secondary,
                custom_id=ephemeris_custom_id(site_code, designation),
            )
        )
        self.site_code = site_code
        self.designation = designation

    @classmethod
    def from_match(cls, match: re.Match[str]) -> SiteEphemerisButton:
        button = cls(match["site"], match["designation"])
        try:
            button.designation = validate_designation(match["designation"])
        except InvalidInput as problem:
            button.problem = problem
        return button

    async def pressed(self, interaction: Interaction) -> None:
        stored = await resolve_site(interaction, self.site_code)
        query = site_ephemeris_query(self.designation, stored.site)
        await run_ephemeris(interaction, query, site_label=stored.site.label)


# --- the command --------------------------------------------------------------------------


class TonightCommand(commands.Cog):
    """/scout tonight, mixed into the ``Scout`` group cog."""

    @app_commands.command(
        name="tonight", description="What a site of this server can observe in its coming night"
    )
    @app_commands.describe(
        site="One of the server's sites (default: the server's default site)",
        min_altitude="Lowest altitude, degrees (default: the site's own)",
        max_vmag="Faintest V (default: the site's limiting V)",
        sort="Order (default: priority)",
    )
    @app_commands.choices(
        sort=[
            app_commands.Choice(name="priority", value="priority"),
            app_commands.Choice(name="when it is up", value="start"),
            app_commands.Choice(name="highest altitude", value="altitude"),
            app_commands.Choice(name="V (brightest first)", value="vmag"),
            app_commands.Choice(name="NEO score", value="neo"),
        ]
    )
    @app_commands.autocomplete(site=site_autocomplete)
    async def tonight(
        self,
        interaction: Interaction,
        site: str | None = None,
        min_altitude: app_commands.Range[float, 0.0, 89.0] | None = None,
        max_vmag: app_commands.Range[float, 5.0, 30.0] | None = None,
        sort: str = "priority",
    ) -> None:
        try:
            order = TonightSort(sort)
        except ValueError:
            raise InvalidInput("Sort by priority, start, altitude, vmag or neo.") from None
        stored = await resolve_site(interaction, site)
        options = TonightOptions(stored.site.code, min_altitude, max_vmag, order)
        tonight = await tonight_for(interaction, stored.site, options, thinking=True)
        embed, view = tonight_page(tonight, options, owner_id=interaction.user.id, index=0)
        embed = await with_team_statuses(interaction, embed)
        if view is None:
            await interaction.followup.send(embed=embed)
        else:
            await interaction.followup.send(embed=embed, view=view)


DYNAMIC_ITEMS = (TonightPageButton, SiteEphemerisButton)
