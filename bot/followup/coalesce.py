"""Coalescing of alert-message edits: a burst of presses becomes few edits.

Discord limits edits per channel (a handful every few seconds) and an observer gains
nothing from seeing ten intermediate states. So a message is edited at most once every
``per_message_seconds`` and a channel at most once every ``per_channel_seconds``; presses
in between only mark the message stale, and the one edit that follows renders the state
*at that moment* (the last state wins). Asyncio only; no Discord here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NamedTuple

log = logging.getLogger(__name__)

Edit = Callable[[], Awaitable[None]]


class MessageRef(NamedTuple):
    channel_id: int
    message_id: int


@dataclass
class EditPlanner:
    """When the next edit of a message may run, given the edits already made (pure)."""

    per_message_seconds: float = 5.0
    per_channel_seconds: float = 1.25
    _message_edits: dict[MessageRef, float] = field(default_factory=dict)
    _channel_edits: dict[int, float] = field(default_factory=dict)

    def earliest(self, ref: MessageRef, now: float) -> float:
        after_message = self._message_edits.get(ref, float("-inf")) + self.per_message_seconds
        after_channel = (
            self._channel_edits.get(ref.channel_id, float("-inf")) + self.per_channel_seconds
        )
        return max(now, after_message, after_channel)

    def record(self, ref: MessageRef, at: float) -> None:
        self._message_edits[ref] = at
        self._channel_edits[ref.channel_id] = at

    def forget_before(self, moment: float) -> None:
        """Drop what can no longer delay anything (keeps the maps small over months)."""
        horizon = moment - max(self.per_message_seconds, self.per_channel_seconds)
        for ref in [ref for ref, at in self._message_edits.items() if at < horizon]:
            del self._message_edits[ref]
        for channel in [c for c, at in self._channel_edits.items() if at < horizon]:
            del self._channel_edits[channel]


class EditCoalescer:
    """Runs the latest requested edit of each message, no sooner than the planner allows."""

    def __init__(
        self,
        planner: EditPlanner | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.planner = planner or EditPlanner()
        self._clock = clock
        self._sleep = sleep
        self._latest: dict[MessageRef, Edit] = {}
        self._tasks: dict[MessageRef, asyncio.Task[None]] = {}
        self._channel_locks: dict[int, asyncio.Lock] = {}
        self.edits_run = 0

    def request(self, ref: MessageRef, edit: Edit) -> None:
        """Ask for the message to be brought up to date; replaces any edit still waiting."""
        self._latest[ref] = edit
        if ref not in self._tasks:
            self._tasks[ref] = asyncio.create_task(self._run(ref), name=f"followup-edit-{ref[1]}")

    @property
    def waiting(self) -> int:
        return len(self._latest)

    async def idle(self) -> None:
        """Wait until every requested edit has run (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        """Stop without running what waits: the store keeps the state, and the next press
        (or the next start) renders it."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
        self._tasks.clear()
        self._latest.clear()

    async def _run(self, ref: MessageRef) -> None:
        try:
            while ref in self._latest:
                await self._wait_turn(ref)
                lock = self._channel_locks.setdefault(ref.channel_id, asyncio.Lock())
                async with lock:
                    if self.planner.earliest(ref, self._clock()) > self._clock():
                        continue  # another message of the channel went first
                    edit = self._latest.pop(ref)
                    self.planner.record(ref, self._clock())
                    self.edits_run += 1
                    try:
                        await edit()
                    except Exception:
                        # One failed edit must not stop later ones; the next press retries.
                        log.exception("editing message %d in channel %d failed", ref[1], ref[0])
        finally:
            self._tasks.pop(ref, None)
            self.planner.forget_before(self._clock())

    async def _wait_turn(self, ref: MessageRef) -> None:
        now = self._clock()
        wait = self.planner.earliest(ref, now) - now
        if wait > 0:
            await self._sleep(wait)
