"""/alerts status tells when a poll has been running too long, instead of "last poll ok"."""

from __future__ import annotations

import asyncio

import discord

from bot.alerts.watcher import AlertWatcher
from bot.health import ServiceHealth
from bot.render.alerts import status_embed
from bot.scout.models import Summary
from bot.store import OutboxCounts, Store
from tests import recorded
from tests.alerts.helpers import FakeSender, make_watcher
from tests.fakes import FakeClock


class StuckScout:
    """A Scout whose answer to the summary does not come until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.asked = asyncio.Event()

    async def summary(self, *, fresh: bool = False) -> Summary:
        self.asked.set()
        await self.release.wait()
        return recorded.summary()


def status_of(watcher: AlertWatcher, now: FakeClock) -> discord.Embed:
    return status_embed(
        watcher.status,
        running=True,
        subscriptions=0,
        outbox=OutboxCounts(),
        scout=ServiceHealth("JPL Scout"),
        now=now.utc(),
    )


async def test_status_says_a_poll_is_running_too_long_and_clears_when_it_ends(
    store: Store,
) -> None:
    scout, clock = StuckScout(), FakeClock()
    watcher = make_watcher(
        store, scout, FakeSender(), clock, guilds=[], poll_interval_seconds=60, jitter_seconds=0
    )
    cycle = asyncio.create_task(watcher.run_cycle())
    await scout.asked.wait()

    clock.advance(seconds=30)
    assert "running" not in str(status_of(watcher, clock).description)  # not yet too long

    clock.advance(seconds=60)
    stuck = status_of(watcher, clock)
    assert "A poll has been running since" in str(stuck.description)
    assert stuck.colour != discord.Colour.green()
    assert "not yet" in stuck.fields[0].value  # no poll has finished: none is called "ok"

    scout.release.set()
    await cycle
    done = status_of(watcher, clock)
    assert "running" not in str(done.description)
    assert done.colour == discord.Colour.green()
    assert watcher.status.last_poll_ok is True
