"""A real PostgreSQL for the store, watcher and alert tests, when one is configured.

``SCOUTBOT_TEST_DATABASE_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``) names a
database the tests may use; CI sets it. Without it the PostgreSQL cases skip, saying so;
with it, a server that cannot be reached FAILS them: a CI that quietly skipped its
PostgreSQL tests would pass without having tested anything.

Several developers run the suite at once against one server, so each test (or e2e module)
works in a schema of its own, made for it and dropped afterwards, and nothing outside it is
touched. The bot reaches it through the URL (``?search_path=...``, which asyncpg passes to
the server as a setting).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.database_url import libpq_dsn, mask_url, parse_database_url

ENV_VAR = "SCOUTBOT_TEST_DATABASE_URL"
# Read at import: tests/conftest.py clears every SCOUTBOT_* variable before each test.
CONFIGURED_URL = os.environ.get(ENV_VAR, "").strip() or None
NOT_CONFIGURED = (
    f"PostgreSQL not configured: set {ENV_VAR} (e.g. postgresql://postgres@127.0.0.1:5432/test) "
    "to run this case on PostgreSQL too"
)
SCHEMA_PREFIX = "scoutbot_test_"
CONNECT_TIMEOUT_SECONDS = 10.0


def postgres_configured() -> bool:
    return CONFIGURED_URL is not None


async def _admin_connection() -> Any:
    import asyncpg

    assert CONFIGURED_URL is not None
    dsn = libpq_dsn(parse_database_url(CONFIGURED_URL).set(query={}))
    try:
        return await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        pytest.fail(
            f"{ENV_VAR} is set but PostgreSQL at {mask_url(CONFIGURED_URL)} cannot be used: "
            f"{type(exc).__name__}: {exc}",
            pytrace=False,
        )


def schema_url(schema: str) -> str:
    """The configured URL, with the bot's tables in ``schema``."""
    assert CONFIGURED_URL is not None
    url = make_url(CONFIGURED_URL)
    return url.update_query_dict({"search_path": schema}).render_as_string(hide_password=False)


@asynccontextmanager
async def throwaway_schema() -> AsyncIterator[str]:
    """A new empty schema; yields a database.url that puts the bot's tables in it."""
    if CONFIGURED_URL is None:
        pytest.skip(NOT_CONFIGURED)
    schema = f"{SCHEMA_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    admin = await _admin_connection()
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await admin.close()
    try:
        yield schema_url(schema)
    finally:
        admin = await _admin_connection()
        try:
            # Never wait forever on a connection a failed test left open.
            await admin.execute("SET lock_timeout = '20s'")
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await admin.close()


async def database_url_for(backend: str, tmp_path: Any) -> AsyncIterator[str]:
    """The body of the ``database_url`` fixtures: a SQLite file, or a PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/bot.db"
        return
    async with throwaway_schema() as url:
        yield url


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """A fresh database for one test: SQLite, then PostgreSQL when configured."""
    async for url in database_url_for(request.param, tmp_path):
        yield url
