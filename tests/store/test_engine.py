"""Opening the database: URLs, schema version, clear errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.store import (
    Store,
    StoreError,
    async_url,
)
from tests.store.helpers import subscription


def test_urls_are_turned_into_the_async_driver() -> None:
    assert str(async_url("sqlite:///data/scoutbot.db")) == "sqlite+aiosqlite:///data/scoutbot.db"
    assert str(async_url("sqlite:////var/lib/x.db")) == "sqlite+aiosqlite:////var/lib/x.db"
    assert async_url("postgresql://u:p@db/scout").drivername == "postgresql+asyncpg"
    with pytest.raises(StoreError, match="unsupported database"):
        async_url("mysql://db/scout")


async def test_the_default_relative_url_creates_its_directory_in_the_working_directory(
    tmp_path: Path,
) -> None:
    # conftest makes tmp_path the working directory.
    opened = await Store.open("sqlite:///data/scoutbot.db")
    await opened.close()
    assert (tmp_path / "data" / "scoutbot.db").is_file()


async def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/keep.db"
    first = await Store.open(url)
    await first.save_subscription(subscription())
    await first.close()
    second = await Store.open(url)
    assert await second.count_subscriptions() == 1
    await second.close()


async def test_an_unusable_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError):
        await Store.open(f"sqlite:///{tmp_path}/file/bot.db")


async def test_opening_a_database_logs_no_warning(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # PostgreSQL used to be sent SQLite's "PRAGMA journal_mode=WAL" (and warn) at every start.
    with caplog.at_level(logging.WARNING):
        opened = await Store.open(database_url)
        await opened.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
