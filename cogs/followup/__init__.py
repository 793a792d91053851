"""Follow-up: the status buttons on new-object alerts, and /followup mine.

A press records the member's status (with their site), answers them privately, logs one
line in the object's thread (opening it on the first press where the alert has none
yet), and brings every alert message of the object in this server up to date, through
the coalescer so that a burst of presses is a few edits within Discord's limits.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.alerts.cards import card_in
from bot.alerts.threads import ThreadKeeper, missing_thread_permissions, thread_name
from bot.client import Interaction, ScoutBot
from bot.errors import InvalidInput, UserFacingError
from bot.followup import (
    EditCoalescer,
    MessageRef,
    ObjectKey,
    PressRefused,
    SiteReach,
    StatusRecord,
    TeamStatus,
    assess_risk,
    log_line,
    undo_line,
)
from bot.followup.buttons import ButtonAction
from bot.render.followup import (
    MineWindows,
    digest_choice_answer,
    escape,
    escape_note,
    gone_answer,
    mine_embed,
    no_card_answer,
    press_answer,
    status_view,
    undo_answer,
    with_team,
)
from bot.scout.models import ScoutObject
from bot.sky import observable_within
from bot.store import AlertMessage, PressResult, Store, StoredSite
from cogs.followup.items import DYNAMIC_ITEMS, FOLLOWUP_COG

log = logging.getLogger(__name__)


WATCH_EVERY = timedelta(minutes=10)
# /followup mine shows each object's observing window within this many hours.
MINE_WINDOW_HOURS = 24.0
# A server's follow-up is removed this long after the bot left it (unless it comes back).
DEPARTURE_GRACE = timedelta(days=7)


def _now() -> datetime:
    return datetime.now(UTC)


class Followup(commands.Cog, name=FOLLOWUP_COG):
    followup = app_commands.Group(
        name="followup", description="The team's follow-up of NEOCP objects"
    )

    def __init__(self, bot: ScoutBot, store: Store) -> None:
        self.bot = bot
        self.store = store
        self.threads = ThreadKeeper(bot, store)
        self.edits = EditCoalescer()
        self.watch_loop = tasks.loop(seconds=WATCH_EVERY.total_seconds())(self.watch_once)
        self.watch_loop.before_loop(self._wait_until_ready)

    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.watch_loop.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.watch_loop.cancel()
        await self.edits.close()

    # --- the watch: at-risk notes, and the data of servers the bot has left ------------------

    async def watch_once(self) -> None:
        """One round; never raises (a dead loop would stop every at-risk note)."""
        now = _now()
        try:
            await self.note_risks(now)
        except Exception:
            log.exception("the at-risk check failed; it runs again in %s", WATCH_EVERY)
        try:
            for guild_id in await self.store.forget_departed_guilds(now - DEPARTURE_GRACE):
                log.info(
                    "forgot the follow-up of server %d, left %s ago", guild_id, DEPARTURE_GRACE
                )
        except Exception:
            log.exception("forgetting the follow-up of departed servers failed")

    async def note_risks(self, now: datetime) -> int:
        """Post one "at risk of being lost" note in each thread whose object needs it."""
        posted = 0
        for alert, obj in await self.store.threads_to_watch():
            team = await self.store.team_status(alert.guild_id, alert.object)
            sites = [
                SiteReach(s.site.code, s.site.fov_arcmin, s.site.limiting_vmag)
                for s in await self.store.guild_sites(alert.guild_id)
            ]
            note = assess_risk(
                obj,
                team=team,
                last_new_observations=max(alert.object.first_seen, obj.last_run or now),
                now=now,
                at_risk_hours=self.bot.settings.alerts.at_risk_hours,
                sites=sites,
            )
            if note is None:
                continue
            # Post, then mark: a failed post is tried again next round.
            text = escape_note(replace(note, designation=escape(note.designation)).text())
            if await self.threads.post(alert, text):
                await self.store.note_at_risk(alert.message_id, at=now)
                posted += 1
        return posted

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Keep the server's follow-up for a grace period: a mistaken kick loses nothing."""
        try:
            await self.store.guild_left(guild.id)
        except Exception:
            log.exception("could not note leaving server %d", guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        try:
            await self.store.guild_back(guild.id)
        except Exception:
            log.exception("could not note joining server %d", guild.id)

    # --- /followup mine -------------------------------------------------------------------

    @followup.command(name="mine", description="Privately: the objects you are targeting")
    async def mine(self, interaction: Interaction) -> None:
        guild_id = _guild_id(interaction)
        targets = await self.store.open_targets(guild_id, interaction.user.id)
        if not targets:
            await interaction.response.send_message(embed=mine_embed(targets), ephemeral=True)
            return
        # The windows are computed locally (no upstream request), but take a moment.
        await interaction.response.defer(ephemeral=True, thinking=True)
        stored = await self.store.site_for_member(guild_id, interaction.user.id)
        windows = await self._windows([record.object for record, _ in targets], stored)
        await interaction.followup.send(embed=mine_embed(targets, windows), ephemeral=True)

    async def _windows(self, keys: Sequence[ObjectKey], stored: StoredSite | None) -> MineWindows:
        """Each object's observing window in the coming day at the member's site, from its
        position in the watcher's snapshot."""
        now = _now()
        if stored is None:
            return MineWindows(None, {}, now, MINE_WINDOW_HOURS)
        listed = await self._listed(keys)
        judged = await asyncio.to_thread(
            observable_within, list(listed.values()), stored.site, now, MINE_WINDOW_HOURS
        )
        seen = {obj.designation: visibility for obj, visibility in judged.visible}
        windows = {key: seen.get(key.designation) for key in listed}
        return MineWindows(stored.site.code, windows, now, MINE_WINDOW_HOURS)

    async def _listed(self, keys: Sequence[ObjectKey]) -> dict[ObjectKey, ScoutObject]:
        """The latest record of each object still on the watcher's NEOCP list."""
        snapshot = await self.store.load_snapshot()
        latest = {
            ObjectKey(designation=t.designation, first_seen=t.first_seen): t.latest
            for t in snapshot.objects
        }
        return {key: latest[key] for key in keys if key in latest}

    # --- a press ----------------------------------------------------------------------------

    async def choose(self, interaction: Interaction, key: ObjectKey, role_id: int | None) -> None:
        """An object chosen in a digest's menu: its status buttons, privately."""
        _guild_id(interaction)
        if await self.store.still_listed(key) is False:
            raise InvalidInput(gone_answer(key.designation, None))
        await interaction.response.send_message(
            digest_choice_answer(key.designation), view=status_view(key, role_id), ephemeral=True
        )

    async def press(self, interaction: Interaction, action: ButtonAction, key: ObjectKey) -> None:
        guild_id = _guild_id(interaction)
        message = interaction.message
        if message is None:
            raise InvalidInput("This button is not on an alert any more.")
        if await self.store.still_listed(key) is False:
            raise InvalidInput(gone_answer(key.designation, None))
        result = await self._record(interaction, guild_id, action, key)
        if result.record is not None:
            answer = press_answer(result.record, result.team)
            line = log_line(result.record, escape)
        else:
            answer = undo_answer(key.designation, result.now_current, result.team)
            line = undo_line(
                interaction.user.display_name, key.designation, result.now_current, _now(), escape
            )
        await interaction.response.send_message(answer, ephemeral=True)
        pressed_on = await self._alert_pressed(interaction, guild_id, message, key)
        if pressed_on is None and message.flags.ephemeral:
            await interaction.followup.send(no_card_answer(key.designation), ephemeral=True)
        if (
            pressed_on is not None
            and pressed_on.thread_state.value == "none"
            and (await self.store.channel_followup(pressed_on.channel_id)).threads
            and _can_open_threads(interaction)
        ):
            await self.threads.open(pressed_on, await self._thread_name(key))
        for alert in await self.store.alert_messages(guild_id, key):
            await self.threads.post(alert, line)
            self.refresh(alert, source=message if alert.message_id == message.id else None)

    async def _alert_pressed(
        self, interaction: Interaction, guild_id: int, message: discord.Message, key: ObjectKey
    ) -> AlertMessage | None:
        """The alert the press belongs to: the message pressed, or (for buttons a digest's
        menu showed privately) the object's card in the channel, posted at the first press."""
        if not message.flags.ephemeral:
            return await self.store.remember_alert_message(
                guild_id=guild_id, channel_id=message.channel.id, message_id=message.id, key=key
            )
        channel = interaction.channel
        listed = await self._listed([key])
        if not isinstance(channel, discord.TextChannel) or key not in listed:
            return None
        return await card_in(self.store, channel, key, listed[key])

    async def _record(
        self, interaction: Interaction, guild_id: int, action: ButtonAction, key: ObjectKey
    ) -> PressResult:
        member = interaction.user
        try:
            if action.status is None:
                return await self.store.undo_status(guild_id, key, member.id)
            return await self.store.record_status(
                StatusRecord(
                    guild_id=guild_id,
                    object=key,
                    member_id=member.id,
                    member_name=member.display_name,
                    site_code=await self._site_of(guild_id, member.id),
                    status=action.status,
                    at=_now(),
                )
            )
        except PressRefused as refused:
            raise InvalidInput(str(refused)) from None

    async def _site_of(self, guild_id: int, member_id: int) -> str | None:
        """The member's own default site, else the server's, else none."""
        stored = await self.store.site_for_member(guild_id, member_id)
        return None if stored is None else stored.site.code

    async def _thread_name(self, key: ObjectKey) -> str:
        try:
            obj = (await self.bot.scout_client.summary()).find(key.designation)
        except UserFacingError:
            obj = None
        if obj is None:
            return thread_name(key.designation, None, None)
        return thread_name(key.designation, obj.neo_score, obj.vmag)

    # --- the alert messages -------------------------------------------------------------------

    def refresh(self, alert: AlertMessage, *, source: discord.Message | None = None) -> None:
        """Bring the alert message's "Follow-up" field up to date (coalesced)."""
        ref = MessageRef(alert.channel_id, alert.message_id)
        self.edits.request(ref, functools.partial(self._edit, alert, source))

    async def _edit(self, alert: AlertMessage, source: discord.Message | None) -> None:
        channel: Any = self.bot.get_channel(alert.channel_id)
        if channel is None:
            return
        if source is None:
            source = await channel.fetch_message(alert.message_id)
        if not source.embeds:
            return
        team = await self.store.team_status(alert.guild_id, alert.object)
        embeds = [with_team(source.embeds[0], team), *source.embeds[1:]]
        await channel.get_partial_message(alert.message_id).edit(embeds=embeds)


async def team_statuses(
    interaction: Interaction, designations: Sequence[str]
) -> dict[str, TeamStatus]:
    """This server's follow-up of the objects, for `/scout object` and `/scout list`.

    Statuses belong to the server that made them: none outside a server.
    """
    store = interaction.client.store
    if interaction.guild_id is None or store is None or not designations:
        return {}
    return await store.teams_by_designation(interaction.guild_id, designations)


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:  # the tree refuses DMs first; this is a safety net
        raise InvalidInput("Follow-up is recorded inside a server.")
    return interaction.guild_id


def _can_open_threads(interaction: Interaction) -> bool:
    missing = missing_thread_permissions(interaction.app_permissions)
    if missing:
        log.info(
            "no thread for the alert in channel %s: the bot lacks %s",
            interaction.channel_id,
            ", ".join(missing),
        )
    return not missing


async def setup(bot: ScoutBot) -> None:
    if bot.store is None:
        raise RuntimeError("the store must be open before the follow-up extension loads")
    await bot.add_cog(Followup(bot, bot.store))
