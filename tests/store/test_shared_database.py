"""Several processes on one PostgreSQL database (a rolling deploy, a standby): each has its
own ``Store``, and what they do at the same instant neither fails nor happens twice.
Real concurrency: two stores on one database, their calls started together, repeated."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store import MAX_SUBSCRIPTIONS_PER_SERVER, Store, TooManySubscriptions
from tests.fakes import T0
from tests.postgres import throwaway_schema
from tests.store.helpers import CHANNEL, GUILD, queue_one_new_event, subscription

ROUNDS = 20


@pytest.fixture
async def two_stores() -> AsyncIterator[tuple[Store, Store]]:
    """Two processes' stores on one PostgreSQL database (SQLite refuses a second process)."""
    async with throwaway_schema() as url:
        first, second = await Store.open(url), await Store.open(url)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()


async def test_two_posters_claiming_the_same_rows_at_once_get_disjoint_rows(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    for offset in range(ROUNDS):
        await first.save_subscription(subscription(CHANNEL + offset))
    await queue_one_new_event(first)
    row_ids = [row.id for row in (await first.due_messages()).rows]
    assert len(row_ids) == ROUNDS

    for row_id in row_ids:  # each row claimed by both at the same instant
        mine, theirs = await asyncio.gather(
            first.claim([row_id], "first"), second.claim([row_id], "second")
        )
        assert sorted(mine + theirs) == [row_id], "exactly one of them has it"
    everything = await asyncio.gather(
        first.claim(row_ids, "first-again"), second.claim(row_ids, "second-again")
    )
    assert everything == [[], []], "nothing claimed is claimed again"


async def test_two_posters_resuming_an_interrupted_message_at_once_one_takes_it(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    await first.save_subscription(subscription())
    await queue_one_new_event(first)
    (row,) = (await first.due_messages()).rows
    await first.claim([row.id], "abc123")  # and then the poster died
    (interrupted,) = (await first.due_messages()).rows

    taken = await asyncio.gather(
        *(
            store.resume([row.id], "abc123", seen_at=interrupted.touched_at)
            for store in (first, second)
        )
    )

    assert sorted(taken) == [[], [row.id]]


async def test_subscribing_one_channel_from_two_processes_at_once_never_fails(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    for attempt in range(ROUNDS):
        channel = CHANNEL + attempt
        (one, _), (other, _) = await asyncio.gather(
            first.save_subscription(subscription(channel, min_neo_score=10)),
            second.save_subscription(subscription(channel, min_neo_score=20)),
        )
        assert one.id == other.id, "one subscription, whoever came second replaced it"
        stored = await first.subscription_for_channel(GUILD, channel)
        assert stored is not None
        assert stored.filter.min_neo_score in (10, 20)
    assert await first.count_subscriptions(guild_id=GUILD) == ROUNDS


async def test_two_processes_racing_for_a_servers_last_place_let_only_one_in(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    for channel in range(MAX_SUBSCRIPTIONS_PER_SERVER - 1):
        await first.save_subscription(subscription(channel))
    for attempt in range(ROUNDS):
        new_channels = (1000 + 2 * attempt, 1001 + 2 * attempt)
        outcomes = await asyncio.gather(
            first.save_subscription(subscription(new_channels[0])),
            second.save_subscription(subscription(new_channels[1])),
            return_exceptions=True,
        )
        refused = [o for o in outcomes if isinstance(o, TooManySubscriptions)]
        assert len(refused) == 1, outcomes
        assert await first.count_subscriptions(guild_id=GUILD) == MAX_SUBSCRIPTIONS_PER_SERVER
        # Make room again for the next round.
        for channel in new_channels:
            await first.remove_subscription(GUILD, channel)


async def test_each_interaction_is_answered_by_the_one_instance_that_takes_it(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    for interaction_id in range(1_300_000_000_000_000_000, 1_300_000_000_000_000_000 + ROUNDS):
        taken = await asyncio.gather(
            first.take_interaction(interaction_id, at=T0),
            second.take_interaction(interaction_id, at=T0),
        )
        assert sorted(taken) == [False, True]
    # Ids are forgotten once no one can answer them any more (after 15 minutes).
    later = T0 + timedelta(hours=2)
    assert await first.take_interaction(1, at=later)
    assert await second.take_interaction(1_300_000_000_000_000_000, at=later)


async def test_the_one_process_on_sqlite_answers_every_interaction(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path}/bot.db")
    try:
        assert await store.take_interaction(7)
        assert await store.take_interaction(7)
    finally:
        await store.close()
