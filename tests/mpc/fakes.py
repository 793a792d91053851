"""A clock that moves only when told to, so no test waits or depends on the machine's speed."""

from __future__ import annotations

import asyncio

# An arbitrary wall-clock epoch (2023-11-14) for Discord's <t:...:R> timestamps.
WALL_OFFSET = 1_700_000_000.0


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []
        # While set and closed, every sleeper stays asleep: requests queue up behind it.
        self.gate: asyncio.Event | None = None

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now + WALL_OFFSET

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        """What asyncio.sleep would do, instantly: time passes, nothing waits."""
        self.slept.append(seconds)
        if self.gate is not None:
            await self.gate.wait()
        else:
            await asyncio.sleep(0)  # still let other tasks run, as a real sleep would
        self.now += seconds
