"""``database.url`` as operators write it, turned into what SQLAlchemy's async engine needs.

Operators paste what their provider hands out: ``postgres://`` (Heroku, Render, Fly),
``postgresql://...?sslmode=require`` (every managed PostgreSQL), sometimes with an explicit
driver. The bare forms get asyncpg (the ``postgres`` extra); an explicit async driver is
kept; a synchronous one is refused, since the bot is async throughout.

asyncpg takes libpq's connection parameters (``sslmode``, ``sslrootcert``, ...) only in a
DSN, never as keyword arguments, which is how SQLAlchemy passes a URL's query (hence the
``TypeError`` an operator saw). So for asyncpg the engine connects with the DSN itself.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

EXAMPLES = "sqlite:///data/scoutbot.db or postgresql://user:password@host/database"

# What each accepted scheme becomes, and the module that driver needs.
_ASYNC_DRIVERS = {
    "sqlite": ("sqlite+aiosqlite", "aiosqlite"),
    "sqlite+aiosqlite": ("sqlite+aiosqlite", "aiosqlite"),
    "postgres": ("postgresql+asyncpg", "asyncpg"),
    "postgresql": ("postgresql+asyncpg", "asyncpg"),
    "postgres+asyncpg": ("postgresql+asyncpg", "asyncpg"),
    "postgresql+asyncpg": ("postgresql+asyncpg", "asyncpg"),
    "postgresql+psycopg": ("postgresql+psycopg", "psycopg"),
    "postgres+psycopg": ("postgresql+psycopg", "psycopg"),
    "postgresql+psycopg_async": ("postgresql+psycopg", "psycopg"),
}
_SYNC_DRIVERS = {
    "postgresql+psycopg2",
    "postgresql+pg8000",
    "postgresql+pygresql",
    "sqlite+pysqlite",
}
_INSTALL_HINT = {
    "asyncpg": "install scout-bot with its postgres extra: pip install 'scout-bot[postgres]' "
    "(the container image has it)",
    "psycopg": "install psycopg (pip install 'psycopg[binary]'), or write postgresql:// to use "
    "asyncpg, the driver scout-bot ships",
    "aiosqlite": "reinstall scout-bot",
}
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@]*@")


class DatabaseUrlError(ValueError):
    """``database.url`` cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class DatabaseTarget:
    """Where the store connects: the SQLAlchemy URL and how to make its engine."""

    url: URL
    engine_options: dict[str, Any] = field(default_factory=dict)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def masked(self) -> str:
        return self.url.render_as_string(hide_password=True)


def parse_database_url(text: str) -> URL:
    """The URL with its async driver; DatabaseUrlError if scout-bot cannot use it."""
    try:
        parsed = make_url(text.strip())
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL; write it like {EXAMPLES}") from None
    scheme = parsed.drivername.lower()
    if scheme in _SYNC_DRIVERS:
        raise DatabaseUrlError(
            f"{scheme} is a synchronous driver and scout-bot is async: write "
            "postgresql:// (asyncpg) or postgresql+psycopg:// instead"
            if parsed.get_backend_name().startswith("postgres")
            else f"{scheme} is a synchronous driver: write sqlite:///path instead"
        )
    if scheme not in _ASYNC_DRIVERS:
        raise DatabaseUrlError(
            f"unsupported database {scheme!r}: scout-bot runs on SQLite or PostgreSQL ({EXAMPLES})"
        )
    drivername, _ = _ASYNC_DRIVERS[scheme]
    if drivername.startswith("sqlite") and not parsed.database:
        raise DatabaseUrlError("a SQLite URL needs a file: sqlite:///data/scoutbot.db")
    return parsed.set(drivername=drivername)


def driver_missing(url: URL) -> str | None:
    """Why the driver ``url`` needs cannot be used here, or None if it is installed."""
    module = _module_of(url)
    if importlib.util.find_spec(module) is not None:
        return None
    return (
        f"the {module} driver that {url.drivername} needs is not installed; {_INSTALL_HINT[module]}"
    )


def database_target(text: str) -> DatabaseTarget:
    """What the store's engine is made from. Raises DatabaseUrlError."""
    url = parse_database_url(text)
    missing = driver_missing(url)
    if missing is not None:
        raise DatabaseUrlError(missing)
    if url.drivername != "postgresql+asyncpg":
        return DatabaseTarget(url)
    return DatabaseTarget(
        url.set(query={}),
        {"async_creator": _asyncpg_connector(libpq_dsn(url))},
    )


def libpq_dsn(url: URL) -> str:
    """The URL as libpq (and asyncpg's DSN parser) reads it, query included."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def mask_url(text: str) -> str:
    """``text`` with any password replaced by ``***``, parseable or not."""
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _PASSWORD_IN_URL.sub(r"\1***@", text)


def _module_of(url: URL) -> str:
    for drivername, module in _ASYNC_DRIVERS.values():
        if drivername == url.drivername:
            return module
    raise DatabaseUrlError(f"unsupported database driver {url.drivername!r}")


def _asyncpg_connector(dsn: str) -> Callable[[], Awaitable[Any]]:
    async def connect() -> Any:
        import asyncpg

        return await asyncpg.connect(dsn)

    return connect
