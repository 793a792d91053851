"""A hostile or slow Scout, seen from Discord.

A Scout that sends its headers and then one byte a second: no read ever waits long
enough to time out, so only the deadline on the whole request ends it. The person who
asked gets a clear answer within it, other commands still answer meanwhile, and the
watcher's poll neither waits behind commands nor holds them up, while ``/alerts status``
says that a poll is taking too long.

A summary with malformed rows: the real new object is still alerted, the bad rows are
counted in ``/alerts status`` and logged once, and ``/scout list`` shows the good rows.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.e2e.fake_discord import (
    DEFERRED_CHANNEL_MESSAGE,
    FakeDiscord,
    FakeMessage,
)
from tests.e2e.fake_upstreams import Failure, FakeScout
from tests.e2e.harness import (
    ALERTS,
    FAST_ALERTS_ENV,
    GENERAL,
    TEAM_GUILD,
    BotProcess,
    World,
)
from tests.e2e.steps import SCENARIOS_THAT_BREAK_SCOUT, as_moderator, scout

pytestmark = SCENARIOS_THAT_BREAK_SCOUT

DEADLINE = 5.0  # scout.deadline_seconds; the per-read timeout is 3 s (harness default)
# Discord and the bot take their share on top of Scout's deadline; a margin, not a pace.
SLACK = 4.0
UNAVAILABLE = "JPL Scout did not answer at"


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {
        **FAST_ALERTS_ENV,
        "SCOUTBOT_SCOUT__OBJECT_TTL_SECONDS": "0",
        "SCOUTBOT_SCOUT__DEADLINE_SECONDS": str(DEADLINE),
    }


async def status(discord: FakeDiscord) -> FakeMessage:
    return await discord.answer(await as_moderator(discord, "alerts status"))


async def test_a_trickling_answer_ends_in_a_clear_answer_within_the_deadline(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.fail(Failure.TRICKLE, times=None, mode="object")
    started = time.monotonic()

    interaction = await scout(fake_discord, "orbits", designation="A11EBEK")
    answer = await fake_discord.answer(interaction, within=DEADLINE + SLACK)

    assert UNAVAILABLE in answer.text and answer.ephemeral
    assert time.monotonic() - started <= DEADLINE + SLACK
    await bot.wait_log(f"no complete answer within {DEADLINE:g} s")


async def test_other_commands_answer_while_scout_trickles(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.fail(Failure.TRICKLE, times=None, mode="object")
    asked = fake_scout.count("object")
    slow = [
        await scout(fake_discord, "orbits", designation=name) for name in ("A11EpSe", "A11EvW0")
    ]
    await fake_scout.wait_requests(asked + 2, mode="object")
    polls = fake_scout.count("summary")

    # NEO order: A11EBEK is on its first page (the default order leads with the rating).
    listing = await fake_discord.answer(await scout(fake_discord, "list", sort="neo"), within=SLACK)
    about = await fake_discord.answer(
        await fake_discord.slash("about", guild_id=TEAM_GUILD, channel_id=GENERAL), within=SLACK
    )

    assert "A11EBEK" in listing.text
    assert "scout-bot" in about.text
    await fake_scout.wait_requests(polls + 2, mode="summary", within=SLACK)  # still polling
    for interaction in slow:
        assert UNAVAILABLE in (await fake_discord.answer(interaction, within=DEADLINE + SLACK)).text


async def test_a_trickling_poll_shows_in_status_and_holds_no_command_up(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.fail(Failure.TRICKLE, times=None, mode="summary")
    await fake_scout.wait_requests(fake_scout.count("summary") + 1, mode="summary")
    await fake_discord.wait_for(lambda: fake_scout.trickling, "a poll to be trickled to")

    answer = await fake_discord.answer(
        await scout(fake_discord, "orbits", designation="A11EBEK", count=50), within=SLACK
    )
    assert "A11EBEK" in answer.text and UNAVAILABLE not in answer.text

    stuck = None
    for _ in range(20):  # the poll is "too long" once it has run past the 1 s interval
        shown = await status(fake_discord)
        if "A poll has been running since" in shown.text:
            stuck = shown
            break
        await asyncio.sleep(0.25)
    assert stuck is not None, f"/alerts status never said the poll was slow: {shown.text!r}"

    fake_scout.heal()
    await fake_scout.wait_requests(fake_scout.count("summary") + 2, mode="summary")
    recovered = await status(fake_discord)
    assert "A poll has been running since" not in recovered.text


async def test_malformed_rows_are_skipped_and_a_real_new_object_is_still_alerted(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    subscribed = await fake_discord.answer(
        await as_moderator(fake_discord, "alerts subscribe", channel=world.team.channels[ALERTS])
    )
    assert subscribed.ephemeral
    await fake_scout.wait_requests(fake_scout.count("summary") + 2, mode="summary")
    posted = len(fake_discord.channel_messages(ALERTS))

    fake_scout.update("A11EpSe", lastRun="not a date")
    fake_scout.add_row("number-for-a-name", objectName=12345)
    fake_scout.add("P99real", neoScore=97)

    alerts = await fake_discord.wait_channel_messages(ALERTS, posted + 1)
    assert "P99real" in alerts[-1].text
    await fake_scout.wait_requests(fake_scout.count("summary") + 3, mode="summary")
    assert len(fake_discord.channel_messages(ALERTS)) == posted + 1  # nothing "removed"
    assert "2 unreadable rows skipped" in (await status(fake_discord)).text
    listing = await fake_discord.answer(await scout(fake_discord, "list", sort="neo"))
    assert "A11EBEK" in listing.text
    skipped = [line for line in bot.current_log.splitlines() if "unreadable row" in line]
    assert len(skipped) == 2, "each bad row is logged once, not at every poll"


async def test_a_refusal_3000_characters_long_still_gets_a_short_answer(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.fail(Failure.LONG_REFUSAL, times=None, mode="object")

    interaction = await scout(fake_discord, "observations", designation="A11EvW3")
    answer = await fake_discord.answer(interaction)

    assert answer.ephemeral
    assert answer.text.startswith("JPL Scout refused the request: invalid request")
    assert len(answer.content) <= 400
    await bot.wait_log("the parameter was not what the API expected " * 60)  # all of it
    about = await fake_discord.answer(
        await fake_discord.slash("about", guild_id=TEAM_GUILD, channel_id=GENERAL)
    )
    [health] = [f for f in about.embeds[0]["fields"] if f["name"] == "Upstream health"]
    assert "refused: invalid request" in health["value"] and len(health["value"]) <= 1024


async def test_stopping_while_an_answer_outlasts_the_grace_tells_its_user_to_retry(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    # Scout slow enough that the answer outlasts the 10 s the bot gives answers at SIGTERM.
    usual = dict(bot.env)
    bot.env.update(SCOUTBOT_SCOUT__TIMEOUT_SECONDS="60", SCOUTBOT_SCOUT__DEADLINE_SECONDS="90")
    await bot.restart()
    fake_scout.fail(Failure.HANG, times=None, mode="object")
    asked = fake_scout.count("object")
    interaction = await scout(fake_discord, "orbits", designation="A11Evap")
    await fake_scout.wait_requests(asked + 1, mode="object")
    assert DEFERRED_CHANNEL_MESSAGE in interaction.callback_types

    assert await bot.stop() == 0

    answer = await fake_discord.answer(interaction, within=1.0)
    assert "restarting" in answer.text and "try again" in answer.text
    assert answer.id == interaction.original_id  # the "thinking..." placeholder itself
    bot.env.clear()
    bot.env.update(usual)
    await bot.start()


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
