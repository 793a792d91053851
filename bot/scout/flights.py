"""Single flight: callers asking the same thing at once share one fetch, and a fetch lives
only as long as someone waits for it.

The shared fetch runs as a task of its own, shielded from each caller: one that gives up (a
Discord interaction that times out) does not cancel it for the others. When the last one
gives up, nobody needs it any more, so it is cancelled at once: a fetch left running on its
own would go on retrying a failing Scout after the bot has stopped, with the HTTP client
closed under it (the watcher's poll, cancelled at shutdown, did exactly that).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long closing waits for cancelled fetches to unwind before it names them in the log.
CLOSE_GRACE_SECONDS = 2.0


@dataclass
class _Fetch:
    key: Hashable
    task: asyncio.Task[Any]
    waiters: int = 0


class SharedFetches:
    """The fetches under way, by key."""

    def __init__(self, name: str) -> None:
        self._name = name  # what the fetches' tasks are called, for the log at shutdown
        self._fetches: dict[Hashable, _Fetch] = {}

    def __len__(self) -> int:
        return len(self._fetches)

    async def share(
        self,
        key: Hashable,
        load: Callable[[], Awaitable[T]],
        *,
        join_any_of: Iterable[Hashable] = (),
    ) -> T:
        """The answer of the fetch under way for the first of ``join_any_of`` (default:
        ``key``) that has one, or of a new fetch of ``load()`` kept under ``key``."""
        fetch = next((self._fetches[k] for k in (*join_any_of, key) if k in self._fetches), None)
        if fetch is None:
            fetch = self._start(key, load)
        fetch.waiters += 1
        try:
            return cast(T, await asyncio.shield(fetch.task))
        finally:
            fetch.waiters -= 1
            if not fetch.waiters and not fetch.task.done():
                self._abandon(fetch)

    async def cancel_all(self) -> None:
        """End every fetch under way (the bot is stopping); waits for them to unwind."""
        fetches = list(self._fetches.values())
        for fetch in fetches:
            self._abandon(fetch)
        if not fetches:
            return
        _, pending = await asyncio.wait([f.task for f in fetches], timeout=CLOSE_GRACE_SECONDS)
        if pending:
            log.warning("%d %s fetches did not end when cancelled", len(pending), self._name)

    def _start(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> _Fetch:
        task = asyncio.create_task(cast(Any, load()), name=f"{self._name}-fetch")
        fetch = _Fetch(key, task)
        self._fetches[key] = fetch
        task.add_done_callback(lambda done: self._finished(fetch))
        return fetch

    def _abandon(self, fetch: _Fetch) -> None:
        # Forgotten before the task has unwound, so that a caller arriving meanwhile starts
        # a fetch of its own instead of joining one that is being cancelled.
        self._forget(fetch)
        fetch.task.cancel()

    def _finished(self, fetch: _Fetch) -> None:
        self._forget(fetch)
        if not fetch.task.cancelled():
            fetch.task.exception()  # retrieved here so an unawaited failure is never reported

    def _forget(self, fetch: _Fetch) -> None:
        if self._fetches.get(fetch.key) is fetch:
            del self._fetches[fetch.key]
