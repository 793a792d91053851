"""A small in-memory cache: per-entry TTL, LRU eviction, and invalidation by ``lastRun``.

Scout recomputes an object when new observations arrive and stamps the result with
``lastRun``. Everything cached about an object (record, plots, orbits, files,
ephemerides) is tagged with the ``lastRun`` it was computed from; as soon as the bot
learns a newer one (from the summary or any object answer) those entries are dropped.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Plots are Base64 PNGs of tens to hundreds of kilobytes and 1000-orbit answers are a few
# hundred kilobytes, so the entry count alone would not bound memory well. Sizes are those
# of Scout's answers as sent; the parsed models take a few times that.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


@dataclass
class _Entry:
    value: Any
    expires_at: float
    designation: str | None
    last_run: datetime | None
    size: int


class ScoutCache:
    def __init__(
        self,
        max_entries: int,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._last_runs: dict[str, datetime] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable) -> Any | None:
        """The fresh value for ``key`` (and mark it recently used), or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= self._clock() or self._outdated(entry):
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.value

    def put(
        self,
        key: Hashable,
        value: Any,
        ttl: float,
        *,
        designation: str | None = None,
        last_run: datetime | None = None,
        size: int = 0,
    ) -> None:
        if designation is not None and last_run is not None:
            self.note_last_run(designation, last_run)
        if ttl <= 0 or size > self.max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = _Entry(value, self._clock() + ttl, designation, last_run, size)
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._drop(oldest)

    def note_last_run(self, designation: str, last_run: datetime | None) -> None:
        """Scout recomputed ``designation`` at ``last_run``: forget older answers about it."""
        if last_run is None:
            return
        known = self._last_runs.get(designation)
        if known is not None and known >= last_run:
            return
        self._last_runs[designation] = last_run
        stale = [
            key
            for key, entry in self._entries.items()
            if entry.designation == designation
            and entry.last_run is not None
            and entry.last_run < last_run
        ]
        for key in stale:
            self._drop(key)

    def forget_objects_not_in(self, designations: set[str]) -> None:
        """Drop what is known about objects that left the NEOCP (their designations recur)."""
        for designation in set(self._last_runs) - designations:
            del self._last_runs[designation]

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self._last_runs.clear()

    def _outdated(self, entry: _Entry) -> bool:
        if entry.designation is None or entry.last_run is None:
            return False
        latest = self._last_runs.get(entry.designation)
        return latest is not None and latest > entry.last_run

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size
