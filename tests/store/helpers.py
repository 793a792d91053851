"""Builders shared by the store tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.neocp import AlertFilter, NeocpEvent, diff_snapshot, start_tracking
from bot.neocp.filters import recipients
from bot.store import NewSubscription, Store, schema
from tests.builders import scout_object
from tests.fakes import T0

GUILD = 111
CHANNEL = 222


def subscription(channel_id: int = CHANNEL, **thresholds: object) -> NewSubscription:
    return NewSubscription(
        guild_id=GUILD,
        channel_id=channel_id,
        filter=AlertFilter.model_validate(thresholds),
        mention_role_id=None,
        created_by=42,
    )


async def queue_one_new_event(store: Store, designation: str = "P21new") -> int:
    await store.record_first_poll(start_tracking([scout_object("A")], now=T0), at=T0)
    snapshot = await store.load_snapshot()
    result = diff_snapshot(snapshot.objects, [scout_object("A"), scout_object(designation)], now=T0)
    return await store.record_poll(result.changes, await chosen(store, result.events), at=T0)


async def chosen(store: Store, events: Sequence[NeocpEvent]) -> list[tuple[NeocpEvent, list[int]]]:
    """Each event with the subscriptions that want it, as the watcher chooses them."""
    filters = [(s.id, s.filter) for s in await store.active_subscriptions()]
    return [(event, recipients(event, filters)) for event in events]


@asynccontextmanager
async def database_before(
    tmp_path: Path, version: str, *, without: Collection[Table]
) -> AsyncIterator[AsyncEngine]:
    """A SQLite database as schema ``version`` left it: today's tables but ``without``."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/v{version}.db")
    old_tables = [t for t in schema.metadata.sorted_tables if t not in without]
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: schema.metadata.create_all(sync, tables=old_tables))
        await connection.execute(schema.meta.insert().values(key="schema_version", value=version))
    try:
        yield engine
    finally:
        await engine.dispose()
