"""What the watcher and the outbox report about themselves, as plain records: the watcher
fills them in, ``/alerts status`` renders them (``bot/render/alerts.py``). Nothing here
imports the rest of ``bot/alerts``, so the renderers depend on a model, not on the loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum, auto

# Finished messages and old events are kept this long (for /alerts list), then pruned.
KEEP_HISTORY = timedelta(days=14)


class Outcome(Enum):
    """What became of one message this round."""

    SENT = auto()
    RETRYING = auto()  # kept queued for the next round
    FAILED = auto()  # given up, the subscription stays
    DISABLED = auto()  # the channel refuses alerts: its subscription was switched off


@dataclass
class DeliveryReport:
    """One posting round's outcomes."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    disabled_channels: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed

    def count(self, outcome: Outcome, channel_id: int) -> None:
        if outcome is Outcome.SENT:
            self.sent += 1
        elif outcome is Outcome.RETRYING:
            self.retrying += 1
        else:
            self.failed += 1
            if outcome is Outcome.DISABLED:
                self.disabled_channels.append(channel_id)


@dataclass(frozen=True)
class WatcherStatus:
    """What ``/alerts status`` shows about the watcher."""

    enabled: bool
    poll_interval_seconds: float
    last_poll_at: datetime | None = None  # the last attempt, whatever its outcome
    last_poll_ok: bool | None = None
    last_poll_note: str | None = None  # "33 objects, 2 events queued", ...
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    objects_tracked: int | None = None  # None until the store has been read
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_delivery: DeliveryReport | None = None
    poll_started_at: datetime | None = None  # while a poll is under way

    def poll_overdue(self, now: datetime) -> bool:
        """A poll has run longer than the interval between polls (Scout is slow)."""
        if self.poll_started_at is None:
            return False
        return now - self.poll_started_at > timedelta(seconds=self.poll_interval_seconds)

    def poll_started(self, at: datetime) -> WatcherStatus:
        return replace(self, poll_started_at=at)

    def poll_succeeded(self, note: str, tracked: int, *, now: datetime) -> WatcherStatus:
        """The poll under way (or, if none was noted, one at ``now``) ended well."""
        ended = self._poll_ended(note, ok=True, now=now)
        return replace(ended, last_success_at=ended.last_poll_at, objects_tracked=tracked)

    def poll_failed(self, error: str, *, now: datetime) -> WatcherStatus:
        """The poll under way (or, if none was noted, one at ``now``) failed."""
        ended = self._poll_ended(error, ok=False, now=now)
        return replace(ended, last_error=error, last_error_at=ended.last_poll_at)

    def _poll_ended(self, note: str, *, ok: bool, now: datetime) -> WatcherStatus:
        started = self.poll_started_at or now
        return replace(
            self, last_poll_at=started, poll_started_at=None, last_poll_ok=ok, last_poll_note=note
        )
