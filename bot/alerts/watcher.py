"""The background watcher: poll the Scout summary, diff it, queue and post the events.

One upstream request a cycle, whatever the number of subscriptions. ``run_cycle`` never
raises (except cancellation): a loop that dies silently would stop every alert, so each
failure is logged and kept for ``/alerts status`` instead.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.alerts.delivery import AlertSender, Deliverer, DeliveryReport
from bot.config import AlertsSettings
from bot.errors import UpstreamError
from bot.guilds import GuildPolicy
from bot.metrics import Metrics
from bot.neocp.diff import diff_snapshot, start_tracking, unique_objects
from bot.neocp.events import NeocpEvent, TrackedObject
from bot.neocp.filters import recipients
from bot.scout.models import ScoutObject, Summary, UnreadableRow
from bot.scout.parse import DOCUMENTED_VERSION
from bot.store import Store

log = logging.getLogger(__name__)

# The Scout API version whose summary format this code reads. The API asks clients to
# check it: a changed version may mean a changed format, and misreading a changed list
# could announce every object as removed and then as new.
SUPPORTED_SCOUT_VERSIONS = frozenset({DOCUMENTED_VERSION})

# An empty list is far more often Scout hiccuping than the NEOCP emptying, and believing it
# would post every object as removed and then, when the list comes back, as new. So an
# empty list changes nothing until polls have kept seeing it for this long.
EMPTY_LIST_CONFIRMATION = timedelta(minutes=10)

# Finished deliveries and old events are kept this long (for /alerts list), then pruned.
KEEP_HISTORY = timedelta(days=14)
PRUNE_EVERY = timedelta(hours=6)


class SummarySource(Protocol):
    """What the watcher needs of the Scout client."""

    async def summary(self, *, fresh: bool = False) -> Summary: ...


class PollRejected(Exception):
    """The summary cannot be trusted; the snapshot is left as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def utc_now() -> datetime:
    return datetime.now(UTC)


class AlertWatcher:
    def __init__(
        self,
        *,
        source: SummarySource,
        store: Store,
        sender: AlertSender,
        policy: GuildPolicy,
        settings: AlertsSettings,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._metrics = metrics or Metrics()
        self._source = source
        self._store = store
        self._settings = settings
        self._clock = clock
        self._rng = rng or random.Random()
        self._deliverer = Deliverer(store, sender, policy, clock=clock)
        self._last_prune: datetime | None = None
        self._empty_since: datetime | None = None  # first of the current run of empty lists
        self.status = WatcherStatus(
            enabled=settings.enabled, poll_interval_seconds=settings.poll_interval_seconds
        )

    # --- the cycle ------------------------------------------------------------------------

    async def run_cycle(self) -> None:
        """Poll once, then post what is queued (including earlier failures). Never raises."""
        try:
            await self.poll()
        except Exception as exc:
            # The store failing (disk full, database locked): nothing was committed, so
            # the next cycle finds the same events again.
            log.exception("NEOCP poll failed")
            self._failed(f"internal error while polling: {type(exc).__name__}")
            self._metrics.poll("error")
        try:
            report = await self._deliverer.deliver_due()
            self.status = replace(self.status, last_delivery=report)
            self._metrics.delivered(sent=report.sent, retried=report.retrying, failed=report.failed)
            self._metrics.outbox_depth.set((await self._store.outbox_counts()).pending)
            if report.attempted:
                log.info(
                    "alerts: %d posted, %d to retry, %d failed",
                    report.sent,
                    report.retrying,
                    report.failed,
                )
        except Exception:
            log.exception("posting queued alerts failed; they stay queued")
        try:
            await self._prune_now_and_then()
        except Exception:
            log.exception("pruning old alert history failed")

    def next_delay(self) -> float:
        """Seconds until the next poll: the interval plus a little jitter."""
        delay = self._settings.poll_interval_seconds + self._rng.uniform(
            0, self._settings.jitter_seconds
        )
        self.status = replace(self.status, next_poll_at=self._clock() + timedelta(seconds=delay))
        return delay

    # --- polling --------------------------------------------------------------------------

    async def poll(self) -> None:
        """Fetch the summary and, if it can be trusted, store its events and deliveries."""
        started = self._clock()
        self.status = replace(self.status, poll_started_at=started)
        try:
            summary = await self._source.summary(fresh=True)
            objects = checked_objects(summary)
        except UpstreamError as exc:
            log.warning("NEOCP poll: Scout failed, nothing changes: %s", exc.detail)
            self._failed(f"Scout: {exc.detail}")
            self._metrics.poll("upstream_error")
            return
        except PollRejected as exc:
            log.warning("NEOCP poll: summary not used, nothing changes: %s", exc.reason)
            self._failed(f"Scout summary not used: {exc.reason}")
            self._metrics.poll("rejected")
            return

        if objects:
            self._empty_since = None
        snapshot = await self._store.load_snapshot()
        if not snapshot.initialised:
            if not objects:
                # Recording an empty first list would announce every object of the next
                # (full) list as new.
                self._succeeded("Scout listed no objects; waiting for a list to start from", 0)
                return
            tracked = start_tracking(objects, now=started)
            await self._store.record_first_poll(tracked, at=started)
            log.info("NEOCP watcher started tracking %d objects (nothing posted)", len(tracked))
            self._succeeded(
                f"first list recorded: {len(tracked)} objects, nothing posted",
                len(tracked),
                outcome="first_list",
            )
            return

        if not objects and snapshot.objects and not self._empty_list_confirmed(started):
            note = (
                "Scout listed no objects; nothing changes unless the list stays empty for "
                f"{EMPTY_LIST_CONFIRMATION.total_seconds() / 60:.0f} minutes"
            )
            log.warning("NEOCP poll: %s", note)
            self._succeeded(note, len(snapshot.objects))
            return
        objects = objects + still_listed(snapshot.objects, objects, summary.unreadable)
        result = diff_snapshot(snapshot.objects, objects, now=started)
        queued = await self._store.record_poll(
            result.snapshot, await self._recipients(result.events), at=started
        )
        for event in result.events:
            log.info("NEOCP event: %s", event.describe())
            self._metrics.event(event.kind.value)
        note = f"{len(objects)} objects, {len(result.events)} events, {queued} alerts queued"
        if summary.unreadable:
            note += f"; {len(summary.unreadable)} unreadable rows skipped"
        if not objects and snapshot.objects:
            note = f"Scout's list has stayed empty: {len(result.events)} removed"
            log.warning("NEOCP poll: %s", note)
        self._succeeded(note, len(result.snapshot))

    async def _recipients(self, events: Sequence[NeocpEvent]) -> list[tuple[NeocpEvent, list[int]]]:
        """Each event with the subscriptions whose filter wants it (chosen here, outside the
        store's transaction, so that a filter may take its time)."""
        if not events:
            return []
        filters = [(s.id, s.filter) for s in await self._store.active_subscriptions()]
        return [(event, recipients(event, filters)) for event in events]

    def _empty_list_confirmed(self, now: datetime) -> bool:
        if self._empty_since is None:
            self._empty_since = now
        return now - self._empty_since >= EMPTY_LIST_CONFIRMATION

    def _succeeded(self, note: str, tracked: int, *, outcome: str = "ok") -> None:
        self._metrics.poll(outcome)
        started = self.status.poll_started_at or self._clock()
        self.status = replace(
            self.status,
            last_poll_at=started,
            poll_started_at=None,
            last_poll_ok=True,
            last_poll_note=note,
            last_success_at=started,
            objects_tracked=tracked,
        )

    def _failed(self, error: str) -> None:
        started = self.status.poll_started_at or self._clock()
        self.status = replace(
            self.status,
            last_poll_at=started,
            poll_started_at=None,
            last_poll_ok=False,
            last_poll_note=error,
            last_error=error,
            last_error_at=started,
        )

    async def _prune_now_and_then(self) -> None:
        now = self._clock()
        if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY:
            return
        self._last_prune = now
        removed = await self._store.prune(now - KEEP_HISTORY)
        if removed:
            log.info("pruned %d old alert records", removed)


def still_listed(
    tracked: Iterable[TrackedObject],
    readable: Sequence[ScoutObject],
    unreadable: Sequence[UnreadableRow],
) -> list[ScoutObject]:
    """Tracked objects Scout still lists, in rows the bot could not read this time.

    They keep their last readable record: neither changed nor removed. A row without a
    readable designation could be any of them, so then every tracked object missing from
    the readable rows is kept, and removals wait until the list can be read whole.
    """
    if not unreadable:
        return []
    listed = {obj.designation for obj in readable}
    named = {row.designation for row in unreadable}
    keep_all_missing = None in named
    return [
        item.latest
        for item in tracked
        if item.designation not in listed and (keep_all_missing or item.designation in named)
    ]


def checked_objects(summary: Summary) -> list[ScoutObject]:
    """The summary's objects, once it is known to be the format we read and whole."""
    version = summary.signature.version if summary.signature else None
    if version is not None and version not in SUPPORTED_SCOUT_VERSIONS:
        known = ", ".join(sorted(SUPPORTED_SCOUT_VERSIONS))
        raise PollRejected(f"Scout API version {version} (this bot reads {known})")
    if summary.count is not None and summary.count != summary.rows:
        raise PollRejected(f"Scout said {summary.count} objects but sent {summary.rows}")
    if len(summary.unreadable) > len(summary.objects):
        raise PollRejected(f"{len(summary.unreadable)} of {summary.rows} rows unreadable")
    if any(not obj.designation.strip() for obj in summary.objects):
        raise PollRejected("an object without a designation")
    unique = unique_objects(summary.objects)
    if len(unique) != len(summary.objects):
        log.warning(
            "Scout listed %d designations more than once; keeping the latest of each",
            len(summary.objects) - len(unique),
        )
    return unique
