"""The Bot: start-up, the shared HTTP client, extensions, the error handler, sync."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence
from typing import Any, Self, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.error_answers import NotServedHere, answer_error
from bot.errors import CannotSave, UserFacingError
from bot.guilds import DM_REFUSAL, NOT_SERVED_NOTICE, REFUSAL, GuildPolicy
from bot.health import MPC, SCOUT, UpstreamHealth
from bot.heartbeat import Heartbeat
from bot.http import make_http_client
from bot.metrics import Metrics
from bot.mpc import ActionCodeClient
from bot.scout import ScoutClient
from bot.shutdown import (
    SHUTDOWN_GRACE_SECONDS,
    AnswersUnderWay,
    end_background_loops,
    finish_answers_under_way,
)
from bot.store import Store

log = logging.getLogger(__name__)

GUILD_ONLY_CONTEXTS = app_commands.AppCommandContext(
    guild=True, dm_channel=False, private_channel=False
)
GUILD_INSTALL_ONLY = app_commands.AppInstallationType(guild=True, user=False)
UPSTREAM_LABELS = {SCOUT: "scout", MPC: "mpc"}


class ScoutBot(commands.Bot):
    """The bot and its shared services. ``extensions`` are the modules loaded at start
    (``cogs.extension_names()`` in production); the core never imports the adapters."""

    def __init__(self, settings: Settings, extensions: Sequence[str] = ()) -> None:
        # The bot never joins voice: don't warn operators about missing voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True  # guild join/leave and channel permissions; nothing privileged
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=ScoutTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_contexts=GUILD_ONLY_CONTEXTS,
            allowed_installs=GUILD_INSTALL_ONLY,
        )
        self.settings = settings
        self.guild_policy = GuildPolicy(settings.discord.allowed_guilds)
        self.metrics = Metrics()
        self.health = UpstreamHealth(on_failure=self._count_upstream_failure)
        self.http_client = make_http_client(timeout_seconds=settings.scout.timeout_seconds)
        self.metrics.instrument(
            self.http_client,
            {str(settings.scout.base_url): "scout", str(settings.mpc.action_codes_url): "mpc"},
        )
        self.scout_client = ScoutClient(self.http_client, settings.scout, health=self.health)
        self.mpc_client = ActionCodeClient(self.http_client, settings.mpc, health=self.health)
        self.store: Store | None = None
        self.heartbeat = Heartbeat(settings.health.heartbeat_file)
        self.extension_names = tuple(extensions)
        self._shutdown: asyncio.Future[None] | None = None
        self.answers_under_way = AnswersUnderWay()

    async def setup_hook(self) -> None:
        if not self.guild_policy.restricted:
            log.warning(
                "discord.allowed_guilds is empty: serving every server this bot is in. "
                "scout-bot must not be a public bot (the MPC asks that NEOCP data not be "
                "spread); list your team's servers in discord.allowed_guilds."
            )
        self.store = await Store.open(self.settings.database.url)
        self.heartbeat.start()
        if self.settings.metrics.enabled:
            self.metrics.serve(self.settings.metrics.host, self.settings.metrics.port)
        for name in self.extension_names:
            await self.load_extension(name)
        log.info("loaded extensions: %s", ", ".join(self.extensions))
        if self.settings.discord.dev_guild_id is not None:
            await self.sync_commands(self.settings.discord.dev_guild_id)

    async def sync_commands(self, guild_id: int | None = None) -> list[app_commands.AppCommand]:
        """Register the slash commands globally, or in one server for development."""
        if guild_id is None:
            synced = await self.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        log.info(
            "synced %d commands %s", len(synced), f"to guild {guild_id}" if guild_id else "globally"
        )
        return synced

    def _count_upstream_failure(self, service: str) -> None:
        self.metrics.upstream_failed(UPSTREAM_LABELS.get(service, service))

    async def on_connect(self) -> None:
        self.heartbeat.gateway_connected()

    async def on_resumed(self) -> None:
        self.heartbeat.gateway_connected()

    async def on_disconnect(self) -> None:
        self.heartbeat.gateway_disconnected()

    async def on_ready(self) -> None:
        self.heartbeat.gateway_connected()
        log.info("connected as %s in %d servers", self.user, len(self.guilds))
        for guild in list(self.guilds):
            await self._leave_if_not_served(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        log.info("joined server %s (%d)", guild.name, guild.id)
        await self._leave_if_not_served(guild)

    async def _leave_if_not_served(self, guild: discord.Guild) -> None:
        if self.guild_policy.allows(guild.id):
            return
        log.warning("server %d is not in discord.allowed_guilds: leaving it", guild.id)
        channel = _first_writable_channel(guild)
        if channel is not None:
            try:
                await channel.send(NOT_SERVED_NOTICE)
            except discord.HTTPException as exc:
                log.info("could not post the leaving notice in %d: %s", guild.id, exc)
        try:
            await guild.leave()
        except discord.HTTPException:
            log.exception("could not leave server %d", guild.id)

    async def close(self) -> None:
        # SIGTERM's handler runs close() in a task of its own. Clean up once and let every
        # caller, `async with bot` included, wait for the end of it: otherwise asyncio.run()
        # returns and cancels the store half closed (a traceback at every shutdown).
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._close_once())
        await asyncio.shield(self._shutdown)

    async def __aexit__(self, *exc_info: object) -> None:
        # discord.py's __aexit__ waits only for its own part of a close already under way.
        await self.close()

    async def _close_once(self) -> None:
        try:
            await self.heartbeat.stop()
            self.metrics.stop()
            await finish_answers_under_way(self.answers_under_way, SHUTDOWN_GRACE_SECONDS)
            await super().close()
            await end_background_loops(SHUTDOWN_GRACE_SECONDS)
        finally:
            # A command cut short may have left a Scout fetch its caller no longer awaits.
            await self.scout_client.aclose()
            await self.http_client.aclose()
            if self.store is not None:
                await self.store.close()


# The interaction every command and button of this bot receives: one spelling for all cogs.
Interaction = discord.Interaction[ScoutBot]


def _first_writable_channel(guild: discord.Guild) -> discord.TextChannel | None:
    me = guild.me
    candidates = [guild.system_channel, *guild.text_channels]
    for channel in candidates:
        if channel is None:
            continue
        perms = channel.permissions_for(me)
        if perms.view_channel and perms.send_messages:
            return channel
    return None


class ScoutTree(app_commands.CommandTree[ScoutBot]):
    """Refuses interactions outside the served servers and answers every error."""

    async def interaction_check(self, interaction: Interaction) -> bool:
        if interaction.guild_id is None:
            raise NotServedHere(DM_REFUSAL)
        if not interaction.client.guild_policy.allows(interaction.guild_id):
            log.warning("refused an interaction from server %s", interaction.guild_id)
            raise NotServedHere(REFUSAL)
        return await _ours_to_answer(interaction)

    async def _call(self, interaction: Interaction) -> None:
        # Autocomplete in a server we do not serve: offer nothing rather than an error.
        if interaction.type is discord.InteractionType.autocomplete and not (
            interaction.client.guild_policy.allows(interaction.guild_id)
        ):
            await interaction.response.autocomplete([])
            return
        if interaction.type is not discord.InteractionType.application_command:
            await super()._call(interaction)
            return
        started = time.perf_counter()
        try:
            with interaction.client.answers_under_way.answering(interaction):
                await super()._call(interaction)
        finally:
            interaction.client.metrics.command_answered(
                _command_name(interaction),
                seconds=time.perf_counter() - started,
                failed=interaction.command_failed,
            )

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        await answer_error(interaction, error)


async def _ours_to_answer(interaction: Interaction) -> bool:
    """False when another instance on the same database has taken the interaction (it
    answers; this one stays silent). If the database cannot say, answer: at worst
    Discord refuses the second answer."""
    store = interaction.client.store
    if store is None:
        return True
    try:
        return await store.take_interaction(interaction.id)
    except CannotSave:
        return True  # the store has said so in the log, once
    except Exception as exc:
        log.warning("could not record interaction %s; answering it: %s", interaction.id, exc)
        return True


ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])


class AnsweringItem(
    discord.ui.DynamicItem[ItemT],
    template=r"(?!)",  # a base only, never registered: its template matches nothing
):
    """A button or select whose failures are answered like a failing command's, never
    swallowed.

    discord.py runs a dynamic item outside any View's error handling: an exception in
    ``from_custom_id``, ``interaction_check`` or ``callback`` is only logged (see
    ``ViewStore.schedule_dynamic_item_call``), and the observer sees "This interaction
    failed". So the check and the press are wrapped here and every error goes through
    ``answer_error``, and ``from_custom_id`` never raises: a custom_id it cannot use is
    kept as ``problem`` and answered at the check.
    """

    problem: UserFacingError | None = None

    def metric_name(self) -> str:
        """The ``button`` label of its presses in the metrics: the class's name in snake
        case without "Button" (``ObjectButton`` -> ``object``); a subclass may add what
        kind of press it was."""
        words = re.findall(r"[A-Z][a-z0-9]*", type(self).__name__.removesuffix("Button"))
        return "_".join(word.lower() for word in words) or "button"

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        # Everything a press needs is in the custom_id: build the button from that alone.
        return cls.from_match(match)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        """The button a custom_id matching the template names; a part it cannot use goes
        into ``problem`` (answered at the check), never into an exception."""
        raise NotImplementedError

    async def interaction_check(self, interaction: Interaction, /) -> bool:  # type: ignore[override]
        try:
            if self.problem is not None:
                raise self.problem
            # The tree checks only commands: a button in a server the bot no longer
            # serves is refused by the same policy and sentence.
            if not await interaction.client.tree.interaction_check(interaction):
                return False  # another instance answers it (and counts it)
            if await self.allowed(interaction):
                return True
        except Exception as error:
            await answer_error(interaction, error)
        self._count(interaction, "refused")
        return False

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        try:
            with interaction.client.answers_under_way.answering(interaction):
                await self.pressed(interaction)
        except Exception as error:
            await answer_error(interaction, error)
            self._count(interaction, "error")
        else:
            self._count(interaction, "ok")

    def _count(self, interaction: Interaction, outcome: str) -> None:
        interaction.client.metrics.button_pressed(self.metric_name(), outcome)

    async def allowed(self, interaction: Interaction) -> bool:
        """Whether this user may press; answer them before returning False."""
        return True

    async def pressed(self, interaction: Interaction) -> None:
        raise NotImplementedError


class AnsweringButton(AnsweringItem[discord.ui.Button[discord.ui.View]], template=r"(?!)"):
    """A persistent button (see ``AnsweringItem``)."""


class AnsweringSelect(AnsweringItem[discord.ui.Select[discord.ui.View]], template=r"(?!)"):
    """A persistent select menu (see ``AnsweringItem``); ``pressed`` reads
    ``self.item.values``."""


def _command_name(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return interaction.command.qualified_name
    return "unknown"  # not one of ours (a stale registration): one label, not one per name
