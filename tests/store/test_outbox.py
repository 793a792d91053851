"""The snapshot and the outbox: a poll queues, deliveries walk their states, pruning forgets."""

from __future__ import annotations

from datetime import timedelta

from bot.neocp import EventKind, EventSelection, diff_snapshot, start_tracking
from bot.store import (
    DeliveryState,
    Store,
    SubscriptionState,
)
from tests.alerts.helpers import T0, scout_object
from tests.store.helpers import CHANNEL, GUILD, queue_one_new_event, subscription


async def test_the_snapshot_round_trips_with_its_keys(store: Store) -> None:
    assert not (await store.load_snapshot()).initialised
    objects = start_tracking([scout_object("A", nObs=9), scout_object("B")], now=T0)
    await store.record_first_poll(objects, at=T0)
    loaded = await store.load_snapshot()
    assert loaded.initialised
    assert loaded.objects == objects
    assert loaded.objects[0].first_seen.tzinfo is not None


async def test_a_poll_queues_one_delivery_per_event_and_wanting_channel(store: Store) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1, min_pha_score=50))
    await store.save_subscription(subscription(CHANNEL + 2, events=EventSelection.NEW_REMOVALS))
    assert await queue_one_new_event(store) == 2
    due = await store.due_deliveries()
    assert sorted(d.subscription.channel_id for d in due) == [CHANNEL, CHANNEL + 2]
    assert {d.event.kind for d in due} == {EventKind.NEW}
    assert all(d.state is DeliveryState.PENDING and d.nonce is None for d in due)


async def test_the_store_queues_for_the_subscriptions_it_is_given_not_by_their_filters(
    store: Store,
) -> None:
    picky, _ = await store.save_subscription(subscription(CHANNEL, min_neo_score=100))
    everything, _ = await store.save_subscription(subscription(CHANNEL + 1))
    gone, _ = await store.save_subscription(subscription(CHANNEL + 2))
    await store.remove_subscription(GUILD, CHANNEL + 2)
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    result = diff_snapshot(snapshot.objects, [scout_object("A"), scout_object("B")], now=T0)
    (new,) = result.events

    # The watcher chose the picky channel only (and one unsubscribed since).
    queued = await store.record_poll(result.snapshot, [(new, [picky.id, gone.id])], at=T0)

    assert queued == 1
    assert [d.subscription.id for d in await store.due_deliveries()] == [picky.id]
    assert everything.id not in {d.subscription.id for d in await store.due_deliveries()}


async def test_the_outbox_walks_pending_posting_sent(store: Store) -> None:
    await store.save_subscription(subscription())
    await queue_one_new_event(store)
    (delivery,) = await store.due_deliveries()

    await store.mark_posting(delivery.id, "abc123")
    (again,) = await store.due_deliveries()
    assert (again.state, again.nonce) == (DeliveryState.POSTING, "abc123")

    await store.mark_retry(delivery.id, "503 Service Unavailable")
    (again,) = await store.due_deliveries()
    assert (again.attempts, again.reason, again.nonce) == (1, "503 Service Unavailable", "abc123")

    await store.mark_sent(delivery.id, 987654321, at=T0 + timedelta(minutes=1))
    assert await store.due_deliveries() == []
    (sub,) = await store.guild_subscriptions(GUILD)
    assert sub.last_delivery_at == T0 + timedelta(minutes=1)
    assert (await store.outbox_counts()).sent == 1


async def test_disabling_fails_what_the_channel_had_queued(store: Store) -> None:
    saved, _ = await store.save_subscription(subscription())
    await queue_one_new_event(store)
    await store.disable_subscription(saved.id, "404 Not Found: Unknown Channel")
    assert await store.due_deliveries() == []
    (sub,) = await store.guild_subscriptions(GUILD)
    assert sub.state is SubscriptionState.DISABLED
    assert sub.last_failure == "404 Not Found: Unknown Channel"
    assert (await store.outbox_counts()).failed == 1


async def test_a_failed_delivery_shows_on_its_subscription(store: Store) -> None:
    await store.save_subscription(subscription())
    await queue_one_new_event(store)
    (delivery,) = await store.due_deliveries()
    await store.mark_failed(delivery.id, "server not allowed")
    (sub,) = await store.guild_subscriptions(GUILD)
    assert sub.state is SubscriptionState.ACTIVE
    assert sub.last_failure == "server not allowed"


async def test_pruning_forgets_only_finished_history(store: Store) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    await queue_one_new_event(store)
    first, second = await store.due_deliveries()
    await store.mark_sent(first.id, 1, at=T0)
    assert await store.prune(T0 + timedelta(days=30)) == 1  # the sent one; the event stays
    (left,) = await store.due_deliveries()
    assert left.id == second.id


async def test_pruning_forgets_subscriptions_stopped_long_ago(store: Store) -> None:
    stopped, _ = await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    await store.disable_subscription(stopped.id, "the channel was deleted", at=T0)
    assert await store.prune(T0) == 0  # not older than the cut-off yet
    await store.prune(T0 + timedelta(days=15))
    assert [s.channel_id for s in await store.guild_subscriptions(GUILD)] == [CHANNEL + 1]
