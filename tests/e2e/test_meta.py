"""The bot as a whole on Discord: start-up, command sync, /about, who it serves, the gateway
session surviving a reconnect and Discord's rate limits, and a clean log."""

from __future__ import annotations

import pytest

from bot.guilds import DM_REFUSAL, NOT_SERVED_NOTICE, REFUSAL
from tests.e2e.fake_discord import CHANNEL_MESSAGE, FakeDiscord
from tests.e2e.harness import GENERAL, LOBBY, OUTSIDE_GUILD, TEAM_GUILD, BotProcess, World

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_start_up_logs_in_and_registers_guild_only_commands(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    assert fake_discord.identifies == 1
    assert fake_discord.requests_to("GET /users/@me"), "discord.py logs in with GET /users/@me"
    # dev_guild_id: the commands are synced to the team server at start.
    commands = {c["name"]: c for c in fake_discord.commands[TEAM_GUILD]}
    assert "about" in commands
    for command in commands.values():
        assert command["contexts"] == [0], f"/{command['name']} must work only in servers"
        assert command["integration_types"] == [0], (
            f"/{command['name']} must not be user-installable"
        )


async def test_about_answers_with_version_sources_and_health(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    interaction = await fake_discord.slash("about", guild_id=TEAM_GUILD, channel_id=GENERAL)
    answer = await fake_discord.answer(interaction)
    assert interaction.callback_types == [CHANNEL_MESSAGE]
    assert not answer.ephemeral
    assert "scout-bot" in answer.text
    assert "JPL CNEOS Scout" in answer.text and "Minor Planet Center" in answer.text
    assert "JPL Scout" in answer.text and "MPC action codes" in answer.text  # health lines


async def test_a_command_in_a_direct_message_is_refused(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    interaction = await fake_discord.slash("about", guild_id=None, channel_id=777)
    answer = await fake_discord.answer(interaction)
    assert answer.ephemeral
    assert answer.content == DM_REFUSAL


async def test_a_server_not_allowed_gets_a_notice_and_the_bot_leaves(
    bot: BotProcess, fake_discord: FakeDiscord, world: World
) -> None:
    await fake_discord.wait_for(
        lambda: not world.outside.joined, "the bot to leave the outside server"
    )
    notices = fake_discord.channel_messages(LOBBY)
    assert [m.content for m in notices] == [NOT_SERVED_NOTICE]
    leave = fake_discord.requests_to(f"DELETE /users/@me/guilds/{OUTSIDE_GUILD}")
    post = fake_discord.requests_to(f"POST /channels/{LOBBY}/messages")
    assert post[0].seq < leave[0].seq, "the notice comes before leaving"
    assert world.team.joined  # the team's own server is kept
    assert fake_discord.requests_to(f"DELETE /users/@me/guilds/{TEAM_GUILD}") == []


async def test_an_interaction_from_a_server_not_allowed_is_refused(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    interaction = await fake_discord.slash("about", guild_id=OUTSIDE_GUILD, channel_id=LOBBY)
    answer = await fake_discord.answer(interaction)
    assert answer.ephemeral
    assert answer.content == REFUSAL


async def test_a_server_joined_later_that_is_not_allowed_is_left_too(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    stranger = fake_discord.add_guild(1190000000000000777, "Public server", ["welcome"])
    stranger.joined = False
    await fake_discord.join(stranger)
    await fake_discord.wait_for(
        lambda: not stranger.joined, "the bot to leave the server it joined"
    )
    welcome = stranger.channel("welcome")
    assert [m.content for m in fake_discord.channel_messages(welcome.id)] == [NOT_SERVED_NOTICE]


async def test_the_session_resumes_after_discord_asks_for_a_reconnect(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    await fake_discord.request_reconnect()
    await fake_discord.wait_for(lambda: fake_discord.resumes == 1, "a RESUME")
    assert fake_discord.identifies == 1, "a resume, not a new session"
    interaction = await fake_discord.slash("about", guild_id=TEAM_GUILD, channel_id=GENERAL)
    assert "scout-bot" in (await fake_discord.answer(interaction)).text


async def test_a_rate_limited_answer_is_retried_after_the_wait_discord_asks_for(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    fault = fake_discord.fail("POST /interactions/*/callback", 429, times=1, retry_after=0.2)
    interaction = await fake_discord.slash("about", guild_id=TEAM_GUILD, channel_id=GENERAL)
    answer = await fake_discord.answer(interaction)
    assert fault.hits == 1
    assert "scout-bot" in answer.text
    assert len(fake_discord.requests_to(f"POST /interactions/{interaction.id}/*/callback")) == 2


async def test_the_heartbeat_is_acknowledged(bot: BotProcess, fake_discord: FakeDiscord) -> None:
    # discord.py sends its first heartbeat as soon as it gets HELLO.
    assert fake_discord.heartbeats >= 1


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
    assert "Shard ID None has connected to Gateway" in bot.log
