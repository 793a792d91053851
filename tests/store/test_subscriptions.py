"""Subscriptions: one per channel, per server, removed with their queue."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update

from bot.neocp import AlertFilter, EventSelection
from bot.store import (
    MAX_SUBSCRIPTIONS_PER_SERVER,
    Store,
    SubscriptionState,
    TooManySubscriptions,
)
from bot.store.schema import subscriptions
from tests.store.helpers import CHANNEL, GUILD, queue_one_new_event, subscription


async def test_subscribing_twice_replaces_the_settings_and_re_enables(store: Store) -> None:
    first, replaced = await store.save_subscription(subscription(min_neo_score=50))
    assert not replaced
    await store.disable_subscription(first.id, "403 Forbidden: Missing Access")

    second, replaced = await store.save_subscription(
        subscription(min_neo_score=80, events=EventSelection.NEW)
    )
    assert replaced
    assert second.id == first.id
    assert second.state is SubscriptionState.ACTIVE
    assert second.last_failure is None
    assert second.filter == AlertFilter(min_neo_score=80, events=EventSelection.NEW)
    assert second.created_at == first.created_at


async def test_subscriptions_are_per_server(store: Store) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    assert [s.channel_id for s in await store.guild_subscriptions(GUILD)] == [CHANNEL, CHANNEL + 1]
    assert await store.guild_subscriptions(GUILD + 1) == []
    assert await store.subscription_for_channel(GUILD + 1, CHANNEL) is None


async def test_unsubscribing_removes_the_subscription_and_its_queue(store: Store) -> None:
    await store.save_subscription(subscription())
    await queue_one_new_event(store)
    assert await store.remove_subscription(GUILD, CHANNEL)
    assert not await store.remove_subscription(GUILD, CHANNEL)
    assert (await store.due_messages()).rows == []


async def test_a_server_at_its_quota_may_replace_but_not_add(store: Store) -> None:
    for channel_id in range(MAX_SUBSCRIPTIONS_PER_SERVER):
        await store.save_subscription(subscription(channel_id))

    _, replaced = await store.save_subscription(subscription(0, min_neo_score=50))
    assert replaced
    with pytest.raises(TooManySubscriptions, match="already has 25 alert channels"):
        await store.save_subscription(subscription(MAX_SUBSCRIPTIONS_PER_SERVER))
    assert await store.count_subscriptions(guild_id=GUILD) == MAX_SUBSCRIPTIONS_PER_SERVER


async def test_subscribes_racing_for_the_last_place_let_only_one_in(store: Store) -> None:
    for channel_id in range(MAX_SUBSCRIPTIONS_PER_SERVER - 1):
        await store.save_subscription(subscription(channel_id))

    outcomes = await asyncio.gather(
        store.save_subscription(subscription(1000)),
        store.save_subscription(subscription(1001)),
        return_exceptions=True,
    )

    assert sum(isinstance(outcome, TooManySubscriptions) for outcome in outcomes) == 1
    assert await store.count_subscriptions(guild_id=GUILD) == MAX_SUBSCRIPTIONS_PER_SERVER


async def test_a_filter_this_version_cannot_read_stops_that_channel_only(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    unreadable, _ = await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    async with store._db.writing() as conn:
        await conn.execute(
            update(subscriptions)
            .where(subscriptions.c.id == unreadable.id)
            .values(filter='{"min_neo_score": 80, "a_field_from_the_future": true}')
        )

    assert [s.channel_id for s in await store.active_subscriptions()] == [CHANNEL + 1]
    assert [s.channel_id for s in await store.guild_subscriptions(GUILD)] == [CHANNEL + 1]
    assert "its filter cannot be read" in caplog.text

    # Subscribing again in that channel writes a filter this version understands.
    _, replaced = await store.save_subscription(subscription(CHANNEL, min_neo_score=80))
    assert replaced
    assert len(await store.active_subscriptions()) == 2
