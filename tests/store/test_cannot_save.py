"""A database that refuses changes (read-only, disk full): users are told the bot cannot
save right now, the log says so once when it starts and once when it recovers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DBAPIError, InternalError

from bot.error_answers import explain_error
from bot.errors import CannotSave
from bot.neocp import AlertFilter
from bot.store import NewSubscription, Store
from tests.alerts.helpers import FakeSender, make_watcher
from tests.fakes import FakeClock, FakeScout
from tests.postgres import throwaway_schema
from tests.recorded import summary

GUILD = 1001


class ReadOnlySwitch:
    """Makes every connection the store takes read-only while ``on`` (SQLite's query_only:
    writes fail with "attempt to write a readonly database", as on a read-only file)."""

    def __init__(self, store: Store) -> None:
        self.on = False
        event.listen(store._db.engine.sync_engine, "checkout", self._checkout)

    def _checkout(self, dbapi_connection: Any, *_: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA query_only={int(self.on)}")
        cursor.close()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path / 'bot.db'}")
    yield opened
    await opened.close()


def subscription(channel_id: int) -> NewSubscription:
    return NewSubscription(
        guild_id=GUILD,
        channel_id=channel_id,
        filter=AlertFilter(),
        mention_role_id=None,
        created_by=5,
    )


def database_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.store.engine"]


async def test_saving_fails_with_a_sentence_and_one_line_until_it_works_again(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    switch = ReadOnlySwitch(store)
    switch.on = True

    with caplog.at_level(logging.INFO):
        for channel in (11, 12, 13):
            with pytest.raises(CannotSave) as caught:
                await store.save_subscription(subscription(channel))
        switch.on = False
        await store.save_subscription(subscription(14))
        await store.save_subscription(subscription(15))

    shown = explain_error(caught.value)
    assert shown is not None and "can't save anything right now" in shown
    assert "readonly" not in shown  # the cause is for the operator's log
    [failing, recovered] = database_lines(caplog)
    assert failing.levelno == logging.ERROR and failing.exc_info is None
    assert str(tmp_path / "bot.db") in failing.getMessage()
    assert "readonly database" in failing.getMessage()
    assert "saving works again" in recovered.getMessage()
    assert [s.channel_id for s in await store.guild_subscriptions(GUILD)] == [14, 15]


async def test_the_watcher_says_why_it_could_not_save_without_a_traceback(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    watcher = make_watcher(
        store,
        FakeScout(summary()),
        FakeSender(),
        FakeClock(),
        guilds=[GUILD],
        poll_interval_seconds=60,
        jitter_seconds=0,
    )
    ReadOnlySwitch(store).on = True

    with caplog.at_level(logging.INFO):
        await watcher.run_cycle()
        await watcher.run_cycle()

    assert watcher.status.last_poll_ok is False
    assert "cannot save to the database: attempt to write a readonly database" in (
        watcher.status.last_error or ""
    )
    assert all(record.exc_info is None for record in caplog.records)
    assert len(database_lines(caplog)) == 1


def asyncpg_error(error: Exception) -> DBAPIError:
    """A PostgreSQL error as it reaches the store: asyncpg's exception, adapted by
    SQLAlchemy's asyncpg dialect (its cause kept), wrapped in SQLAlchemy's DBAPIError."""
    adapted = AsyncAdapt_asyncpg_dbapi.Error(str(error), error)
    adapted.__cause__ = error
    return DBAPIError.instance("INSERT INTO subscriptions ...", {}, adapted, Exception)


class PsycopgReadOnly(Exception):
    """psycopg's ReadOnlySqlTransaction, as far as the store looks at it."""

    sqlstate = "25006"


REFUSALS = {
    "asyncpg disk full (53100)": asyncpg_error(
        asyncpg.exceptions.DiskFullError("could not extend file: No space left on device")
    ),
    "asyncpg read-only transaction (25006)": asyncpg_error(
        asyncpg.exceptions.ReadOnlySQLTransactionError(
            "cannot execute INSERT in a read-only transaction"
        )
    ),
    "asyncpg I/O error (58030)": asyncpg_error(
        asyncpg.exceptions.PostgresIOError("could not write to file: Input/output error")
    ),
    "psycopg read-only transaction, an InternalError": InternalError.instance(
        "INSERT ...",
        {},
        PsycopgReadOnly("cannot execute INSERT in a read-only transaction"),
        Exception,
    ),
}


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
async def test_postgresql_refusing_changes_is_the_same_answer_and_one_line(
    store: Store, refusal: DBAPIError, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            with pytest.raises(CannotSave) as caught:
                async with store._db.writing():
                    raise refusal

    shown = explain_error(caught.value)
    assert shown is not None and "can't save anything right now" in shown
    [line] = database_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None
    assert str(refusal.orig) in line.getMessage()
    assert "\n" not in line.getMessage()


async def test_a_statement_postgresql_refuses_for_itself_is_not_a_database_that_cannot_save(
    store: Store,
) -> None:
    duplicate = asyncpg_error(asyncpg.exceptions.UniqueViolationError("duplicate key value"))
    with pytest.raises(DBAPIError) as caught:
        async with store._db.writing():
            raise duplicate
    assert caught.value is duplicate


async def test_a_read_only_postgresql_gets_the_cannot_save_answer() -> None:
    """A real server whose transactions are read-only (as a hot standby's after a
    failover): the driver's own error, end to end."""
    async with throwaway_schema() as url:
        store = await Store.open(url)
        read_only = False

        def begin(conn: Any) -> None:
            if read_only:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")

        event.listen(store._db.engine.sync_engine, "begin", begin)
        try:
            read_only = True
            with pytest.raises(CannotSave) as caught:
                await store.save_subscription(subscription(11))
            assert "read-only transaction" in caught.value.detail
            read_only = False
            await store.save_subscription(subscription(12))
        finally:
            await store.close()
