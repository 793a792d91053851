"""Scout marked down, seen from Discord: once a command has given up on Scout, the next
ones are answered privately at once (no public "thinking…" that fails 40 s later), saying
when the bot asks again and where Scout's page is, without asking Scout meanwhile."""

from __future__ import annotations

import time

import pytest

from tests.e2e.fake_discord import CHANNEL_MESSAGE, FakeDiscord
from tests.e2e.fake_upstreams import Failure, FakeScout
from tests.e2e.harness import GENERAL, TEAM_GUILD, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"SCOUTBOT_SCOUT__DOWN_PAUSE_SECONDS": "60"}


async def test_after_a_give_up_commands_are_answered_privately_at_once(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.fail(Failure.SERVER_ERROR, times=None)
    first = await fake_discord.slash(
        "scout orbits", guild_id=TEAM_GUILD, channel_id=GENERAL, designation="A11EBEK"
    )
    gave_up = await fake_discord.answer(first, within=15.0)
    assert gave_up.ephemeral and "JPL Scout did not answer at" in gave_up.text
    asked = fake_scout.count()

    started = time.monotonic()
    second = await fake_discord.slash(
        "scout observations", guild_id=TEAM_GUILD, channel_id=GENERAL, designation="A11EvW0"
    )
    answer = await fake_discord.answer(second, within=5.0)

    assert time.monotonic() - started < 5.0
    assert second.callback_types == [CHANNEL_MESSAGE]  # answered at once, nothing deferred
    assert answer.ephemeral
    assert "I'll ask it again from" in answer.text and "UTC (in 1 min)" in answer.text
    assert "https://cneos.jpl.nasa.gov/scout/" in answer.text
    assert fake_scout.count() == asked  # Scout was left alone


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
