"""A summary with malformed rows: the readable rows are used, the bad ones change nothing.

A new object is alerted although another row is malformed; a tracked object whose row
turns unreadable is neither updated nor removed; a poll where most rows are unreadable
changes nothing at all. /alerts status shows how many rows were skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.alerts.watcher import AlertWatcher
from bot.neocp import AlertFilter
from bot.scout.models import ScoutObject, Summary, UnreadableRow
from bot.store import NewSubscription, Store
from tests.alerts.helpers import FakeSender, make_watcher
from tests.builders import scout_object
from tests.fakes import FakeClock, FakeScout

GUILD, CHANNEL = 1001, 11
A, B, C = (scout_object(name) for name in ("P21aaaa", "P21bbbb", "P21cccc"))


def listing(objects: list[ScoutObject], *unreadable: str | None) -> Summary:
    rows = tuple(
        UnreadableRow(designation=name, reason="lastRun: not a date") for name in unreadable
    )
    return Summary(
        signature={"version": "1.3"},
        count=len(objects) + len(rows),
        objects=objects,
        unreadable=rows,
    )


@dataclass
class Watched:
    scout: FakeScout
    sender: FakeSender
    store: Store
    watcher: AlertWatcher
    clock: FakeClock

    async def polls(self, *summaries: Summary) -> None:
        for summary in summaries:
            self.scout.then(summary)
            self.clock.advance(minutes=2)
            await self.watcher.run_cycle()


@pytest.fixture
async def watched(tmp_path: Path) -> AsyncIterator[Watched]:
    store = await Store.open(f"sqlite:///{tmp_path}/alerts.db")
    await store.save_subscription(
        NewSubscription(
            guild_id=GUILD,
            channel_id=CHANNEL,
            filter=AlertFilter(),
            mention_role_id=None,
            created_by=5,
        )
    )
    scout, sender, clock = FakeScout(listing([A, B])), FakeSender(), FakeClock()
    watcher = make_watcher(
        store, scout, sender, clock, guilds=[GUILD], poll_interval_seconds=60, jitter_seconds=0
    )
    clock.advance(minutes=1)
    await watcher.run_cycle()  # the first list: A and B tracked
    yield Watched(scout, sender, store, watcher, clock)
    await store.close()


async def test_a_new_object_is_alerted_although_another_row_is_malformed(
    watched: Watched,
) -> None:
    await watched.polls(listing([A, B, C], "P21zzzz"))

    assert watched.sender.posted() == [("new", "P21cccc")]
    status = watched.watcher.status
    assert status.last_poll_ok is True
    assert "1 unreadable rows skipped" in (status.last_poll_note or "")


async def test_a_tracked_object_whose_row_turns_unreadable_is_not_removed(
    watched: Watched,
) -> None:
    await watched.polls(*[listing([A], "P21bbbb")] * 3, listing([A, B]))

    assert watched.sender.posted() == []
    snapshot = await watched.store.load_snapshot()
    assert {tracked.designation for tracked in snapshot.objects} == {"P21aaaa", "P21bbbb"}


async def test_a_row_without_a_readable_designation_holds_removals_back(
    watched: Watched,
) -> None:
    await watched.polls(*[listing([A, C], None)] * 3)
    assert watched.sender.posted() == [("new", "P21cccc")]  # B may be the unreadable row

    await watched.polls(listing([A, C]), listing([A, C]))  # read whole: B is gone
    assert watched.sender.posted() == [("new", "P21cccc"), ("removed", "P21bbbb")]


async def test_a_poll_where_most_rows_are_unreadable_changes_nothing(watched: Watched) -> None:
    before = await watched.store.load_snapshot()

    await watched.polls(listing([C], "P21aaaa", None), listing([C], "P21aaaa", None))

    assert await watched.store.load_snapshot() == before
    assert watched.sender.posted() == []
    status = watched.watcher.status
    assert status.last_poll_ok is False
    assert "2 of 3 rows unreadable" in (status.last_poll_note or "")
