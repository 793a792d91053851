"""Every end-to-end alert test of test_alerts.py again, the bot's store on PostgreSQL.

The same scenarios (subscribe, new/updated/removed, faults, a crash mid-post, a restart, a
channel that forbids posting) with their own fakes and bot process; the store lives in a
schema of its own in the database that SCOUTBOT_TEST_DATABASE_URL names (tests/postgres.py).
Skipped, saying why, when no PostgreSQL is configured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.e2e import test_alerts
from tests.e2e.test_alerts import *  # noqa: F403  (the scenarios, collected here again)
from tests.postgres import throwaway_schema


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot_env() -> AsyncIterator[dict[str, str]]:
    async with throwaway_schema() as url:
        yield {**test_alerts.bot_env.__wrapped__(), "SCOUTBOT_DATABASE__URL": url}  # type: ignore[attr-defined]
