from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import hypothesis  # noqa: F401  (see below)
import pytest

from bot.health import UpstreamHealth
from bot.http import make_http_client
from bot.store import Store
from tests.fakes import FakeClock
from tests.postgres import database_url as database_url  # the fixture, for every test

# Import hypothesis before any test runs. On CPython 3.11.7, after SQLAlchemy's greenlets
# have run, ast.parse can fail with "AST constructor recursion depth mismatch"
# (CPython gh-106905, fixed in 3.11.8); pytest's assertion rewriting parses hypothesis
# when its plugin first imports it at the end of a session that did not use it yet.

REPO = Path(__file__).resolve().parent.parent
# Recorded upstream payloads, copied from the project's shared/fixtures so that a clone
# of this repository alone can run its tests (tests/test_fixtures_copy.py keeps them equal).
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's token, overrides or config.toml."""
    for name in list(os.environ):
        if name.startswith("SCOUTBOT_") or name == "DISCORD_TOKEN":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def health() -> UpstreamHealth:
    return UpstreamHealth()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The bot's own shared client, as the services get it (mock it with respx)."""
    client = make_http_client()
    yield client
    await client.aclose()


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A fresh store on SQLite, and on PostgreSQL too when one is configured (tests/postgres.py)."""
    opened = await Store.open(database_url)
    yield opened
    await opened.close()
