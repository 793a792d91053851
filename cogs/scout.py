"""/scout: JPL CNEOS Scout's assessment of NEOCP objects, one subcommand per Scout mode.

Every command checks its arguments first (InvalidInput, answered by the tree before any
upstream call), then acknowledges with a public "thinking…", calls Scout, and answers with
a followup. Errors are not caught here: the tree's on_error (and ScoutView.on_error for
buttons) answers them ephemerally and logs them.

One function per mode (``run_*``) does the work, so a button under ``/scout object`` and
the command of the same name answer alike.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ScoutBot, ScoutView
from bot.render.common import fmt_mag, fmt_score
from bot.render.ephemeris import Pointing, ephemeris_reply, fov_reply
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

log = logging.getLogger(__name__)

Interaction = discord.Interaction[ScoutBot]

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
PAGER_TIMEOUT_SECONDS = 600.0  # below the 15 minutes an interaction token lives
OBJECT_VIEW_TIMEOUT_SECONDS = 600.0
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
    view = ObjectView(obj.designation)
    view.message = await interaction.followup.send(embed=object_embed(obj), view=view, wait=True)


async def run_ephemeris(interaction: Interaction, query: EphemerisQuery) -> None:
    await interaction.response.defer(thinking=True)
    eph = await interaction.client.scout.ephemeris(query)
    await send_replies(interaction, [ephemeris_reply(eph, obs_code=query.obs_code)])


async def run_fov(interaction: Interaction, query: EphemerisQuery) -> None:
    assert query.fov is not None, "run_fov needs a query with a field of view"
    pointing = Pointing(
        diameter_arcmin=query.fov.diameter_arcmin,
        ra_deg=query.fov.ra_deg,
        dec_deg=query.fov.dec_deg,
        vmag=query.fov.vmag,
        obs_code=query.obs_code,
    )
    await interaction.response.defer(thinking=True)
    eph = await interaction.client.scout.ephemeris(query)
    await send_replies(interaction, [fov_reply(eph, pointing)])


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


# --- views --------------------------------------------------------------------------------


class ListPager(ScoutView):
    """Previous/Next buttons over the pages of /scout list, for the person who asked."""

    def __init__(
        self,
        pages: Sequence[discord.Embed],
        *,
        owner: discord.abc.User,
        timeout: float = PAGER_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(timeout=timeout)
        if len(pages) < 2:
            raise ValueError("a pager needs at least two pages")
        self.pages = list(pages)
        self.owner_id = owner.id
        self.owner_name = owner.display_name
        self.index = 0
        self.message: discord.WebhookMessage | None = None
        # The latest button press: editing through it works for 15 minutes from the press,
        # when the token of the original command may have run out.
        self.last_interaction: Interaction | None = None
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index >= len(self.pages) - 1
        self.page_number.label = f"{self.index + 1}/{len(self.pages)}"

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            f"Only {self.owner_name} can page this list; run /scout list for your own.",
            ephemeral=True,
        )
        return False

    async def _show(self, interaction: Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        self.last_interaction = interaction
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous_page(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def page_number(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()  # a label, never enabled

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.primary)
    async def next_page(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        """Take the buttons away so nobody presses a dead one."""
        try:
            if self.last_interaction is not None:
                await self.last_interaction.edit_original_response(view=None)
            elif self.message is not None:
                await self.message.edit(view=None)
        except discord.HTTPException as exc:
            log.info("could not remove the /scout list buttons: %s", exc)


class ObjectView(ScoutView):
    """The buttons under /scout object: the same answers as the commands of the same name."""

    def __init__(self, designation: str, *, timeout: float = OBJECT_VIEW_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.designation = designation
        self.message: discord.WebhookMessage | None = None
        self.channel_message: discord.Message | None = None

    def _pressed(self, interaction: Interaction) -> None:
        # A message reached through the channel can still be edited after the command's
        # token has run out (presses keep the view alive past the 15 minutes).
        if interaction.message is not None:
            self.channel_message = interaction.message

    @discord.ui.button(label="Ephemeris", style=discord.ButtonStyle.primary, emoji="🔭")
    async def ephemeris(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        self._pressed(interaction)
        await run_ephemeris(interaction, button_ephemeris_query(self.designation))

    @discord.ui.button(label="Plots", style=discord.ButtonStyle.secondary, emoji="📈")
    async def plots(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        self._pressed(interaction)
        await run_plots(interaction, self.designation, PLOT_KINDS)

    @discord.ui.button(label="Orbits", style=discord.ButtonStyle.secondary, emoji="🪐")
    async def orbits(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        self._pressed(interaction)
        await run_orbits(interaction, self.designation, 1000)

    @discord.ui.button(label="Observations", style=discord.ButtonStyle.secondary, emoji="📄")
    async def observations(self, interaction: Interaction, _: discord.ui.Button[Any]) -> None:
        self._pressed(interaction)
        await run_observations(interaction, self.designation)

    async def on_timeout(self) -> None:
        for message in (self.message, self.channel_message):
            if message is None:
                continue
            try:
                await message.edit(view=None)
                return
            except discord.HTTPException as exc:
                log.info("could not remove the /scout object buttons: %s", exc)


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
        selected = select_objects(summary.objects, options)
        pages = list_pages(selected, options, total=len(summary.objects))
        if len(pages) == 1:
            await interaction.followup.send(embed=pages[0])
            return
        pager = ListPager(pages, owner=interaction.user)
        pager.message = await interaction.followup.send(embed=pages[0], view=pager, wait=True)

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
