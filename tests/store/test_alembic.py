"""Migrations with Alembic: a new database, files written by earlier scout-bot code upgraded
in place, a database from the future refused, processes starting at once, `scout-bot db`."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from bot.store import Store, StoreError, admin, migrations
from bot.store.engine import connect_engine
from bot.store.schema import metadata
from tests.postgres import throwaway_schema
from tests.store.helpers import subscription

DATA = Path(__file__).parent / "data"


def schema_differences(sync: Connection) -> list[object]:
    return [
        difference
        for difference in compare_metadata(MigrationContext.configure(sync), metadata)
        if not _sqlite_cannot_make_filter_not_null(sync, difference)
    ]


def _sqlite_cannot_make_filter_not_null(sync: Connection, difference: object) -> bool:
    # Revision 0004 adds subscriptions.filter to an existing table: SQLite cannot then make
    # it NOT NULL without copying the table, which would cascade-delete the outbox. The
    # store always writes it.
    return (
        sync.dialect.name == "sqlite"
        and isinstance(difference, list)
        and difference[0][0] == "modify_nullable"
        and difference[0][2:4] == ("subscriptions", "filter")
    )


async def test_a_new_database_is_at_the_newest_revision_and_matches_the_code(
    database_url: str,
) -> None:
    store = await Store.open(database_url)
    await store.close()
    assert await admin.current(database_url) == migrations.head()
    engine, _ = connect_engine(database_url)
    try:
        async with engine.connect() as conn:
            # schema.py (what the code queries) and the revisions (what the database has)
            # must agree: a change to one without the other fails here.
            assert await conn.run_sync(schema_differences) == []
    finally:
        await engine.dispose()


@pytest.mark.parametrize("made_by", ["scoutbot-v1.db", "scoutbot-v3.db"])
async def test_a_file_from_the_hand_written_runner_is_upgraded_in_place(
    made_by: str, tmp_path: Path
) -> None:
    path = tmp_path / "bot.db"
    shutil.copy(DATA / made_by, path)
    url = f"sqlite:///{path}"
    assert await admin.current(url) is None  # no Alembic revision yet

    store = await Store.open(url)
    try:
        [kept] = await store.guild_subscriptions(111)
        assert (kept.channel_id, kept.filter.min_neo_score) == (222, 50)
        snapshot = await store.load_snapshot()
        assert snapshot.initialised
        assert {tracked.designation for tracked in snapshot.objects} == {"P21aaaa", "P21bbbb"}
        counts = await store.outbox_counts()
        # The sent alert is not queued again (revision 0005 carries over only what was
        # still queued; the history of sent ones stayed with the old outbox).
        assert counts.pending == 0
        await store.save_subscription(subscription(channel_id=333))  # and it takes writes
    finally:
        await store.close()

    assert await admin.current(url) == migrations.head()
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
        version = db.execute("select value from meta where key='schema_version'").fetchone()
    assert {"sites", "member_sites", "followup_statuses", "alembic_version"} <= tables
    # scout-bot from before Alembic reads this as "newer than I know" and refuses the file.
    assert version == (migrations.LEGACY_REFUSAL_VERSION,)


async def test_reopening_an_upgraded_database_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    shutil.copy(DATA / "scoutbot-v1.db", path)
    url = f"sqlite:///{path}"
    first = await admin.upgrade(url)
    again = await admin.upgrade(url)
    assert (first.before, first.after) == ("0001", migrations.head())
    assert not again.changed


async def test_a_database_from_a_newer_scout_bot_is_refused_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    await (await Store.open(url)).close()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        db.execute("update alembic_version set version_num = '9999_future'")
    with pytest.raises(StoreError, match="revision 9999_future, newer than this scout-bot"):
        await Store.open(url)
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("select version_num from alembic_version").fetchone() == ("9999_future",)


async def test_a_legacy_version_this_code_never_had_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    shutil.copy(DATA / "scoutbot-v1.db", path)
    with sqlite3.connect(path) as db:
        db.execute("update meta set value = '42' where key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 42"):
        await Store.open(f"sqlite:///{path}")


async def test_processes_opening_a_new_postgresql_database_at_once_all_start() -> None:
    async with throwaway_schema() as url:
        stores = await asyncio.gather(*(Store.open(url) for _ in range(3)))
        try:
            assert await admin.current(url) == migrations.head()
        finally:
            for store in stores:
                await store.close()


# --- scout-bot db copy --------------------------------------------------------------------


async def test_copy_moves_everything_from_a_sqlite_file_to_a_new_database(
    tmp_path: Path, database_url: str
) -> None:
    source = tmp_path / "old.db"
    shutil.copy(DATA / "scoutbot-v1.db", source)
    reported: list[tuple[str, int]] = []
    copied = await admin.copy(
        f"sqlite:///{source}", database_url, report=lambda t, n: reported.append((t, n))
    )
    assert copied["subscriptions"] == 1
    assert copied["snapshot_objects"] == 2
    assert copied["messages"] == 0  # nothing was still queued
    assert copied["meta"] == 1  # snapshot_initialised_at; the schema version is the target's
    assert [table for table, _ in reported] == [table.name for table in metadata.sorted_tables]

    store = await Store.open(database_url)
    try:
        [moved] = await store.guild_subscriptions(111)
        assert moved.channel_id == 222
        assert (await store.load_snapshot()).initialised
        assert (await store.outbox_counts()).pending == 0
        # New rows get new ids after the copied ones (PostgreSQL's sequences moved on).
        added, _ = await store.save_subscription(subscription(channel_id=333))
        assert added.id > moved.id
    finally:
        await store.close()


async def test_copy_refuses_a_target_that_holds_data(tmp_path: Path) -> None:
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copy(DATA / "scoutbot-v3.db", source)
    shutil.copy(DATA / "scoutbot-v1.db", target)
    with pytest.raises(StoreError, match="already holds data"):
        await admin.copy(f"sqlite:///{source}", f"sqlite:///{target}")
