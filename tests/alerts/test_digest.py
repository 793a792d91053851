"""Delivery shaped for Discord: one message per channel and poll, several events as one
digest, merged while a channel cannot be reached, and polling that never waits for
posting."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from bot.alerts.delivery import DeliveryFailed
from bot.store import Delivery
from tests.alerts.helpers import HERE, THERE, A, B, Bot
from tests.builders import scout_object, summary_of

D, E, F = (scout_object(name, neoScore=90) for name in ("P21dddd", "P21eeee", "P21ffff"))


async def test_several_events_for_a_channel_arrive_as_one_message(bot: Bot) -> None:
    await bot.subscribe(THERE)
    await bot.cycle()
    bot.scout.then(summary_of([scout_object("P21aaaa", nObs=9), B, D, E, F]))
    await bot.cycle()

    for channel in (HERE, THERE):
        (message,) = bot.sender.messages_to(channel)
        assert sorted(message.events) == [
            ("new", "P21dddd"),
            ("new", "P21eeee"),
            ("new", "P21ffff"),
            ("updated", "P21aaaa"),
        ]


async def test_a_channel_never_gets_more_than_one_message_a_cycle(bot: Bot) -> None:
    await bot.cycle()
    listed = [A, B]
    for poll in range(6):
        if poll == 2:
            bot.sender.fail(HERE, DeliveryFailed("503"), DeliveryFailed("503"))
        listed = [*listed, scout_object(f"P21n{poll:03d}")]
        bot.scout.then(summary_of(listed))
        before = len(bot.sender.messages_to(HERE))
        await bot.cycle()
        assert len(bot.sender.messages_to(HERE)) - before <= 1
    await bot.cycle()
    # Every new object reached the channel once, the ones queued while it failed together.
    assert sorted(d for _, d in bot.sender.posted(HERE)) == [f"P21n{n:03d}" for n in range(6)]
    assert len(bot.sender.messages_to(HERE)) < 6


async def test_a_significant_new_object_of_a_busy_cycle_gets_a_message_of_its_own(
    bot: Bot,
) -> None:
    await bot.subscribe(HERE, min_neo_score=50)  # a second subscription in the same channel
    await bot.cycle()
    risky = scout_object("P21rrrr", neoScore=95, phaScore=40, rating=1)
    bot.scout.then(summary_of([A, B, D, risky, E]))
    await bot.cycle()

    own, rest = bot.sender.messages_to(HERE)
    assert own.events == [("new", "P21rrrr")], "first, alone, once for both subscriptions"
    assert sorted(rest.events) == [("new", "P21dddd"), ("new", "P21eeee")]


async def test_a_significant_new_object_alone_in_its_cycle_is_one_message_as_before(
    bot: Bot,
) -> None:
    await bot.cycle()
    bot.scout.then(summary_of([A, B, scout_object("P21rrrr", phaScore=40)]))
    await bot.cycle()

    (message,) = bot.sender.messages_to(HERE)
    assert message.events == [("new", "P21rrrr")]


async def test_updates_queued_while_the_poster_is_busy_are_merged_into_one_message(
    bot: Bot,
) -> None:
    assert bot.watcher is not None
    await bot.cycle()
    for n_obs in (6, 8, 10):  # three polls before the poster gets its turn
        bot.scout.then(summary_of([scout_object("P21aaaa", nObs=n_obs), B]))
        bot.clock.advance(minutes=2)
        await bot.watcher.poll_cycle()
    await bot.watcher.deliver_round()

    (message,) = bot.sender.messages_to(HERE)
    assert message.events == [("updated", "P21aaaa")] * 3  # each event once, in one message


async def test_polling_goes_on_while_a_long_fan_out_is_posting(bot: Bot) -> None:
    assert bot.watcher is not None
    watcher = bot.watcher
    await bot.cycle()
    gate = asyncio.Event()
    send = bot.sender.send

    async def slow_send(delivery: Delivery, nonce: str) -> Any:
        await gate.wait()
        return await send(delivery, nonce)

    bot.sender.send = slow_send  # type: ignore[method-assign]
    poster = asyncio.create_task(watcher.posting_loop())
    try:
        bot.scout.then(summary_of([A, B, D]))
        await watcher.poll_cycle()
        await asyncio.sleep(0.01)  # the poster is now stuck in the send
        bot.scout.then(summary_of([A, B, D, E]))
        bot.clock.advance(minutes=2)
        await asyncio.wait_for(watcher.poll_cycle(), 5)  # not held up by the send
        assert bot.scout.calls == 3
        gate.set()
        for _ in range(100):
            if len(bot.sender.posted(HERE)) == 2:
                break
            await asyncio.sleep(0.01)
    finally:
        poster.cancel()
        # Awaited, so that the store is never closed under the poster's transaction.
        with contextlib.suppress(asyncio.CancelledError):
            await poster
    assert sorted(bot.sender.posted(HERE)) == [("new", "P21dddd"), ("new", "P21eeee")]
    assert len(bot.sender.messages_to(HERE)) == 2  # one per poll


async def test_the_watcher_reads_the_snapshot_once_and_diffs_against_memory(bot: Bot) -> None:
    assert bot.store is not None
    store = bot.store
    reads = 0
    load = store.load_snapshot

    async def counting_load() -> Any:
        nonlocal reads
        reads += 1
        return await load()

    store.load_snapshot = counting_load  # type: ignore[method-assign]
    await bot.cycle()
    for listed in ([A, B, D], [A, D], [A, D, E]):
        bot.scout.then(summary_of(listed))
        await bot.cycle()
    assert reads == 1
    await bot.restart()  # the store is the truth after a restart
    await bot.cycle()
    assert sorted(bot.sender.posted(HERE)) == [
        ("new", "P21dddd"),
        ("new", "P21eeee"),
        ("removed", "P21bbbb"),
    ]
