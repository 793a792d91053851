"""NEOCP alerts from end to end: subscribe through Discord, change the fake Scout's list, and
read what the bot posts. Faults post nothing; a crash in the middle of posting repeats and
loses nothing; a channel that forbids posting disables its subscription only.

The tests of this module build on each other (one bot process, one store), in file order.
The bot polls every second here (the launcher lifts the 30 s minimum for tests only).
"""

from __future__ import annotations

import pytest

from tests.e2e.fake_discord import FakeDiscord, FakeInteraction
from tests.e2e.fake_upstreams import Failure, FakeScout
from tests.e2e.harness import (
    ALERTS,
    FAST_ALERTS_ENV,
    FOLLOW_UP,
    OBSERVER,
    TEAM_GUILD,
    WATCHERS_ROLE,
    BotProcess,
    World,
)
from tests.e2e.steps import SCENARIOS_THAT_BREAK_SCOUT, as_moderator, full_polls, posts_about

pytestmark = SCENARIOS_THAT_BREAK_SCOUT


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return FAST_ALERTS_ENV


async def alerts(discord: FakeDiscord, command: str, **options: object) -> FakeInteraction:
    return await as_moderator(discord, f"alerts {command}", **options)


def alert_counts(discord: FakeDiscord) -> tuple[int, int]:
    return len(discord.channel_messages(ALERTS)), len(discord.channel_messages(FOLLOW_UP))


# --------------------------------------------------------------------------- subscribing


async def test_subscribing_needs_manage_channels(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    interaction = await fake_discord.slash(
        "alerts subscribe", guild_id=TEAM_GUILD, channel_id=ALERTS, user=OBSERVER
    )
    answer = await fake_discord.answer(interaction)
    assert answer.ephemeral
    assert "Manage Channels" in answer.text


async def test_subscribing_where_the_bot_cannot_post_is_refused(
    bot: BotProcess, fake_discord: FakeDiscord, world: World
) -> None:
    locked = world.team.channel("locked")
    answer = await fake_discord.answer(await alerts(fake_discord, "subscribe", channel=locked))
    assert answer.ephemeral
    assert "Send Messages" in answer.text


async def test_two_channels_subscribe_with_their_own_filters(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    await full_polls(fake_scout)  # the first poll has recorded the list, posting nothing
    everything = await fake_discord.answer(
        await alerts(
            fake_discord, "subscribe", channel=world.team.channels[ALERTS], min_neo_score=50
        )
    )
    watchers = world.team.role(WATCHERS_ROLE)
    new_only = await fake_discord.answer(
        await alerts(
            fake_discord,
            "subscribe",
            channel=world.team.channels[FOLLOW_UP],
            events="new",
            mention=watchers,
        )
    )
    assert everything.ephemeral and new_only.ephemeral
    listing = await fake_discord.answer(await alerts(fake_discord, "list"))
    assert f"<#{ALERTS}>" in listing.text and f"<#{FOLLOW_UP}>" in listing.text
    await full_polls(fake_scout)
    assert alert_counts(fake_discord) == (0, 0), "subscribing posts no backlog"


# --------------------------------------------------------------------------- events


async def test_a_new_object_is_posted_to_every_channel_whose_filter_it_passes(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    fake_scout.add("P99neo1", neoScore=98, phaScore=12, rating=1, nObs=5)
    fake_scout.add("P99dim1", neoScore=10, phaScore=0)  # below #neo-alerts' min_neo_score
    [alert] = await fake_discord.wait_channel_messages(ALERTS, 1)
    await fake_discord.wait_for(
        lambda: all(posts_about(fake_discord, FOLLOW_UP, d) for d in ("P99neo1", "P99dim1")),
        "both objects in #follow-up",
    )
    follow_up = fake_discord.channel_messages(FOLLOW_UP)
    assert "P99neo1" in alert.text
    assert posts_about(fake_discord, ALERTS, "P99dim1") == []
    role = world.team.role(WATCHERS_ROLE)
    assert f"<@&{role.id}>" not in alert.content, "alerts mention no one unless asked"
    assert not (alert.allowed_mentions or {}).get("roles")
    # Found in one poll (or two): each object is in exactly one message.
    assert sorted(d for d in ("P99neo1", "P99dim1") for m in follow_up if d in m.text) == [
        "P99dim1",
        "P99neo1",
    ]
    for message in follow_up:
        assert f"<@&{role.id}>" in message.content
        allowed = message.allowed_mentions or {}
        assert [str(r) for r in allowed.get("roles", [])] == [str(role.id)]
        assert "everyone" not in allowed.get("parse", [])


async def test_an_update_goes_only_to_channels_that_want_updates(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    follow_up_before = len(fake_discord.channel_messages(FOLLOW_UP))
    fake_scout.update("P99neo1", nObs=9, phaScore=40)
    await fake_discord.wait_for(
        lambda: len(posts_about(fake_discord, ALERTS, "P99neo1")) == 2, "the update in #neo-alerts"
    )
    await full_polls(fake_scout)
    assert len(fake_discord.channel_messages(FOLLOW_UP)) == follow_up_before  # events: new


async def test_a_removal_is_posted(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    fake_scout.remove("P99neo1")
    await fake_discord.wait_for(
        lambda: len(posts_about(fake_discord, ALERTS, "P99neo1")) == 3, "the removal in #neo-alerts"
    )


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize("failure", list(Failure))
async def test_a_failed_empty_or_strange_poll_posts_nothing(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, failure: Failure
) -> None:
    before = alert_counts(fake_discord)
    fake_scout.fail(failure, times=None, mode="summary")
    await full_polls(fake_scout, 2)
    fake_scout.heal()
    await full_polls(fake_scout, 2)  # good polls again: nothing changed, nothing to say
    assert alert_counts(fake_discord) == before


# --------------------------------------------------------------------------- crash and restart


async def test_a_crash_while_posting_repeats_nothing_and_loses_nothing(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    # Discord takes the post to #neo-alerts, but the bot dies before hearing back.
    # Three new objects in one poll: one digest per channel, the kill -9 in the middle of
    # the fan-out (the first channel's post reached Discord, the second's never left).
    held = fake_discord.hold(f"POST /channels/{ALERTS}/messages")
    follow_up_before = len(fake_discord.channel_messages(FOLLOW_UP))
    fake_scout.add("P99crsh", neoScore=99)
    fake_scout.add("P99crs2", neoScore=97)
    fake_scout.add("P99crs3", neoScore=95)
    await fake_discord.wait_for(lambda: held.hits == 1, "the digest to reach Discord")
    await bot.crash()
    held.released.set()

    await bot.start()
    await fake_discord.wait_for(
        lambda: posts_about(fake_discord, FOLLOW_UP, "P99crsh"), "the digest #follow-up had not got"
    )
    await full_polls(fake_scout, 2)
    for channel in (ALERTS, FOLLOW_UP):
        for designation in ("P99crsh", "P99crs2", "P99crs3"):
            assert len(posts_about(fake_discord, channel, designation)) == 1, (
                f"{designation} in {channel}"
            )
    assert len(fake_discord.channel_messages(FOLLOW_UP)) == follow_up_before + 1  # one digest


async def test_a_restart_does_not_repost_what_was_posted(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    before = alert_counts(fake_discord)
    await bot.restart()
    await full_polls(fake_scout, 2)
    assert alert_counts(fake_discord) == before


# --------------------------------------------------------------------------- a channel gone wrong


async def test_a_channel_that_forbids_posting_disables_only_its_subscription(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout
) -> None:
    await fake_discord.forbid_channel(FOLLOW_UP)
    fake_scout.add("P99frbd", neoScore=97)
    await fake_discord.wait_for(lambda: posts_about(fake_discord, ALERTS, "P99frbd"), "the alert")
    await full_polls(fake_scout, 2)
    # The bot may try and be refused (403) or see the missing permission first: either way
    # nothing lands there, and /alerts list says why.
    assert posts_about(fake_discord, FOLLOW_UP, "P99frbd") == []
    listing = await fake_discord.answer(await alerts(fake_discord, "list"))
    follow_up_part = listing.text[listing.text.index(f"<#{FOLLOW_UP}>") :]
    assert "permission" in follow_up_part.lower(), "the entry says what is wrong"

    tried = len(fake_discord.requests_to(f"POST /channels/{FOLLOW_UP}/messages"))
    fake_scout.add("P99aftr", neoScore=96)
    await fake_discord.wait_for(
        lambda: posts_about(fake_discord, ALERTS, "P99aftr"), "the next alert"
    )
    await full_polls(fake_scout)
    assert len(fake_discord.requests_to(f"POST /channels/{FOLLOW_UP}/messages")) == tried


# --------------------------------------------------------------------------- the other commands


async def test_preview_shows_what_the_filter_lets_through_and_posts_nothing(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    before = alert_counts(fake_discord)
    answer = await fake_discord.answer(
        await alerts(fake_discord, "preview", channel=world.team.channels[ALERTS])
    )
    assert answer.ephemeral
    passing = [d for d, row in fake_scout.rows.items() if row["neoScore"] >= 50]
    assert any(designation in answer.text for designation in passing)
    assert "P99dim1" not in answer.text  # NEO score 10, below the filter
    assert alert_counts(fake_discord) == before


async def test_status_tells_when_the_watcher_polled(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    answer = await fake_discord.answer(await alerts(fake_discord, "status"))
    assert "<t:" in answer.text  # last and next poll, as Discord timestamps


async def test_unsubscribe_stops_the_alerts(
    bot: BotProcess, fake_discord: FakeDiscord, fake_scout: FakeScout, world: World
) -> None:
    answer = await fake_discord.answer(
        await alerts(fake_discord, "unsubscribe", channel=world.team.channels[ALERTS])
    )
    assert answer.ephemeral
    before = alert_counts(fake_discord)
    fake_scout.add("P99gone", neoScore=100)
    await full_polls(fake_scout, 2)
    assert alert_counts(fake_discord) == before
    again = await fake_discord.answer(
        await alerts(fake_discord, "unsubscribe", channel=world.team.channels[ALERTS])
    )
    assert again.ephemeral and "nothing to stop" in again.text


async def test_the_log_shows_no_tracebacks(bot: BotProcess) -> None:
    assert bot.problems() == []
