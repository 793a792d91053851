"""/alerts: NEOCP alerts in this server's channels, and the background watcher behind them.

Changing subscriptions needs Manage Channels: the group's default permissions hide it
from others, and the commands check again in code (a server can change the defaults,
and the client-side check is no guarantee). Answers about configuration are ephemeral.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks
from pydantic import ValidationError

from bot.alerts.discord_sender import DiscordSender, missing_permissions
from bot.alerts.followup_delivery import AlertFollowup
from bot.alerts.precise import PreciseFigureAsker
from bot.alerts.sites import SiteLines
from bot.alerts.threads import missing_thread_permissions
from bot.alerts.watcher import AlertWatcher
from bot.client import Interaction, ScoutBot
from bot.errors import InvalidInput
from bot.health import SCOUT
from bot.neocp import AlertFilter, EventSelection
from bot.neocp.filters import MAX_WITHIN_HOURS
from bot.render.alerts import (
    followup_message,
    preview_embed,
    status_embed,
    subscribed_message,
    subscriptions_embed,
)
from bot.render.forget import forget_question
from bot.store import NewSubscription, Store
from cogs.forget import forget_view
from cogs.site import server_site, site_autocomplete

log = logging.getLogger(__name__)

EventsChoice = Literal["all", "new", "new+updates", "new+removals"]


class Alerts(commands.Cog):
    alerts = app_commands.Group(
        name="alerts",
        description="NEOCP alerts posted to this server's channels",
        default_permissions=discord.Permissions(manage_channels=True),
    )

    def __init__(self, bot: ScoutBot, store: Store) -> None:
        self.bot = bot
        self.store = store
        scout = bot.scout_client.background()
        self.watcher = AlertWatcher(
            source=scout,
            precise=PreciseFigureAsker(scout, store),
            store=store,
            sender=DiscordSender(
                bot,
                bot.guild_policy,
                followup=AlertFollowup(bot, store),
                sites=SiteLines(store),
            ),
            policy=bot.guild_policy,
            settings=bot.settings.alerts,
            metrics=bot.metrics,
        )
        self.poll_loop = tasks.loop(seconds=bot.settings.alerts.poll_interval_seconds)(
            self._poll_once
        )
        self.poll_loop.before_loop(self._wait_until_ready)
        # Posting runs beside polling: a long fan-out never delays the next poll.
        self.post_loop = tasks.loop(seconds=0)(self.watcher.post_when_due)
        self.post_loop.before_loop(self._wait_until_ready)

    async def cog_load(self) -> None:
        if self.bot.settings.alerts.enabled:
            self.poll_loop.start()
            self.bot.heartbeat.watch_loop("NEOCP watcher", self._poll_loop_problem)
            self.post_loop.start()
        else:
            log.info("alerts.enabled is false: the NEOCP watcher does not run")

    async def cog_unload(self) -> None:
        # Stopping mid-cycle loses nothing: the outbox resumes where it stopped.
        self.bot.heartbeat.forget_loop("NEOCP watcher")
        self.poll_loop.cancel()
        self.post_loop.cancel()

    def _poll_loop_problem(self, now: datetime) -> str | None:
        """What the heartbeat reports about the watcher: None while it polls as it should."""
        if self.poll_loop.failed() or not self.poll_loop.is_running():
            return "the loop has stopped"
        last = self.watcher.last_cycle_at  # a standby instance's cycles only ask to lead
        if last is None:
            return None  # waiting for the gateway to be ready
        settings = self.bot.settings.alerts
        # A slow cycle (Scout's retries, a long fan-out) is not a stuck one.
        stalled_after = 3 * (settings.poll_interval_seconds + settings.jitter_seconds) + 300
        idle = (now - last).total_seconds()
        return f"no cycle for {idle:.0f} s" if idle > stalled_after else None

    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def _poll_once(self) -> None:
        try:
            await self.watcher.poll_cycle()  # never raises but for cancellation
        finally:
            self.poll_loop.change_interval(seconds=self.watcher.next_delay())

    # --- commands -------------------------------------------------------------------------

    @alerts.command(name="subscribe", description="Post NEOCP events matching a filter here")
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        min_neo_score="Only objects with a NEO score at least this (0-100)",
        min_pha_score="Only objects with a PHA score at least this (0-100)",
        max_vmag="Only objects at least this bright (V magnitude)",
        min_rating="Only objects with an impact rating at least this (0-4)",
        events="Which events to post (default: all)",
        mention="A role to mention in each alert (default: no one)",
        site="One of the server's sites: its figures in every alert",
        observable="Only objects observable from the site (default site if none named)",
        within_hours="With observable: observable within this many hours (default 24)",
        threads="A thread per new object for its updates and follow-up (default: true)",
        followup_role="Only this role may press the follow-up buttons (default: everyone here)",
    )
    @app_commands.autocomplete(site=site_autocomplete)
    @app_commands.checks.has_permissions(manage_channels=True)
    async def subscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        min_neo_score: app_commands.Range[int, 0, 100] | None = None,
        min_pha_score: app_commands.Range[int, 0, 100] | None = None,
        max_vmag: app_commands.Range[float, 0.0, 40.0] | None = None,
        min_rating: app_commands.Range[int, 0, 4] | None = None,
        events: EventsChoice = "all",
        mention: discord.Role | None = None,
        site: str | None = None,
        observable: bool = False,
        within_hours: app_commands.Range[float, 1.0, float(MAX_WITHIN_HOURS)] = 24.0,
        threads: bool = True,
        followup_role: discord.Role | None = None,
    ) -> None:
        target = _target_channel(interaction, channel)
        site_code = await _subscription_site(interaction, site, observable=observable)
        _require_manage_channels(interaction, target)
        if mention is not None and mention.is_default():
            raise InvalidInput("Alerts never mention @everyone; pick a role for `mention`.")
        me = target.guild.me
        missing = missing_permissions(target.permissions_for(me), role=mention)
        if missing:
            raise InvalidInput(
                f"I can't post alerts in {target.mention}: I need {_join(missing)} there. "
                "Give me that in the channel's permissions (or make the role mentionable), "
                "then subscribe again."
            )
        try:
            alert_filter = AlertFilter(
                min_neo_score=min_neo_score,
                min_pha_score=min_pha_score,
                max_vmag=max_vmag,
                min_rating=min_rating,
                events=EventSelection(events),
                site=site_code,
                observable=observable,
                within_hours=within_hours,
            )
        except (ValidationError, ValueError):
            raise InvalidInput("Those filter values are out of range.") from None
        _, replaced = await self.store.save_subscription(
            NewSubscription(
                guild_id=target.guild.id,
                channel_id=target.id,
                filter=alert_filter,
                mention_role_id=None if mention is None else mention.id,
                created_by=interaction.user.id,
            )
        )
        await self.store.save_channel_followup(
            guild_id=target.guild.id,
            channel_id=target.id,
            threads=threads,
            press_role_id=None if followup_role is None else followup_role.id,
        )
        log.info(
            "user %d subscribed channel %d (server %d): %s",
            interaction.user.id,
            target.id,
            target.guild.id,
            alert_filter.describe(),
        )
        await interaction.response.send_message(
            subscribed_message(
                target.mention,
                alert_filter,
                mention=None if mention is None else mention.mention,
                replaced=replaced,
                enabled=self.bot.settings.alerts.enabled,
                can_read_history=target.permissions_for(me).read_message_history,
            )
            + "\n"
            + followup_message(
                threads,
                None if followup_role is None else followup_role.mention,
                missing=missing_thread_permissions(target.permissions_for(me)) if threads else [],
            ),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @alerts.command(name="unsubscribe", description="Stop NEOCP alerts in a channel")
    @app_commands.describe(channel="The channel to stop (default: this channel)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def unsubscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
    ) -> None:
        target = _target_channel(interaction, channel)
        _require_manage_channels(interaction, target)
        if not await self.store.remove_subscription(target.guild.id, target.id):
            raise InvalidInput(f"{target.mention} gets no NEOCP alerts; nothing to stop.")
        log.info("user %d unsubscribed channel %d", interaction.user.id, target.id)
        await interaction.response.send_message(
            f"NEOCP alerts in {target.mention} are stopped.", ephemeral=True
        )

    @alerts.command(name="list", description="This server's alert channels and how they fare")
    async def list_(self, interaction: Interaction) -> None:
        guild_id = _guild_id(interaction)
        subscriptions = await self.store.guild_subscriptions(guild_id)
        await interaction.response.send_message(
            embed=subscriptions_embed(subscriptions),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @alerts.command(
        name="preview", description="Which current NEOCP objects a channel's filter lets through"
    )
    @app_commands.describe(channel="The channel whose filter to try (default: this channel)")
    async def preview(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
    ) -> None:
        target = _target_channel(interaction, channel)
        subscription = await self.store.subscription_for_channel(target.guild.id, target.id)
        if subscription is None:
            raise InvalidInput(
                f"{target.mention} gets no NEOCP alerts; `/alerts subscribe` there first."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.bot.scout_client.summary()
        await interaction.followup.send(
            embed=preview_embed(target.id, subscription.filter, summary.objects),
            ephemeral=True,
        )

    @alerts.command(name="status", description="The NEOCP watcher: last and next poll, errors")
    async def status(self, interaction: Interaction) -> None:
        embed = status_embed(
            self.watcher.status,
            running=self.poll_loop.is_running(),
            subscriptions=await self.store.count_subscriptions(),
            outbox=await self.store.outbox_counts(),
            scout=self.bot.health.get(SCOUT),
        )
        await interaction.response.send_message(embed=embed)

    @alerts.command(name="forget", description="Remove everything the bot keeps for this server")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def forget(self, interaction: Interaction) -> None:
        guild_id = _guild_id(interaction)
        await interaction.response.send_message(
            forget_question(), view=forget_view(guild_id, interaction.user.id), ephemeral=True
        )

    # --- housekeeping ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """Stop a deleted channel's alerts at once; /alerts list says why until it is pruned."""
        try:
            subscription = await self.store.subscription_for_channel(channel.guild.id, channel.id)
            if subscription is not None and subscription.active:
                await self.store.disable_subscription(subscription.id, "the channel was deleted")
                log.info("channel %d was deleted: its alerts are stopped", channel.id)
        except Exception:
            log.exception("could not stop the alerts of deleted channel %d", channel.id)


async def _subscription_site(
    interaction: Interaction, typed: str | None, *, observable: bool
) -> str | None:
    """The code of the server's site a subscription names (its default when ``observable``
    names none); InvalidInput when there is none to use."""
    if typed is None and not observable:
        return None
    stored = await server_site(interaction, typed, personal=False)
    if stored is None:
        raise InvalidInput(
            "`observable` needs a site and this server has no default one: name one with "
            "`site:`, or ask someone with Manage Server to add one (`/site add code:G96`)."
        )
    return stored.site.code


def _guild_id(interaction: Interaction) -> int:
    if interaction.guild_id is None:  # the tree refuses DMs first; this is a safety net
        raise InvalidInput("NEOCP alerts are set up inside a server.")
    return interaction.guild_id


def _target_channel(
    interaction: Interaction, channel: discord.TextChannel | None
) -> discord.TextChannel:
    _guild_id(interaction)
    target = channel if channel is not None else interaction.channel
    if not isinstance(target, discord.TextChannel):
        raise InvalidInput("Alerts go to text channels only; name one with the `channel` option.")
    return target


def _require_manage_channels(interaction: Interaction, target: discord.TextChannel) -> None:
    """Manage Channels in the *target* channel (the decorator checks the one typed in)."""
    user = interaction.user
    if isinstance(user, discord.Member) and not target.permissions_for(user).manage_channels:
        raise app_commands.MissingPermissions(["manage_channels"])


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def setup(bot: ScoutBot) -> None:
    if bot.store is None:
        raise RuntimeError("the store must be open before the alerts extension loads")
    await bot.add_cog(Alerts(bot, bot.store))
