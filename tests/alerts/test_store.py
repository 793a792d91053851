"""The store on a real SQLite file: schema, subscriptions, snapshot and outbox."""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.neocp import AlertFilter, EventKind, EventSelection, diff_snapshot, start_tracking
from bot.store import (
    DeliveryState,
    NewSubscription,
    Store,
    StoreError,
    SubscriptionState,
    async_url,
)
from bot.store.schema import SCHEMA_VERSION
from tests.alerts.helpers import T0, scout_object

GUILD = 111
CHANNEL = 222


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path}/bot.db")
    yield opened
    await opened.close()


def subscription(channel_id: int = CHANNEL, **thresholds: object) -> NewSubscription:
    return NewSubscription(
        guild_id=GUILD,
        channel_id=channel_id,
        filter=AlertFilter.model_validate(thresholds),
        mention_role_id=None,
        created_by=42,
    )


# --- opening ----------------------------------------------------------------------------


def test_urls_are_turned_into_the_async_driver() -> None:
    assert str(async_url("sqlite:///data/scoutbot.db")) == "sqlite+aiosqlite:///data/scoutbot.db"
    assert str(async_url("sqlite:////var/lib/x.db")) == "sqlite+aiosqlite:////var/lib/x.db"
    assert async_url("postgresql://u:p@db/scout").drivername == "postgresql+asyncpg"
    with pytest.raises(StoreError, match="unsupported database"):
        async_url("mysql://db/scout")


async def test_the_default_relative_url_creates_its_directory_in_the_working_directory(
    tmp_path: Path,
) -> None:
    # conftest makes tmp_path the working directory.
    opened = await Store.open("sqlite:///data/scoutbot.db")
    await opened.close()
    assert (tmp_path / "data" / "scoutbot.db").is_file()


async def test_a_new_database_gets_the_schema_version(tmp_path: Path) -> None:
    opened = await Store.open(f"sqlite:///{tmp_path}/v.db")
    await opened.close()
    with sqlite3.connect(tmp_path / "v.db") as db:
        version = db.execute("select value from meta where key='schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)


async def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/keep.db"
    first = await Store.open(url)
    await first.save_subscription(subscription())
    await first.close()
    second = await Store.open(url)
    assert await second.count_subscriptions() == 1
    await second.close()


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    await (await Store.open(url)).close()
    with sqlite3.connect(tmp_path / "new.db") as db:
        db.execute("update meta set value='99' where key='schema_version'")
    with pytest.raises(StoreError, match="schema version 99"):
        await Store.open(url)


async def test_a_missing_driver_is_a_clear_error() -> None:
    if importlib.util.find_spec("asyncpg") is not None:
        pytest.skip("asyncpg is installed here")
    with pytest.raises(StoreError, match="driver for postgresql\\+asyncpg is not installed"):
        await Store.open("postgresql://scout@localhost/scout")


async def test_an_unusable_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError):
        await Store.open(f"sqlite:///{tmp_path}/file/bot.db")


# --- subscriptions ----------------------------------------------------------------------


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


# --- snapshot and outbox ----------------------------------------------------------------


async def queue_one_new_event(store: Store, designation: str = "P21new") -> int:
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    result = diff_snapshot(snapshot.objects, [scout_object("A"), scout_object(designation)], now=T0)
    return await store.record_poll(result.snapshot, result.events, at=T0)


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
