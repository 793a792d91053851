"""What ``scout-bot db`` does for operators: upgrade the schema, tell its revision, and copy
a whole database to another (a team moving from SQLite to PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, Table, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import migrations
from bot.store.engine import StoreError, connect_engine
from bot.store.schema import meta, metadata

COPY_BATCH = 1000
# Rows of ``meta`` that belong to the database itself, not to what the bot stored in it.
_OWN_META_KEYS = ("schema_version",)


async def upgrade(url: str) -> migrations.Migrated:
    engine, shown = connect_engine(url)
    try:
        async with engine.begin() as conn:
            return await migrations.upgrade(conn)
    except (migrations.SchemaTooNew, migrations.NotOurDatabase) as exc:
        raise StoreError(f"{shown}: {exc}") from None
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot migrate the database {shown}: {exc}") from exc
    finally:
        await engine.dispose()


async def current(url: str) -> str | None:
    engine, shown = connect_engine(url)
    try:
        async with engine.connect() as conn:
            return await migrations.current(conn)
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot read the database {shown}: {exc}") from exc
    finally:
        await engine.dispose()


async def copy(
    source_url: str, target_url: str, *, report: Callable[[str, int], None] = lambda *_: None
) -> dict[str, int]:
    """Copy every row from ``source_url`` into ``target_url``, which must hold no data.

    Both are upgraded to the newest schema first, so a SQLite file of any version can be
    moved. The copy is one transaction on the target: it is whole or not at all. Returns
    the rows copied per table.
    """
    await upgrade(source_url)
    await upgrade(target_url)
    source, source_shown = connect_engine(source_url)
    target, target_shown = connect_engine(target_url)
    try:
        async with source.connect() as reading, target.begin() as writing:
            await _refuse_data_in(writing, target_shown)
            copied = {}
            for table in metadata.sorted_tables:
                copied[table.name] = await _copy_table(reading, writing, table)
                report(table.name, copied[table.name])
            if writing.dialect.name == "postgresql":
                await _advance_sequences(writing)
        return copied
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"copying {source_shown} to {target_shown} failed: {exc}") from exc
    finally:
        await source.dispose()
        await target.dispose()


async def _refuse_data_in(conn: AsyncConnection, shown: str) -> None:
    for table in metadata.sorted_tables:
        query = select(func.count()).select_from(table)
        if table is meta:
            query = query.where(meta.c.key.not_in(_OWN_META_KEYS))
        if (await conn.execute(query)).scalar_one():
            raise StoreError(
                f"{shown} already holds data (table {table.name}); copy only into a new, "
                "empty database"
            )


async def _copy_table(reading: AsyncConnection, writing: AsyncConnection, table: Table) -> int:
    query = select(table)
    if table is meta:
        query = query.where(meta.c.key.not_in(_OWN_META_KEYS))
    copied = 0
    result = await reading.stream(query.execution_options(yield_per=COPY_BATCH))
    async for batch in result.partitions(COPY_BATCH):
        await writing.execute(insert(table), [dict(row._mapping) for row in batch])
        copied += len(batch)
    return copied


async def _advance_sequences(conn: AsyncConnection) -> None:
    """Rows keep their ids; PostgreSQL's id sequences must then start after them."""
    for table in metadata.sorted_tables:
        key = table.c.get("id")
        if key is None or not isinstance(key.type, Integer) or not key.primary_key:
            continue
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'coalesce(max(id), 1), max(id) IS NOT NULL) FROM "{table.name}"'
            )
        )
