"""Two bot processes on one PostgreSQL database act as one bot: one polls and posts, and when
it is killed (kill -9) in the middle of posting an alert to three channels, the other takes
over and every channel has the alert exactly once. Needs a configured PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_upstreams import FakeMpc, FakeScout
from tests.e2e.harness import (
    ALERTS,
    FAST_ALERTS_ENV,
    FOLLOW_UP,
    GENERAL,
    BotProcess,
    World,
    bot_environment,
    running_bot,
)
from tests.e2e.steps import as_moderator
from tests.postgres import throwaway_schema

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

LEADING = "this instance now polls Scout and posts alerts"
CHANNELS = (ALERTS, FOLLOW_UP, GENERAL)  # subscribed in this order: posted in this order


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot_env() -> AsyncIterator[dict[str, str]]:
    async with throwaway_schema() as url:
        yield {**FAST_ALERTS_ENV, "SCOUTBOT_DATABASE__URL": url}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def other_bot(
    bot: BotProcess,
    fake_discord: FakeDiscord,
    fake_scout: FakeScout,
    fake_mpc: FakeMpc,
    bot_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BotProcess]:
    """A second process of the same bot: same token, same database, its own directory."""
    workdir: Path = tmp_path_factory.mktemp("other-bot")
    env = bot_environment(
        fake_discord, fake_scout.url, fake_mpc.url, workdir / "unused.db", bot_env
    )
    async with running_bot(env, workdir) as process:
        yield process


def leader_of(first: BotProcess, second: BotProcess) -> tuple[BotProcess, BotProcess]:
    leading = [process for process in (first, second) if LEADING in process.current_log]
    assert len(leading) == 1, "exactly one instance leads"
    return leading[0], second if leading[0] is first else first


async def test_one_instance_polls_while_both_run(
    bot: BotProcess, other_bot: BotProcess, fake_discord: FakeDiscord, world: World
) -> None:
    for channel in CHANNELS:
        answer = await fake_discord.answer(
            await as_moderator(
                fake_discord, "alerts subscribe", channel=world.team.channels[channel]
            )
        )
        assert "NEOCP alerts in" in answer.text, answer.text
    await fake_discord.wait_for(
        lambda: LEADING in bot.current_log + other_bot.current_log, "an instance to lead"
    )
    leader_of(bot, other_bot)


async def test_killing_the_leader_mid_fan_out_posts_every_alert_once(
    bot: BotProcess, other_bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    leader, standby = leader_of(bot, other_bot)
    # Discord takes the post to the second channel, but the leader dies before hearing back.
    held = fake_discord.hold(f"POST /channels/{FOLLOW_UP}/messages")
    fake_scout.add("P99kill", neoScore=99)
    await fake_discord.wait_for(lambda: held.hits == 1, "the alert to reach the second channel")
    await leader.crash()
    held.released.set()

    await standby.wait_log(LEADING, within=30)
    for channel in CHANNELS:
        await fake_discord.wait_for(
            lambda channel=channel: any(
                "P99kill" in m.text for m in fake_discord.channel_messages(channel)
            ),
            f"the alert in channel {channel}",
        )
    await fake_scout.wait_requests(
        fake_scout.count("summary") + 3, mode="summary", within=30.0
    )  # a few more polls: nothing is posted twice late
    for channel in CHANNELS:
        posts = [m for m in fake_discord.channel_messages(channel) if "P99kill" in m.text]
        assert len(posts) == 1, f"channel {channel} has the alert {len(posts)} times"

    await leader.start()  # as a supervisor restarts it; the fixtures stop both at the end
