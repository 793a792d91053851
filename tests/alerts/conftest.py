"""The alert tests' bot: a store on each configured database, a watcher, a fake Scout listing
FIRST and a fake Discord, with one subscription (HERE)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.alerts.helpers import FIRST, HERE, Bot, FakeSender
from tests.fakes import FakeClock, FakeScout


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Bot]:
    running = Bot(url=database_url, scout=FakeScout(FIRST), sender=FakeSender(), clock=FakeClock())
    await running.start()
    await running.subscribe(HERE)
    yield running
    assert running.store is not None
    await running.store.close()
