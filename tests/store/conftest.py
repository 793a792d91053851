"""The store on a real SQLite file, and on PostgreSQL when one is configured (tests/postgres.py),
opened fresh for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Store


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    yield opened
    await opened.close()
