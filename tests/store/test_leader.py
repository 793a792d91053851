"""Two instances, one bot: on PostgreSQL only the holder of the leader lock polls and posts,
and another takes over when it goes; on SQLite the one process is always the leader."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.alerts.watcher import AlertWatcher
from bot.database_url import libpq_dsn, parse_database_url
from bot.store import Store
from bot.store.leader import AdvisoryLeadership
from tests.alerts.helpers import FakeSender, make_watcher
from tests.builders import scout_object, summary_of
from tests.fakes import FakeClock, FakeScout
from tests.postgres import throwaway_schema
from tests.store.helpers import GUILD, subscription


@pytest.fixture
async def shared_url() -> AsyncIterator[str]:
    async with throwaway_schema() as url:
        yield url


def leader_session(store: Store) -> AsyncConnection:
    leadership = store.leadership
    assert isinstance(leadership, AdvisoryLeadership)
    assert leadership._session is not None, "it leads"
    return leadership._session


async def end_leader_session(store: Store, url: str) -> None:
    """Drop the leader's database session from the server side (a network cut, a failover
    of the database, an operator's pg_terminate_backend)."""
    pid = (await leader_session(store).exec_driver_sql("SELECT pg_backend_pid()")).scalar()
    admin = await asyncpg.connect(libpq_dsn(parse_database_url(url).set(query={})))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_the_only_process_on_a_sqlite_file_always_leads(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path}/bot.db")
    try:
        assert await store.leadership.hold()
        assert await store.leadership.hold()
    finally:
        await store.close()


async def test_one_instance_leads_and_another_takes_over_when_it_stops(shared_url: str) -> None:
    first, second = await Store.open(shared_url), await Store.open(shared_url)
    try:
        assert await first.leadership.hold()
        assert not await second.leadership.hold()
        assert await first.leadership.hold(), "the leader keeps the lock cycle after cycle"
        await first.close()
        assert await second.leadership.hold()
    finally:
        await second.close()


async def test_a_leader_whose_session_dies_stops_leading_and_another_takes_over(
    shared_url: str,
) -> None:
    first, second = await Store.open(shared_url), await Store.open(shared_url)
    try:
        assert await first.leadership.hold()
        await end_leader_session(first, shared_url)
        assert await second.leadership.hold()
        assert not await first.leadership.hold(), "it noticed, and the lock is taken"
    finally:
        await first.close()
        await second.close()


async def test_bots_in_other_schemas_of_the_same_database_do_not_contend(shared_url: str) -> None:
    async with throwaway_schema() as elsewhere:
        here, there = await Store.open(shared_url), await Store.open(elsewhere)
        try:
            assert await here.leadership.hold()
            assert await there.leadership.hold()
        finally:
            await here.close()
            await there.close()


async def test_two_watchers_post_every_alert_once_across_a_handover(shared_url: str) -> None:
    a, b, c = (scout_object(name) for name in ("P21aaaa", "P21bbbb", "P21cccc"))
    discord = FakeSender()  # one Discord for both instances
    clock = FakeClock()

    async def instance(scout: FakeScout) -> tuple[Store, FakeScout, AlertWatcher]:
        store = await Store.open(shared_url)
        return store, scout, make_watcher(store, scout, discord, clock, guilds=[GUILD])

    (first_store, _first_scout, first), (second_store, second_scout, second) = (
        await instance(FakeScout(summary_of([a])).then(summary_of([a, b]))),
        # Scout's list moves on while the standby waits: it starts from what is listed then.
        await instance(FakeScout(summary_of([a, b, c]))),
    )
    try:
        for channel in (10, 11, 12):
            await first_store.save_subscription(subscription(channel_id=channel))
        for _ in range(2):  # the first list, then P21bbbb
            clock.advance(minutes=2)
            await first.run_cycle()
            await second.run_cycle()
        assert (first.leading, second.leading) == (True, False)
        assert second_scout.calls == 0, "the standby never asks Scout"
        assert second.last_cycle_at == clock.utc()

        await first_store.close()  # the leader goes away
        for _ in range(2):
            clock.advance(minutes=2)
            await second.run_cycle()
        assert second.leading
        posted = discord.posted()
        assert sorted(posted) == sorted([("new", "P21bbbb")] * 3 + [("new", "P21cccc")] * 3), (
            "every channel got every alert, once"
        )
    finally:
        await first_store.close()
        await second_store.close()


async def test_a_leader_whose_lock_went_with_its_session_posts_nothing_more(
    shared_url: str,
) -> None:
    a, b = scout_object("P21aaaa"), scout_object("P21bbbb")
    discord, clock = FakeSender(), FakeClock()
    first_store, second_store = await Store.open(shared_url), await Store.open(shared_url)
    first = make_watcher(
        first_store,
        FakeScout(summary_of([a])).then(summary_of([a, b])),
        discord,
        clock,
        guilds=[GUILD],
    )
    second = make_watcher(
        second_store, FakeScout(summary_of([a, b])), discord, clock, guilds=[GUILD]
    )
    try:
        for channel in (10, 11, 12):
            await first_store.save_subscription(subscription(channel_id=channel))
        await first.run_cycle()  # the first list
        clock.advance(minutes=2)
        await first.poll_cycle()  # P21bbbb queued for three channels, not posted yet
        await end_leader_session(first_store, shared_url)
        await second.poll_cycle()  # the standby leads now

        assert await first.deliver_round() is None, "the old leader stops at once"
        assert discord.posted() == []
        assert not first.leading
        await second.deliver_round()
        assert discord.posted() == [("new", "P21bbbb")] * 3
    finally:
        await first_store.close()
        await second_store.close()


async def test_a_leader_notices_its_lock_gone_even_while_its_session_lives(
    shared_url: str,
) -> None:
    first, second = await Store.open(shared_url), await Store.open(shared_url)
    try:
        assert await first.leadership.hold()
        assert await first.leadership.still_held()
        session = leader_session(first)
        await session.exec_driver_sql("SELECT pg_advisory_unlock_all()")
        await session.commit()
        assert await second.leadership.hold()

        assert not await first.leadership.still_held()
        assert not await first.leadership.hold(), "the lock is the other's now"
    finally:
        await first.close()
        await second.close()
