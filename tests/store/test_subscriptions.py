"""Subscriptions: one per channel, per server, removed with their queue."""

from __future__ import annotations

from bot.neocp import AlertFilter, EventSelection
from bot.store import (
    Store,
    SubscriptionState,
)
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
    assert await store.due_deliveries() == []
