"""The snapshot and the outbox: a poll writes what changed and queues a message per channel,
messages walk their states, pruning forgets a batch at a time."""

from __future__ import annotations

from datetime import timedelta

from bot.followup import ObjectKey
from bot.neocp import EventKind, EventSelection, TrackedObject, diff_snapshot, start_tracking
from bot.store import DeliveryState, OutboxRow, Store, SubscriptionState
from tests.builders import scout_object
from tests.fakes import T0
from tests.store.helpers import CHANNEL, GUILD, chosen, queue_one_new_event, subscription


def followup_key(tracked: TrackedObject) -> ObjectKey:
    return ObjectKey(designation=tracked.designation, first_seen=tracked.first_seen)


async def due(store: Store) -> list[OutboxRow]:
    return (await store.due_messages()).rows


async def test_the_snapshot_round_trips_with_its_keys(store: Store) -> None:
    assert not (await store.load_snapshot()).initialised
    objects = start_tracking([scout_object("A", nObs=9), scout_object("B")], now=T0)
    await store.record_first_poll(objects, at=T0)
    loaded = await store.load_snapshot()
    assert loaded.initialised
    assert loaded.objects == objects
    assert loaded.objects[0].first_seen.tzinfo is not None


async def test_a_poll_writes_only_the_objects_that_changed_appeared_or_left(
    store: Store,
) -> None:
    listed = [scout_object(name) for name in ("A", "B", "C")]
    await store.record_first_poll(start_tracking(listed, now=T0), at=T0)
    snapshot = await store.load_snapshot()
    now = T0 + timedelta(minutes=2)
    # B gains observations, C is gone (confirmed at once here), D is new, A is as it was.
    current = [listed[0], scout_object("B", nObs=9), scout_object("D")]
    result = diff_snapshot(snapshot.objects, current, now=now, removal_confirmations=1)
    assert [t.designation for t in result.changes.changed] == ["B"]
    assert [t.designation for t in result.changes.added] == ["D"]
    assert [t.designation for t in result.changes.removed] == ["C"]

    await store.record_poll(result.changes, [], at=now)

    assert (await store.load_snapshot()).objects == tuple(
        sorted(result.snapshot, key=lambda t: t.designation)
    )


async def test_a_poll_queues_one_message_per_channel_wanting_any_event(store: Store) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1, min_pha_score=50))
    await store.save_subscription(subscription(CHANNEL + 2, events=EventSelection.NEW_REMOVALS))
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    current = [scout_object("A", nObs=9), scout_object("N1"), scout_object("N2")]
    result = diff_snapshot(snapshot.objects, current, now=T0)

    queued = await store.record_poll(result.changes, await chosen(store, result.events), at=T0)

    assert queued == 2  # CHANNEL (3 events) and CHANNEL + 2 (the 2 new): one message each
    rows = await due(store)
    assert sorted(r.target.channel_id for r in rows) == [CHANNEL, CHANNEL + 2]
    assert all(r.state is DeliveryState.PENDING and r.nonce is None for r in rows)
    everything = next(r for r in rows if r.target.channel_id == CHANNEL)
    events = await store.events(everything.event_ids)
    assert sorted(e.kind for e in events.values()) == [
        EventKind.NEW,
        EventKind.NEW,
        EventKind.UPDATED,
    ]


async def test_a_significant_new_object_is_queued_apart_from_the_channels_digest(
    store: Store,
) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    current = [scout_object("A", nObs=9), scout_object("N1"), scout_object("RISKY", rating=2)]
    result = diff_snapshot(snapshot.objects, current, now=T0)

    queued = await store.record_poll(result.changes, await chosen(store, result.events), at=T0)

    assert queued == 2
    own, digest = await due(store)
    assert own.id < digest.id, "the significant object's message goes first"
    assert [e.designation for e in (await store.events(own.event_ids)).values()] == ["RISKY"]
    assert sorted(e.designation for e in (await store.events(digest.event_ids)).values()) == [
        "A",
        "N1",
    ]


async def test_an_update_of_an_object_with_an_open_thread_goes_to_that_thread(
    store: Store,
) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    [tracked] = snapshot.objects
    # A's alert in CHANNEL has its thread; CHANNEL + 1 has none for it.
    alert = await store.remember_alert_message(
        guild_id=GUILD, channel_id=CHANNEL, message_id=9001, key=followup_key(tracked), at=T0
    )
    await store.thread_opened(alert.message_id, 9001)
    current = [scout_object("A", nObs=9), scout_object("N1")]
    result = diff_snapshot(snapshot.objects, current, now=T0)

    queued = await store.record_poll(result.changes, await chosen(store, result.events), at=T0)

    assert queued == 3
    by_target = {
        (r.target.channel_id, r.target.thread_id): sorted(
            e.designation for e in (await store.events(r.event_ids)).values()
        )
        for r in await due(store)
    }
    assert by_target == {
        (CHANNEL, None): ["N1"],  # the new object
        (CHANNEL, 9001): ["A"],  # A's update, in its thread
        (CHANNEL + 1, None): ["A", "N1"],
    }


async def test_the_store_queues_for_the_subscriptions_it_is_given_not_by_their_filters(
    store: Store,
) -> None:
    picky, _ = await store.save_subscription(subscription(CHANNEL, min_neo_score=100))
    await store.save_subscription(subscription(CHANNEL + 1))
    gone, _ = await store.save_subscription(subscription(CHANNEL + 2))
    await store.remove_subscription(GUILD, CHANNEL + 2)
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    result = diff_snapshot(snapshot.objects, [scout_object("A"), scout_object("B")], now=T0)
    (new,) = result.events

    # The watcher chose the picky channel only (and one unsubscribed since).
    queued = await store.record_poll(result.changes, [(new, [picky.id, gone.id])], at=T0)

    assert queued == 1
    assert [r.subscription.id for r in await due(store)] == [picky.id]


async def test_channels_owed_the_same_events_share_one_digest(store: Store) -> None:
    for offset in range(3):
        await store.save_subscription(subscription(CHANNEL + offset))
    await queue_one_new_event(store)
    rows = await due(store)
    assert len(rows) == 3
    assert len({r.event_ids for r in rows}) == 1


async def test_a_message_walks_pending_posting_sent(store: Store) -> None:
    await store.save_subscription(subscription())
    await queue_one_new_event(store)
    (row,) = await due(store)

    assert await store.claim([row.id], "abc123") == [row.id]
    (again,) = await due(store)
    assert (again.state, again.nonce) == (DeliveryState.POSTING, "abc123")
    assert await store.claim([row.id], "other") == []  # claimed once only

    await store.mark_retry([row.id], "503 Service Unavailable")
    (again,) = await due(store)
    assert (again.attempts, again.reason, again.nonce) == (1, "503 Service Unavailable", "abc123")

    await store.mark_sent([row.id], 987654321, at=T0 + timedelta(minutes=1))
    assert await due(store) == []
    (sub,) = await store.guild_subscriptions(GUILD)
    assert sub.last_delivery_at == T0 + timedelta(minutes=1)
    assert (await store.outbox_counts()).sent == 1


async def test_an_interrupted_message_is_taken_over_only_as_it_was_read(store: Store) -> None:
    await store.save_subscription(subscription())
    await queue_one_new_event(store)
    (row,) = await due(store)
    await store.claim([row.id], "abc123", at=T0)  # and then its poster died
    (interrupted,) = await due(store)
    assert interrupted.touched_at == T0
    later = T0 + timedelta(minutes=1)

    assert await store.resume([row.id], "other", seen_at=T0, at=later) == []
    assert await store.resume([row.id], "abc123", seen_at=T0, at=later) == [row.id]
    assert await store.resume([row.id], "abc123", seen_at=T0, at=later) == [], (
        "taken over once: it has changed since it was read"
    )
    (resumed,) = await due(store)
    assert (resumed.state, resumed.nonce, resumed.touched_at) == (
        DeliveryState.POSTING,
        "abc123",
        later,
    )


async def test_disabling_fails_what_the_channel_had_queued(store: Store) -> None:
    saved, _ = await store.save_subscription(subscription())
    await queue_one_new_event(store)
    await store.disable_subscription(saved.id, "404 Not Found: Unknown Channel")
    assert await due(store) == []
    (sub,) = await store.guild_subscriptions(GUILD)
    assert sub.state is SubscriptionState.DISABLED
    assert sub.last_failure == "404 Not Found: Unknown Channel"
    assert (await store.outbox_counts()).failed == 1


async def test_a_failed_message_shows_on_its_subscription(store: Store) -> None:
    await store.save_subscription(subscription())
    await queue_one_new_event(store)
    (row,) = await due(store)
    await store.mark_failed([row.id], "server not allowed")
    (sub,) = await store.guild_subscriptions(GUILD)
    assert sub.state is SubscriptionState.ACTIVE
    assert sub.last_failure == "server not allowed"


async def test_pruning_forgets_only_finished_history(store: Store) -> None:
    await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    await queue_one_new_event(store)
    first, second = await due(store)
    await store.mark_sent([first.id], 1, at=T0)
    assert await store.prune(T0 + timedelta(days=30)) == 1  # the sent one; the event stays
    (left,) = await due(store)
    assert left.id == second.id
    assert (await store.events(left.event_ids)).keys() == set(left.event_ids)


async def test_history_is_bounded_by_size_and_pruned_a_batch_at_a_time(store: Store) -> None:
    await store.save_subscription(subscription(CHANNEL))
    for poll in range(6):
        await queue_one_new_event(store, f"P21n{poll:03d}")
    for row in await due(store):
        await store.mark_sent([row.id], row.id, at=T0)
    assert (await store.outbox_counts()).sent == 6

    # Young history, but more than the 2 messages kept: 2 go per call (the batch).
    removed = await store.prune(T0 - timedelta(days=1), keep_messages=2, keep_events=2, batch=2)
    assert removed >= 2
    assert (await store.outbox_counts()).sent == 4
    while await store.prune(T0 - timedelta(days=1), keep_messages=2, keep_events=2, batch=2):
        pass
    assert (await store.outbox_counts()).sent == 2


async def test_pruning_forgets_subscriptions_stopped_long_ago(store: Store) -> None:
    stopped, _ = await store.save_subscription(subscription(CHANNEL))
    await store.save_subscription(subscription(CHANNEL + 1))
    await store.disable_subscription(stopped.id, "the channel was deleted", at=T0)
    assert await store.prune(T0) == 0  # not older than the cut-off yet
    await store.prune(T0 + timedelta(days=15))
    assert [s.channel_id for s in await store.guild_subscriptions(GUILD)] == [CHANNEL + 1]
