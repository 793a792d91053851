"""The bot's error handler, server allow-list and extension loading."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ui.view import ViewStore

from bot.client import AnsweringButton, ScoutBot
from bot.config import Settings
from bot.error_answers import NotServedHere, explain_error, send_ephemeral
from bot.errors import CannotSave, InvalidInput, RateLimited, UpstreamError
from bot.guilds import DM_REFUSAL, REFUSAL, GuildPolicy
from bot.store import Store
from cogs import extension_names


@pytest.fixture
async def bot() -> AsyncIterator[ScoutBot]:
    """A bot as setup_hook leaves it (store open in the test's directory), not logged in."""
    instance = ScoutBot(Settings(discord={"allowed_guilds": [111]}))
    async with instance:
        instance.store = await Store.open(instance.settings.database.url)
        yield instance


def make_interaction(
    *,
    client: ScoutBot | None = None,
    guild_id: int | None = 111,
    done: bool = False,
    deferred: bool = False,
) -> Any:
    interaction = MagicMock(spec=discord.Interaction)
    interaction.client = client
    interaction.guild_id = guild_id
    interaction.user = MagicMock(spec=discord.Member, id=42)
    interaction.command = None
    interaction.type = discord.InteractionType.application_command
    interaction.response = MagicMock(spec=discord.InteractionResponse)
    interaction.response.is_done.return_value = done
    interaction.response.type = (
        discord.InteractionResponseType.deferred_channel_message if deferred else None
    )
    interaction.response.send_message = AsyncMock()
    interaction.followup = MagicMock(spec=discord.Webhook)
    interaction.followup.send = AsyncMock()
    interaction.delete_original_response = AsyncMock()
    return interaction


class TestExplainError:
    def test_user_facing_errors_are_shown_as_they_are(self) -> None:
        error = app_commands.CommandInvokeError(
            MagicMock(), InvalidInput("`xyz` is no designation.")
        )
        assert explain_error(error) == "`xyz` is no designation."

    def test_upstream_and_rate_limit_errors_carry_their_sentence(self) -> None:
        assert (
            explain_error(UpstreamError("Scout is down.", service="JPL Scout")) == "Scout is down."
        )
        assert explain_error(RateLimited("Wait.", retry_after=3)) == "Wait."

    def test_missing_permissions_are_named(self) -> None:
        error = app_commands.MissingPermissions(["manage_channels"])
        assert explain_error(error) == "You need the Manage Channels permission to do this."

    def test_the_bots_missing_permissions_are_named(self) -> None:
        error = app_commands.BotMissingPermissions(["embed_links"])
        assert explain_error(error) == "I need the Embed Links permission here to do this."

    def test_our_own_bugs_get_no_explanation(self) -> None:
        assert explain_error(app_commands.CommandInvokeError(MagicMock(), KeyError("x"))) is None


class TestSendEphemeral:
    async def test_answers_by_response_when_not_yet_acknowledged(self) -> None:
        interaction = make_interaction()
        await send_ephemeral(interaction, "No.")
        interaction.response.send_message.assert_awaited_once_with("No.", ephemeral=True)
        interaction.followup.send.assert_not_awaited()

    async def test_replaces_a_public_thinking_placeholder_with_a_private_followup(self) -> None:
        interaction = make_interaction(done=True, deferred=True)
        await send_ephemeral(interaction, "Scout is down.")
        interaction.delete_original_response.assert_awaited_once()
        interaction.followup.send.assert_awaited_once_with("Scout is down.", ephemeral=True)

    async def test_a_failure_to_answer_is_logged_not_raised(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        interaction = make_interaction()
        interaction.response.send_message.side_effect = discord.NotFound(
            MagicMock(status=404), "Unknown interaction"
        )
        await send_ephemeral(interaction, "No.")
        assert "could not deliver" in caplog.text


class TestOnError:
    async def test_a_user_facing_error_is_answered_ephemerally(self, bot: ScoutBot) -> None:
        interaction = make_interaction()
        error = app_commands.CommandInvokeError(MagicMock(), InvalidInput("Bad step `0m`."))
        await bot.tree.on_error(interaction, error)
        interaction.response.send_message.assert_awaited_once_with("Bad step `0m`.", ephemeral=True)

    async def test_an_unexpected_error_is_logged_with_a_reference_the_user_can_quote(
        self, bot: ScoutBot, caplog: pytest.LogCaptureFixture
    ) -> None:
        interaction = make_interaction()
        error = app_commands.CommandInvokeError(MagicMock(), ZeroDivisionError("boom"))
        with caplog.at_level(logging.ERROR):
            await bot.tree.on_error(interaction, error)
        answer = interaction.response.send_message.await_args.args[0]
        assert "Traceback" not in answer and "boom" not in answer
        reference = answer.split("`")[1]
        assert reference in caplog.text
        assert "ZeroDivisionError" in caplog.text  # the traceback goes to the log only


class TestServedServers:
    async def test_interactions_from_an_allowed_server_pass(self, bot: ScoutBot) -> None:
        assert await bot.tree.interaction_check(make_interaction(client=bot, guild_id=111))

    async def test_interactions_from_another_server_are_refused(self, bot: ScoutBot) -> None:
        with pytest.raises(NotServedHere, match=REFUSAL):
            await bot.tree.interaction_check(make_interaction(client=bot, guild_id=999))

    async def test_a_refusal_reaches_the_user_through_the_error_handler(
        self, bot: ScoutBot
    ) -> None:
        interaction = make_interaction(client=bot, guild_id=999)
        # What discord.py's CommandTree does with an interaction (tree._from_interaction).
        try:
            await bot.tree._call(interaction)
        except app_commands.AppCommandError as error:
            await bot.tree._dispatch_error(interaction, error)
        interaction.response.send_message.assert_awaited_once_with(REFUSAL, ephemeral=True)

    async def test_direct_messages_are_refused(self, bot: ScoutBot) -> None:
        with pytest.raises(NotServedHere, match=DM_REFUSAL):
            await bot.tree.interaction_check(make_interaction(client=bot, guild_id=None))

    async def test_autocomplete_from_another_server_offers_nothing(self, bot: ScoutBot) -> None:
        interaction = make_interaction(client=bot, guild_id=999)
        interaction.type = discord.InteractionType.autocomplete
        interaction.response.autocomplete = AsyncMock()
        await bot.tree._call(interaction)
        interaction.response.autocomplete.assert_awaited_once_with([])

    async def test_joining_a_server_not_allowed_posts_a_notice_and_leaves(
        self, bot: ScoutBot
    ) -> None:
        guild = _guild(999)
        await bot.on_guild_join(guild)
        guild.system_channel.send.assert_awaited_once()
        guild.leave.assert_awaited_once()

    async def test_joining_an_allowed_server_stays_quiet(self, bot: ScoutBot) -> None:
        guild = _guild(111)
        await bot.on_guild_join(guild)
        guild.system_channel.send.assert_not_awaited()
        guild.leave.assert_not_awaited()

    def test_an_empty_allow_list_serves_every_server(self) -> None:
        policy = GuildPolicy([])
        assert policy.allows(1) and policy.allows(2)
        assert not policy.allows(None)

    async def test_an_empty_allow_list_warns_at_start(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        bot = ScoutBot(Settings())
        bot.load_extension = AsyncMock()  # type: ignore[method-assign]
        try:
            await bot.setup_hook()
        finally:
            await bot.close()
        assert "must not be a public bot" in caplog.text


def _guild(guild_id: int) -> Any:
    guild = MagicMock(spec=discord.Guild)
    guild.id = guild_id
    guild.name = f"server {guild_id}"
    channel = MagicMock(spec=discord.TextChannel)
    channel.permissions_for.return_value = discord.Permissions(
        view_channel=True, send_messages=True
    )
    channel.send = AsyncMock()
    guild.system_channel = channel
    guild.text_channels = [channel]
    guild.leave = AsyncMock()
    return guild


class TestCommands:
    def test_every_cog_module_is_an_extension(self) -> None:
        assert "cogs.meta" in extension_names()

    async def test_every_extension_loads_and_no_command_name_repeats(self, bot: ScoutBot) -> None:
        for name in extension_names():
            await bot.load_extension(name)
        names = [command.qualified_name for command in bot.tree.walk_commands()]
        assert len(names) == len(set(names)), names
        assert "about" in names

    async def test_every_command_is_for_servers_only(self, bot: ScoutBot) -> None:
        for name in extension_names():
            await bot.load_extension(name)
        for command in bot.tree.get_commands():
            payload = command.to_dict(bot.tree)
            assert payload["contexts"] == [0], command.name  # guild only, no DMs
            assert payload["integration_types"] == [0], command.name  # no user installs


class _FailingButton(AnsweringButton, template=r"test:fail"):
    def __init__(self) -> None:
        super().__init__(discord.ui.Button(custom_id="test:fail"))

    async def pressed(self, interaction: Any) -> None:
        raise InvalidInput("Pick a page.")


class TestButtons:
    async def test_a_failing_button_is_answered_like_a_failing_command(self, bot: ScoutBot) -> None:
        interaction = make_interaction(client=bot)
        await _FailingButton().callback(interaction)
        interaction.response.send_message.assert_awaited_once_with("Pick a page.", ephemeral=True)

    async def test_a_button_in_a_server_no_longer_served_is_refused(self, bot: ScoutBot) -> None:
        interaction = make_interaction(client=bot, guild_id=999)
        assert not await _FailingButton().interaction_check(interaction)
        interaction.response.send_message.assert_awaited_once_with(REFUSAL, ephemeral=True)


class TestSeveralInstances:
    """Discord sends each interaction to every instance of the bot: the one that takes it
    in the shared database answers, the others stay silent."""

    async def test_an_interaction_another_instance_took_is_left_to_it(
        self, bot: ScoutBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert bot.store is not None
        monkeypatch.setattr(bot.store, "take_interaction", AsyncMock(return_value=False))
        interaction = make_interaction(client=bot)
        assert not await bot.tree.interaction_check(interaction)
        assert not await _FailingButton().interaction_check(interaction)
        interaction.response.send_message.assert_not_awaited()
        assert (
            bot.metrics.registry.get_sample_value(
                "scoutbot_button_presses_total", {"button": "failing", "outcome": "refused"}
            )
            is None
        ), "counted by the instance that answers it"

    async def test_a_database_that_cannot_say_does_not_stop_the_answer(
        self, bot: ScoutBot, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert bot.store is not None
        monkeypatch.setattr(
            bot.store, "take_interaction", AsyncMock(side_effect=CannotSave("disk full"))
        )
        assert await bot.tree.interaction_check(make_interaction(client=bot))


class TestDiscordFailures:
    def test_discord_refusing_an_answer_is_explained_not_a_bug(self) -> None:
        refused = discord.HTTPException(MagicMock(status=403), "Missing Permissions")
        error = app_commands.CommandInvokeError(MagicMock(), refused)
        assert explain_error(error) == (
            "Discord refused my answer (403: Missing Permissions). Please try again."
        )

    def test_a_lost_connection_to_discord_is_explained(self) -> None:
        error = app_commands.CommandInvokeError(
            MagicMock(), aiohttp.ServerDisconnectedError("Server disconnected")
        )
        assert explain_error(error) is not None

    async def test_answering_while_the_bot_stops_never_raises(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        interaction = make_interaction()
        interaction.response.send_message.side_effect = RuntimeError("Session is closed")
        await send_ephemeral(interaction, "No.")
        assert "Session is closed" in caplog.text


class TestShutdown:
    def test_discord_still_names_its_answer_tasks_as_we_expect(self) -> None:
        sources = inspect.getsource(app_commands.CommandTree._from_interaction) + inspect.getsource(
            ViewStore.dispatch_dynamic_items
        )
        for prefix in ("CommandTree-invoker", "discord-ui-dynamic-item-"):
            assert prefix in sources

    async def test_stopping_lets_an_answer_under_way_finish_first(self) -> None:
        bot = ScoutBot(Settings())
        answered = asyncio.Event()

        async def answer() -> None:
            await asyncio.sleep(0.05)
            answered.set()

        async with bot:
            task = asyncio.create_task(answer(), name="CommandTree-invoker")
        assert answered.is_set()
        assert task.done()

    def test_discord_still_names_its_loop_tasks_as_we_expect(self) -> None:
        from discord.ext import tasks

        assert "discord-ext-tasks: " in inspect.getsource(tasks.Loop.__init__)

    async def test_a_background_loop_using_the_store_ends_before_the_store_closes(
        self, tmp_path: Any
    ) -> None:
        # A store closed under a cancelled query leaves an SQLite thread behind, and the
        # process never exits. Several rounds: the query must be caught mid-way.
        for round_ in range(5):
            bot = ScoutBot(Settings(database={"url": f"sqlite:///{tmp_path}/bot{round_}.db"}))
            bot.store = await Store.open(bot.settings.database.url)
            loop = asyncio.create_task(_watching(bot.store), name="discord-ext-tasks: watching")
            await asyncio.sleep(0.01)
            await bot.close()
            assert loop.cancelled()
            assert await _sqlite_threads_ended(), f"an SQLite thread outlived round {round_}"


async def _watching(store: Store) -> None:
    while True:
        await store.load_snapshot()


async def _sqlite_threads_ended() -> bool:
    for _ in range(100):
        if not any("_connection_worker_thread" in t.name for t in threading.enumerate()):
            return True
        await asyncio.sleep(0.01)
    return False
