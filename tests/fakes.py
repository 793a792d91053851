"""The fakes every test package shares: one clock and one scripted Scout.

One ``FakeClock`` for every test: time moves only when a test advances it or code
sleeps. Production code takes its time sources as arguments; a test hands over the
reading it needs:

- ``clock.monotonic``: seconds for timeouts, TTLs, rate limits (``time.monotonic``);
- ``clock.wall``: epoch seconds, for Discord's ``<t:...:R>`` timestamps (``time.time``);
- ``clock.utc``: an aware datetime, for what is stored and shown (``datetime.now(UTC)``);
- ``clock.sleep``: ``asyncio.sleep`` that returns at once, having moved the clock.

All readings move together. ``SchedulingClock`` is the same clock for code whose point
is *when* it acts: its sleepers really wait until the test lets time run.

``FakeScout`` stands in for the Scout client where only the list matters (the watcher,
/alerts preview): each ``summary()`` gives the next scripted answer.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta

from bot.scout.models import Summary

# An arbitrary moment (a July evening, when observers are out) and monotonic origin.
T0 = datetime(2026, 7, 12, 19, 30, tzinfo=UTC)
MONOTONIC_START = 1000.0


class FakeClock:
    """Time that moves only when told to, read as monotonic, wall or UTC time."""

    def __init__(self, start: datetime = T0) -> None:
        self.start = start
        self.elapsed = 0.0
        self.slept: list[float] = []
        # While set and not yet released, every sleeper stays asleep: callers queue up.
        self.gate: asyncio.Event | None = None

    def monotonic(self) -> float:
        return MONOTONIC_START + self.elapsed

    def wall(self) -> float:
        return self.start.timestamp() + self.elapsed

    def utc(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def advance(self, seconds: float = 0.0, **units: float) -> None:
        """Move time on: ``advance(30)`` or ``advance(minutes=5)``."""
        self.elapsed += seconds + timedelta(**units).total_seconds()

    async def sleep(self, seconds: float) -> None:
        """What asyncio.sleep would do, instantly: time passes, nothing waits."""
        self.slept.append(seconds)
        if self.gate is not None:
            await self.gate.wait()
        else:
            await asyncio.sleep(0)  # still let other tasks run, as a real sleep would
        self.elapsed += seconds


class SchedulingClock(FakeClock):
    """A clock whose sleepers really wait, until ``settle`` runs everything that can run
    and then jumps to the next sleeper's wake-up: for code whose point is *when* it acts
    (coalescing, pacing), where an instant sleep would hide the order of events."""

    def __init__(self, start: datetime = T0) -> None:
        super().__init__(start)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.elapsed + seconds, next(self._order), wake))
        await wake

    async def settle(self) -> None:
        """Let everything runnable run; wake sleepers in order until none is left."""
        while True:
            for _ in range(20):
                await asyncio.sleep(0)
            if not self._sleepers:
                return
            at, _, wake = heapq.heappop(self._sleepers)
            self.elapsed = max(self.elapsed, at)
            wake.set_result(None)


class FakeScout:
    """Answers each summary() with the next scripted answer (a Summary or an exception)."""

    def __init__(self, *answers: Summary | BaseException) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.fresh_calls = 0

    def then(self, *answers: Summary | BaseException) -> FakeScout:
        """Script the next answers; the last one repeats once they are used up."""
        self.answers.extend(answers)
        return self

    def background(self) -> FakeScout:
        """The watcher's lane to Scout (the real client keeps it apart from commands')."""
        return self

    async def summary(self, *, fresh: bool = False) -> Summary:
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        self.fresh_calls += fresh
        if isinstance(answer, BaseException):
            raise answer
        return answer
