"""A heartbeat file the running bot keeps fresh, and ``scout-bot health`` reads.

A container's HEALTHCHECK runs in a process of its own, so it cannot ask the bot; the bot
writes what it knows instead: every few seconds, whether its Discord gateway is connected
and whether each background loop still runs. The file going stale (the process hung, or
its event loop blocked) is as much a failure as a problem written in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

WRITE_EVERY = timedelta(seconds=15)
# Stale after a few missed writes: a blocked event loop writes nothing.
STALE_AFTER = timedelta(seconds=60)
# Discord drops gateway connections now and then and the bot resumes within seconds; only
# a longer outage is unhealthy.
GATEWAY_GRACE = timedelta(seconds=90)

# What a loop says when asked: None if it runs as it should, else what is wrong.
LoopCheck = Callable[[datetime], str | None]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Reading:
    """What ``scout-bot health`` concludes: healthy or not, and one line saying why."""

    healthy: bool
    message: str


class Heartbeat:
    def __init__(self, path: Path, *, clock: Callable[[], datetime] = _now) -> None:
        self.path = path
        self._clock = clock
        self._loops: dict[str, LoopCheck] = {}
        self._connected = False
        self._disconnected_since: datetime | None = clock()
        self._task: asyncio.Task[None] | None = None

    # --- what the bot tells it ------------------------------------------------------------

    def gateway_connected(self) -> None:
        self._connected = True
        self._disconnected_since = None
        self._write_if_running()

    def gateway_disconnected(self) -> None:
        if self._connected or self._disconnected_since is None:
            self._disconnected_since = self._clock()
        self._connected = False
        self._write_if_running()

    def watch_loop(self, name: str, check: LoopCheck) -> None:
        self._loops[name] = check

    def forget_loop(self, name: str) -> None:
        self._loops.pop(name, None)

    # --- what it writes -------------------------------------------------------------------

    def problems(self) -> list[str]:
        now = self._clock()
        found = []
        if not self._connected and self._disconnected_since is not None:
            down = now - self._disconnected_since
            if down > GATEWAY_GRACE:
                found.append(f"Discord gateway not connected for {down.total_seconds():.0f} s")
        for name, check in sorted(self._loops.items()):
            problem = check(now)
            if problem is not None:
                found.append(f"{name}: {problem}")
        return found

    def write(self) -> None:
        state = {
            "at": self._clock().isoformat(),
            "pid": os.getpid(),
            "gateway_connected": self._connected,
            "loops": sorted(self._loops),
            "problems": self.problems(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file.
        with tempfile.NamedTemporaryFile(
            "w", dir=self.path.parent, prefix=".heartbeat-", delete=False
        ) as handle:
            json.dump(state, handle)
        Path(handle.name).replace(self.path)

    async def run(self) -> None:
        while True:
            self._write_logging_failure()
            await asyncio.sleep(WRITE_EVERY.total_seconds())

    def _write_if_running(self) -> None:
        # A change is written at once rather than at the next beat.
        if self._task is not None:
            self._write_logging_failure()

    def _write_logging_failure(self) -> None:
        try:
            self.write()
        except OSError as exc:
            log.warning("could not write the heartbeat file %s: %s", self.path, exc)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="scoutbot-heartbeat")

    async def stop(self) -> None:
        """Stop writing and remove the file: a stopped bot is not a healthy one."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(OSError):
            self.path.unlink()


def read_health(path: Path, *, now: datetime | None = None) -> Reading:
    """Healthy if the heartbeat is fresh and lists no problem."""
    now = now or _now()
    try:
        state = json.loads(path.read_text())
        written = datetime.fromisoformat(state["at"])
        problems = [str(problem) for problem in state["problems"]]
    except FileNotFoundError:
        return Reading(False, f"no heartbeat at {path}: the bot is not running (or still starting)")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Reading(False, f"heartbeat {path} unreadable: {exc}")
    age = now - written
    if age > STALE_AFTER:
        return Reading(False, f"heartbeat is {age.total_seconds():.0f} s old: the bot is stuck")
    if problems:
        return Reading(False, "; ".join(problems))
    loops = ", ".join(state.get("loops") or []) or "no background loops"
    return Reading(True, f"ok: gateway connected, running {loops}")
