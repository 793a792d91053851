"""The database connection: the engine, SQLite's settings, migration at open, and the one
way to write (a transaction under the write lock).

SQLAlchemy's async Core over aiosqlite or asyncpg; nothing here is SQLite-only without a
PostgreSQL branch beside it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.database_url import DatabaseTarget, DatabaseUrlError, database_target, parse_database_url
from bot.errors import CannotSave
from bot.store import migrations
from bot.store.single_process import AlreadyInUse, FileLock, lock_database_file

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says what to fix."""


def async_url(url: str) -> URL:
    """The async driver's form of ``database.url`` (as operators write it)."""
    try:
        return parse_database_url(url)
    except DatabaseUrlError as exc:
        raise StoreError(f"database.url: {exc}") from None


class Database:
    """The engine and the write lock every write of the bot goes through."""

    def __init__(self, engine: AsyncEngine, file_lock: FileLock | None = None) -> None:
        self.engine = engine
        self._file_lock = file_lock
        # SQLite allows one writer; serialising our own writes avoids "database is locked"
        # when a command and the watcher write at the same moment.
        self._write_lock = asyncio.Lock()
        self._cannot_save: str | None = None  # why saving fails, while it does

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """One transaction under the write lock: committed on leaving, rolled back on error.

        A database that refuses changes (disk full, read-only, an I/O error) raises
        CannotSave, which users are shown as such; the log gets one line when saving
        starts failing and one when it works again, not one per attempt.
        """
        try:
            async with self._write_lock, self.engine.begin() as conn:
                yield conn
        except (DBAPIError, OSError) as exc:
            if not refuses_changes(exc):
                raise
            self._saving_failed(database_error(exc))
            raise CannotSave(database_error(exc)) from None
        self._saving_works()

    def _saving_failed(self, cause: str) -> None:
        if self._cannot_save is None:
            log.error("database %s: cannot save: %s", safe_url(self.engine.url), cause)
        self._cannot_save = cause

    def _saving_works(self) -> None:
        if self._cannot_save is not None:
            log.warning("database %s: saving works again", safe_url(self.engine.url))
            self._cannot_save = None

    def reading(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return self.engine.connect()

    async def close(self) -> None:
        await self.engine.dispose()
        if self._file_lock is not None:
            self._file_lock.release()


def connect_engine(url: str) -> tuple[AsyncEngine, str]:
    """An engine for ``database.url`` (nothing run on it yet) and the URL to show, masked."""
    try:
        database = database_target(url)
    except DatabaseUrlError as exc:
        raise StoreError(str(exc)) from None
    shown = safe_url(database.url)
    try:
        return _make_engine(database), shown
    except OSError as exc:
        raise StoreError(f"cannot create the database {shown}: {exc}") from None


async def open_database(url: str) -> Database:
    """Open (creating on first run) and migrate the database at ``url``."""
    engine, shown = connect_engine(url)
    file_lock = None
    try:
        file_lock = _lock_if_sqlite_file(engine)
        async with engine.begin() as conn:
            migrated = await migrations.upgrade(conn)
    except (migrations.SchemaTooNew, AlreadyInUse) as exc:
        await _give_up(engine, file_lock)
        raise StoreError(str(exc)) from None
    except migrations.NotOurDatabase as exc:
        await _give_up(engine, file_lock)
        raise StoreError(f"refusing the database {shown}: {exc}") from None
    except (SQLAlchemyError, OSError) as exc:
        await _give_up(engine, file_lock)
        raise StoreError(f"cannot open the database {shown}: {database_error(exc)}") from None
    if engine.dialect.name == "sqlite" and _sqlite_path(engine.url) is not None:
        await _use_wal(engine)
    if migrated.changed:
        log.info("database %s: schema %s -> %s", shown, migrated.before or "new", migrated.after)
    return Database(engine, file_lock)


def _lock_if_sqlite_file(engine: AsyncEngine) -> FileLock | None:
    if engine.dialect.name != "sqlite":
        return None
    path = _sqlite_path(engine.url)
    return None if path is None else lock_database_file(path)


async def _give_up(engine: AsyncEngine, file_lock: FileLock | None) -> None:
    """Leave nothing behind: not even the lock file beside a database that was refused."""
    await engine.dispose()
    if file_lock is not None:
        file_lock.release(remove=True)


def safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _sqlite_path(url: URL) -> Path | None:
    """The database file, or None for an in-memory database."""
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        return None
    return Path(url.database)


def _make_engine(database: DatabaseTarget) -> AsyncEngine:
    url = database.url
    if database.backend != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **database.engine_options)
    path = _sqlite_path(url)
    if path is None:
        # One shared connection, or every connection would see its own empty database.
        engine = create_async_engine(url, poolclass=StaticPool)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


async def _use_wal(engine: AsyncEngine) -> None:
    """Readers (commands) need not wait for the watcher's writes. Set once the database
    is known to be ours (WAL is kept in the file), never on another application's."""
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    except (SQLAlchemyError, OSError) as exc:
        log.warning("database: could not switch to WAL (%s); going on without", database_error(exc))


# PostgreSQL's SQLSTATEs for a database that refuses changes whatever the statement: class
# 53 (insufficient resources: 53100 disk full, 53200 out of memory), class 58 (system
# error: 58030 I/O error) and 25006 (a read-only transaction: a hot standby, or
# default_transaction_read_only after a failover). asyncpg's errors reach us wrapped by
# SQLAlchemy as a plain DBAPIError (psycopg's as OperationalError or InternalError), so
# the code is read from the driver's exception rather than from SQLAlchemy's class.
_REFUSING_CLASSES = ("53", "58")
_READ_ONLY = "25006"


def refuses_changes(exc: BaseException) -> bool:
    """Does this error mean the database cannot save anything now (rather than that this
    statement is wrong)? SQLite says so with OperationalError (read-only file, disk full,
    I/O error); PostgreSQL with its SQLSTATE."""
    if isinstance(exc, OSError | OperationalError):
        return True
    state = sqlstate(exc)
    return state is not None and (state.startswith(_REFUSING_CLASSES) or state == _READ_ONLY)


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE of a driver error, however SQLAlchemy wrapped it (asyncpg's
    ``sqlstate`` on the adapted error or its cause; psycopg's ``sqlstate`` or ``pgcode``)."""
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        for attribute in ("sqlstate", "pgcode"):
            code = getattr(candidate, attribute, None)
            if isinstance(code, str) and code:
                return code
    return None


def database_error(exc: BaseException) -> str:
    """The driver's own words, on one line: without SQLAlchemy's statement, parameters and
    "Background on this error at: https://sqlalche.me/..." link."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    text = text.split("\n(Background on this error", 1)[0]
    return " ".join(text.split()) or type(exc).__name__
