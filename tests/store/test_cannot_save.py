"""A database that refuses changes (read-only, disk full): users are told the bot cannot
save right now, the log says so once when it starts and once when it recovers."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.alerts.watcher import AlertWatcher
from bot.client import explain_error
from bot.config import AlertsSettings
from bot.errors import CannotSave
from bot.guilds import GuildPolicy
from bot.neocp import AlertFilter
from bot.store import NewSubscription, Store
from tests.alerts.helpers import FakeSender
from tests.fakes import FakeClock, FakeScout
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
    watcher = AlertWatcher(
        source=FakeScout(summary()),
        store=store,
        sender=FakeSender(),
        policy=GuildPolicy([GUILD]),
        settings=AlertsSettings(poll_interval_seconds=60, jitter_seconds=0),
        clock=FakeClock().utc,
        rng=random.Random(7),
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
