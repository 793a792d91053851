"""/scout: JPL CNEOS Scout's assessment of NEOCP objects, one subcommand per Scout mode.

Every command checks its arguments first (InvalidInput, answered by the tree before any
upstream call), then acknowledges with a public "thinking…", calls Scout, and answers with
a followup. Errors are not caught here: the tree's on_error answers them ephemerally and
logs them, and the buttons hand theirs to the same ``answer_error``.

One function per mode (``run_*``) does the work, so a button under ``/scout object`` and
the command of the same name answer alike. The buttons keep their state in their
custom_id (``discord.ui.DynamicItem``), so they still work after the bot restarts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AnsweringButton, ScoutBot, send_ephemeral
from bot.errors import InvalidInput
from bot.render.common import fmt_mag, fmt_score
from bot.render.ephemeris import ephemeris_reply, fov_reply
from bot.render.listing import ListOptions, list_pages, select_objects
from bot.render.objects import object_embed
from bot.render.observations import observations_reply
from bot.render.orbits import orbits_reply
from bot.render.plots import plots_replies
from bot.render.reply import Reply
from bot.scout import (
    PLOT_KINDS,
    EphemerisQuery,
    Summary,
    parse_plot_kinds,
    validate_designation,
    validate_orbit_count,
)
from bot.scout.validation import MAX_ORBITS

log = logging.getLogger(__name__)

Interaction = discord.Interaction[ScoutBot]

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
# What the Ephemeris button under /scout object asks for: tonight, hour by hour.
BUTTON_EPHEMERIS_SPAN = timedelta(hours=24)
BUTTON_EPHEMERIS_STEP = "1h"


# --- autocomplete -------------------------------------------------------------------------


def designation_choices(summary: Summary | None, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 designations from the cached list: prefix matches first, then substrings.

    Case-insensitive, because people type "a11ebek"; the value is Scout's own spelling.
    """
    if summary is None:
        return []
    typed = current.strip().lower()
    prefix, inside = [], []
    for obj in summary.objects:
        name = obj.designation.lower()
        if name.startswith(typed):
            prefix.append(obj)
        elif typed in name:
            inside.append(obj)
    choices = []
    for obj in (prefix + inside)[:AUTOCOMPLETE_LIMIT]:
        label = f"{obj.designation} · NEO {fmt_score(obj.neo_score)} · V {fmt_mag(obj.vmag)}"
        choices.append(app_commands.Choice(name=label[:100], value=obj.designation[:100]))
    return choices


async def designation_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Answered from memory only: autocomplete must answer within 3 s and never call Scout."""
    return designation_choices(interaction.client.scout.cached_summary(), current)


# --- one function per mode ----------------------------------------------------------------


async def send_replies(interaction: Interaction, replies: Sequence[Reply]) -> None:
    for reply in replies:
        reply.check_limits()
        await interaction.followup.send(**reply.send_kwargs())


async def run_object(interaction: Interaction, designation: str) -> None:
    await interaction.response.defer(thinking=True)
    obj = await interaction.client.scout.object(designation)
    await interaction.followup.send(embed=object_embed(obj), view=object_view(obj.designation))


async def run_ephemeris(interaction: Interaction, query: EphemerisQuery) -> None:
    await interaction.response.defer(thinking=True)
    eph = await interaction.client.scout.ephemeris(query)
    await send_replies(interaction, [ephemeris_reply(eph, obs_code=query.obs_code)])


async def run_fov(interaction: Interaction, query: EphemerisQuery) -> None:
    assert query.fov is not None, "run_fov needs a query with a field of view"
    await interaction.response.defer(thinking=True)
    eph = await interaction.client.scout.ephemeris(query)
    await send_replies(interaction, [fov_reply(eph, query.fov, obs_code=query.obs_code)])


async def run_plots(interaction: Interaction, designation: str, kinds: frozenset[str]) -> None:
    await interaction.response.defer(thinking=True)
    plots = await interaction.client.scout.plots(designation, kinds)
    await send_replies(interaction, plots_replies(plots))


async def run_orbits(interaction: Interaction, designation: str, count: int) -> None:
    await interaction.response.defer(thinking=True)
    orbits = await interaction.client.scout.orbits(designation, count)
    await send_replies(interaction, [orbits_reply(orbits)])


async def run_observations(interaction: Interaction, designation: str) -> None:
    await interaction.response.defer(thinking=True)
    observations = await interaction.client.scout.observations(designation)
    await send_replies(interaction, [observations_reply(observations)])


def button_ephemeris_query(designation: str, now: datetime | None = None) -> EphemerisQuery:
    """The Ephemeris button: from now, hourly, for a day, geocentric."""
    now = now or datetime.now(UTC)
    return EphemerisQuery.build(
        designation,
        start="now",
        stop=now + BUTTON_EPHEMERIS_SPAN,
        step=BUTTON_EPHEMERIS_STEP,
        now=now,
    )


# --- buttons that outlive the process -----------------------------------------------------
#
# Everything a button needs is in its custom_id, and discord.py builds the item again from
# that id at every press (DynamicItem): nothing is held in memory, nothing times out, and
# the buttons on an embed posted before a restart or a deploy keep working.


class ObjectMode(StrEnum):
    """What a button under /scout object asks for; the value is its part of the custom_id."""

    EPHEMERIS = "eph"
    PLOTS = "plots"
    ORBITS = "orbits"
    OBSERVATIONS = "obs"


_OBJECT_BUTTONS: dict[ObjectMode, tuple[str, discord.ButtonStyle, str]] = {
    ObjectMode.EPHEMERIS: ("Ephemeris", discord.ButtonStyle.primary, "🔭"),
    ObjectMode.PLOTS: ("Plots", discord.ButtonStyle.secondary, "📈"),
    ObjectMode.ORBITS: ("Orbits", discord.ButtonStyle.secondary, "🪐"),
    ObjectMode.OBSERVATIONS: ("Observations", discord.ButtonStyle.secondary, "📄"),
}


def object_custom_id(mode: ObjectMode, designation: str) -> str:
    """``scout:obj:<mode>:<designation>``, at most 24 characters."""
    return f"scout:obj:{mode.value}:{designation}"


class ObjectButton(
    AnsweringButton,
    # The designation part is loose on purpose: from_custom_id checks it with the
    # commands' own rule and answers a sentence, where a non-match would be silence.
    template=r"scout:obj:(?P<mode>eph|plots|orbits|obs):(?P<designation>[^:]{1,80})",
):
    """A button under /scout object: the same answer as the command of the same name."""

    def __init__(self, designation: str, mode: ObjectMode) -> None:
        label, style, emoji = _OBJECT_BUTTONS[mode]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                custom_id=object_custom_id(mode, designation),
            )
        )
        self.designation = designation
        self.mode = mode

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ObjectButton:
        button = cls(match["designation"], ObjectMode(match["mode"]))
        try:
            button.designation = validate_designation(match["designation"])
        except InvalidInput as problem:
            button.problem = problem
        return button

    async def pressed(self, interaction: Interaction) -> None:
        if self.mode is ObjectMode.EPHEMERIS:
            await run_ephemeris(interaction, button_ephemeris_query(self.designation))
        elif self.mode is ObjectMode.PLOTS:
            await run_plots(interaction, self.designation, PLOT_KINDS)
        elif self.mode is ObjectMode.ORBITS:
            await run_orbits(interaction, self.designation, MAX_ORBITS)
        else:
            await run_observations(interaction, self.designation)


def object_view(designation: str) -> discord.ui.View:
    """The four buttons under /scout object, for a checked designation."""
    view = discord.ui.View(timeout=None)
    for mode in ObjectMode:
        view.add_item(ObjectButton(designation, mode))
    return view


class PagerRole(StrEnum):
    """Which of the three pager buttons; the value is its part of the custom_id."""

    PREVIOUS = "prev"
    PAGE = "at"  # the page counter: disabled, a label only
    NEXT = "next"


_PAGER_STYLES = {
    PagerRole.PREVIOUS: discord.ButtonStyle.secondary,
    PagerRole.PAGE: discord.ButtonStyle.secondary,
    PagerRole.NEXT: discord.ButtonStyle.primary,
}
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
        _blank(options.min_neo_score),
        _blank(options.min_pha_score),
        "" if options.max_vmag is None else repr(options.max_vmag),
        _blank(options.limit),
        role.value,
    )
    return "scout:list:" + ":".join(str(part) for part in parts)


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


class ListPageButton(
    AnsweringButton,
    template=(
        r"scout:list:(?P<owner>[0-9]{1,20}):(?P<page>[0-9]{1,4}):(?P<sort>[a-z]{1,10}):"
        r"(?P<neo>[0-9]{0,3}):(?P<pha>[0-9]{0,3}):(?P<vmag>[0-9.eE+-]{0,24}):"
        r"(?P<limit>[0-9]{0,3}):(?P<role>prev|at|next)"
    ),
):
    """A button of the /scout list pager: shows page ``page`` of the list as it is now."""

    def __init__(
        self,
        owner_id: int,
        options: ListOptions,
        page: int,
        role: PagerRole,
        *,
        label: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or role.value,
                style=_PAGER_STYLES[role],
                disabled=disabled,
                custom_id=list_custom_id(owner_id, options, page, role),
            )
        )
        self.owner_id = owner_id
        self.options = options
        self.page = page
        self.role = role

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ListPageButton:
        owner_id, page, role = int(match["owner"]), int(match["page"]), PagerRole(match["role"])
        try:
            options = ListOptions.build(
                sort=match["sort"],
                min_neo_score=_optional_int(match["neo"]),
                min_pha_score=_optional_int(match["pha"]),
                max_vmag=float(match["vmag"]) if match["vmag"] else None,
                limit=_optional_int(match["limit"]),
            )
        except (InvalidInput, ValueError):
            # Only a custom_id from another version of the bot reads this way.
            log.info("a /scout list button with options we cannot read: %s", match.string)
            button = cls(owner_id, ListOptions(), page, role)
            button.problem = InvalidInput(_LIST_EXPIRED)
            return button
        return cls(owner_id, options, page, role)

    async def allowed(self, interaction: Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        # A mention in an ephemeral answer shows the name and notifies nobody.
        await send_ephemeral(
            interaction,
            f"Only <@{self.owner_id}> can page this list; run /scout list for your own.",
        )
        return False

    async def pressed(self, interaction: Interaction) -> None:
        # Scout may be asked again (the list is cached about a minute) and may take longer
        # than the 3 s Discord gives for an answer: acknowledge first, then edit.
        await interaction.response.defer()
        summary = await interaction.client.scout.summary()
        embed, view = list_page(summary, self.options, owner_id=self.owner_id, index=self.page)
        await interaction.edit_original_response(embed=embed, view=view)


def list_page(
    summary: Summary, options: ListOptions, *, owner_id: int, index: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    """Page ``index`` of the list as it is now (the last one if the list has shrunk) and,
    when there is more than one page, the pager under it."""
    selected = select_objects(summary.objects, options)
    pages = list_pages(selected, options, total=len(summary.objects))
    index = max(0, min(index, len(pages) - 1))
    if len(pages) == 1:
        return pages[0], None
    return pages[index], pager_view(owner_id, options, index, len(pages))


def pager_view(owner_id: int, options: ListOptions, index: int, count: int) -> discord.ui.View:
    """◀ Previous, the page counter, Next ▶. Each button names the page it shows, so the
    three custom_ids differ (Discord requires it) and a press needs no memory."""
    last = count - 1
    view = discord.ui.View(timeout=None)
    view.add_item(
        ListPageButton(
            owner_id,
            options,
            max(index - 1, 0),
            PagerRole.PREVIOUS,
            label="◀ Previous",
            disabled=index == 0,
        )
    )
    # The counter is a dynamic item too: a plain button would make discord.py keep this
    # view in memory for good (timeout None), for a button nobody can press.
    view.add_item(
        ListPageButton(
            owner_id, options, index, PagerRole.PAGE, label=f"{index + 1}/{count}", disabled=True
        )
    )
    view.add_item(
        ListPageButton(
            owner_id,
            options,
            min(index + 1, last),
            PagerRole.NEXT,
            label="Next ▶",
            disabled=index >= last,
        )
    )
    return view


DYNAMIC_ITEMS = (ObjectButton, ListPageButton)


# --- the commands -------------------------------------------------------------------------

_DESIGNATION_HELP = "NEOCP temporary designation, e.g. P10vY9r (case-sensitive)"
_START_HELP = '"now" or a UTC time: YYYY-MM-DD hh:mm:ss (within 30 days)'
_OBS_CODE_HELP = "MPC observatory code (default 500, the geocentre)"


class Scout(
    commands.GroupCog,
    group_name="scout",
    group_description="JPL CNEOS Scout: NEOCP objects, ephemerides, plots and orbits",
):
    def __init__(self, bot: ScoutBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        # From now on every press of a button of ours is answered, whenever it was posted.
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    @app_commands.command(name="list", description="The NEOCP objects Scout has computed")
    @app_commands.describe(
        sort="Order of the list (default: NEO score)",
        min_neo_score="Only objects with at least this NEO score (0-100)",
        min_pha_score="Only objects with at least this PHA score (0-100)",
        max_vmag="Only objects at least this bright (V)",
        limit="At most this many objects",
    )
    @app_commands.choices(
        sort=[
            app_commands.Choice(name="NEO score", value="neo"),
            app_commands.Choice(name="PHA score", value="pha"),
            app_commands.Choice(name="impact rating", value="rating"),
            app_commands.Choice(name="V (brightest first)", value="vmag"),
            app_commands.Choice(name="last updated", value="updated"),
        ]
    )
    async def list_objects(
        self,
        interaction: Interaction,
        sort: str = "neo",
        min_neo_score: app_commands.Range[int, 0, 100] | None = None,
        min_pha_score: app_commands.Range[int, 0, 100] | None = None,
        max_vmag: app_commands.Range[float, 0.0, 40.0] | None = None,
        limit: app_commands.Range[int, 1, 200] | None = None,
    ) -> None:
        options = ListOptions.build(
            sort=sort,
            min_neo_score=min_neo_score,
            min_pha_score=min_pha_score,
            max_vmag=max_vmag,
            limit=limit,
        )
        await interaction.response.defer(thinking=True)
        summary = await self.bot.scout.summary()
        embed, pager = list_page(summary, options, owner_id=interaction.user.id, index=0)
        if pager is None:
            await interaction.followup.send(embed=embed)
        else:
            await interaction.followup.send(embed=embed, view=pager)

    @app_commands.command(name="object", description="An object's Scout record, with buttons")
    @app_commands.describe(designation=_DESIGNATION_HELP)
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def object_(self, interaction: Interaction, designation: str) -> None:
        await run_object(interaction, validate_designation(designation))

    @app_commands.command(name="ephemeris", description="Where to point: an ephemeris table")
    @app_commands.describe(
        designation=_DESIGNATION_HELP,
        start=_START_HELP,
        stop="UTC time of the last row (default: only the start)",
        step="Time between rows: 30m, 2h, 1d (needs a stop; default: the whole span)",
        obs_code=_OBS_CODE_HELP,
        ranges="Add the distances from the observer and the Sun",
    )
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def ephemeris(
        self,
        interaction: Interaction,
        designation: str,
        start: str = "now",
        stop: str | None = None,
        step: str | None = None,
        obs_code: str = "500",
        ranges: bool = False,
    ) -> None:
        query = EphemerisQuery.build(
            designation, start=start, stop=stop, step=step, obs_code=obs_code, ranges=ranges
        )
        await run_ephemeris(interaction, query)

    @app_commands.command(name="fov", description="The odds that the object is in your field")
    @app_commands.describe(
        designation=_DESIGNATION_HELP,
        diameter="Field diameter in arcminutes (up to 1800)",
        ra="Field centre R.A.: degrees or hh:mm:ss.s (default: the object's median position)",
        dec="Field centre Dec.: degrees or ±dd-mm-ss (give it with ra)",
        vmag="Count only positions at least this bright (limiting V magnitude)",
        start=_START_HELP,
        obs_code=_OBS_CODE_HELP,
    )
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def fov(
        self,
        interaction: Interaction,
        designation: str,
        diameter: app_commands.Range[float, 0.0, 1800.0],
        ra: str | None = None,
        dec: str | None = None,
        vmag: app_commands.Range[float, 0.0, 40.0] | None = None,
        start: str = "now",
        obs_code: str = "500",
    ) -> None:
        query = EphemerisQuery.build(
            designation,
            start=start,
            obs_code=obs_code,
            fov_diam=diameter,
            fov_ra=ra,
            fov_dec=dec,
            fov_vmag=vmag,
        )
        await run_fov(interaction, query)

    @app_commands.command(name="plots", description="Scout's plots of the object's orbits")
    @app_commands.describe(designation=_DESIGNATION_HELP, kinds="Which plots (default: all)")
    @app_commands.choices(
        kinds=[
            app_commands.Choice(name="all", value="all"),
            app_commands.Choice(name="el: orbital elements", value="el"),
            app_commands.Choice(name="ca: close approach", value="ca"),
            app_commands.Choice(name="sr: systematic ranging", value="sr"),
            app_commands.Choice(name="el and ca", value="el:ca"),
            app_commands.Choice(name="el and sr", value="el:sr"),
            app_commands.Choice(name="ca and sr", value="ca:sr"),
        ]
    )
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def plots(self, interaction: Interaction, designation: str, kinds: str = "all") -> None:
        await run_plots(interaction, validate_designation(designation), parse_plot_kinds(kinds))

    @app_commands.command(name="orbits", description="The spread of Scout's sampled orbits")
    @app_commands.describe(designation=_DESIGNATION_HELP, count="How many orbits (1-1000)")
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def orbits(
        self,
        interaction: Interaction,
        designation: str,
        count: app_commands.Range[int, 1, 1000] = 1000,
    ) -> None:
        designation = validate_designation(designation)
        await run_orbits(interaction, designation, validate_orbit_count(count))

    @app_commands.command(name="observations", description="The MPC-format observations")
    @app_commands.describe(designation=_DESIGNATION_HELP)
    @app_commands.autocomplete(designation=designation_autocomplete)
    async def observations(self, interaction: Interaction, designation: str) -> None:
        await run_observations(interaction, validate_designation(designation))


async def setup(bot: ScoutBot) -> None:
    await bot.add_cog(Scout(bot))
