"""The background watcher: poll the Scout summary, diff it, queue and post the events.

One upstream request a cycle, whatever the number of subscriptions. The snapshot it diffs
against is kept in memory (read from the store at start, and again after a failed write);
the store is written only where a poll changed something. Polling and posting run apart:
``poll_cycle`` queues and wakes ``posting_loop``, so a long fan-out never delays the next
poll. ``run_cycle`` does both in turn (for tests and tools). None of them raises (except
cancellation): a loop that dies silently would stop every alert, so each failure is
logged and kept for ``/alerts status`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.alerts.delivery import AlertSender, Deliverer
from bot.alerts.precise import PreciseFigureAsker
from bot.alerts.sites import ObservabilityJudge
from bot.alerts.status import KEEP_HISTORY, DeliveryReport, WatcherStatus
from bot.alerts.trust import PollRejected, checked_objects, still_listed
from bot.config import AlertsSettings
from bot.errors import CannotSave, UpstreamError
from bot.guilds import GuildPolicy
from bot.metrics import Metrics
from bot.neocp.diff import diff_snapshot, start_tracking
from bot.neocp.events import NeocpEvent
from bot.neocp.filters import AlertFilter, recipients
from bot.scout.models import Summary
from bot.store import Snapshot, Store, Subscription

log = logging.getLogger(__name__)

# An empty list is far more often Scout hiccuping than the NEOCP emptying, and believing it
# would post every object as removed and then, when the list comes back, as new. So an
# empty list changes nothing until polls have kept seeing it for this long.
EMPTY_LIST_CONFIRMATION = timedelta(minutes=10)

# Finished messages and old events are kept KEEP_HISTORY (for /alerts list), and no more of
# them than this many, then pruned a batch each cycle.
KEEP_MESSAGES = 100_000
KEEP_EVENTS = 50_000
PRUNE_BATCH = 2_000
# A round that left messages to retry is followed by another this long after, poll or not.
RETRY_AFTER_SECONDS = 30.0


class SummarySource(Protocol):
    """What the watcher needs of the Scout client."""

    async def summary(self, *, fresh: bool = False) -> Summary: ...


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
        precise: PreciseFigureAsker | None = None,  # without it, site lines stay coarse
    ) -> None:
        self._metrics = metrics or Metrics()
        self._precise = precise
        self._source = source
        self._store = store
        self._settings = settings
        self._clock = clock
        self._rng = rng or random.Random()
        self._deliverer = Deliverer(store, sender, policy, clock=clock)
        self._snapshot: Snapshot | None = None  # None: read it from the store
        self._work = asyncio.Event()  # set when a poll queued something
        self._retry_soon = True  # what an earlier run left queued goes out at once
        self._empty_since: datetime | None = None  # first of the current run of empty lists
        self.last_cycle_at: datetime | None = None  # leader or not
        self.leading: bool | None = None  # None until the first cycle asked
        self.status = WatcherStatus(
            enabled=settings.enabled, poll_interval_seconds=settings.poll_interval_seconds
        )

    # --- the cycle ------------------------------------------------------------------------

    async def run_cycle(self) -> None:
        """Poll once, then post what is queued (including earlier failures). Never raises."""
        await self.poll_cycle()
        await self.deliver_round()

    async def poll_cycle(self) -> None:
        """Poll once, prune a little, and wake the poster. Never raises.

        Only the leader polls (one instance of those sharing a PostgreSQL database); the
        others ask again each cycle, to take over when it dies."""
        self.last_cycle_at = self._clock()
        if not await self._lead():
            return
        try:
            await self.poll()
        except CannotSave as exc:  # the store has logged it, once
            self._snapshot = None
            self._failed(f"cannot save to the database: {exc.detail}")
            self._metrics.poll("error")
        except Exception as exc:
            # The store failing (disk full, database locked): nothing was committed, so
            # the next cycle reads the snapshot again and finds the same events again.
            self._snapshot = None
            log.exception("NEOCP poll failed: %s", exc)
            self._failed(f"internal error while polling: {type(exc).__name__}")
            self._metrics.poll("error")
        self._deliverer.new_cycle()
        self._work.set()
        try:
            await self._prune()
        except CannotSave:
            pass  # logged by the store; pruning waits for the next cycle
        except Exception:
            log.exception("pruning old alert history failed")

    async def deliver_round(self) -> DeliveryReport | None:
        """Post what is queued: at most one message per channel. Never raises; does
        nothing on an instance that is not the leader."""
        if not self.leading or not await self._still_leading():
            return None
        try:
            report = await self._deliverer.deliver_due()
        except CannotSave:
            return None  # logged by the store; what is queued stays queued
        except Exception:
            log.exception("posting queued alerts failed; they stay queued")
            return None
        self.status = replace(self.status, last_delivery=report)
        self._metrics.delivered(sent=report.sent, retried=report.retrying, failed=report.failed)
        try:
            self._metrics.outbox_depth.set((await self._store.outbox_counts()).pending)
        except Exception:
            log.exception("reading the outbox's depth failed")
        if report.attempted:
            log.info(
                "alerts: %d messages posted, %d to retry, %d failed",
                report.sent,
                report.retrying,
                report.failed,
            )
        return report

    async def post_when_due(self) -> None:
        """Wait for a poll to queue something (or, after a round that left messages to
        retry, at most ``RETRY_AFTER_SECONDS``), then post. Never raises; the Alerts cog
        runs it in a loop of its own beside the polls."""
        if self._retry_soon:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
            # cancellation that meets the event being set, and a loop that ignores its
            # cancellation keeps the store busy while the bot shuts down.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RETRY_AFTER_SECONDS):
                    await self._work.wait()
        else:
            await self._work.wait()
        self._work.clear()
        report = await self.deliver_round()
        self._retry_soon = report is None or report.retrying > 0

    async def posting_loop(self) -> None:
        """``post_when_due`` until cancelled."""
        while True:
            await self.post_when_due()

    async def _lead(self) -> bool:
        try:
            leading = await self._store.leadership.hold()
        except Exception:
            log.exception("asking for the leader lock failed")
            leading = False
        if leading != self.leading:
            if leading:
                # Another instance may have polled meanwhile: start from the stored snapshot.
                self._snapshot = None
            else:
                log.info("another instance polls Scout and posts alerts; this one stands by")
            self.leading = leading
        return leading

    async def _still_leading(self) -> bool:
        """A leader that lost its lock stops before its next round, not at its next poll."""
        try:
            held = await self._store.leadership.still_held()
        except Exception:
            log.exception("checking the leader lock failed")
            held = False
        if not held:
            log.info("not posting: this instance no longer holds the leader lock")
            self.leading = False
        return held

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
        self.status = self.status.poll_started(started)
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
        snapshot = self._snapshot or await self._store.load_snapshot()
        if not snapshot.initialised:
            if not objects:
                # Recording an empty first list would announce every object of the next
                # (full) list as new.
                self._succeeded("Scout listed no objects; waiting for a list to start from", 0)
                return
            tracked = start_tracking(objects, now=started)
            await self._store.record_first_poll(tracked, at=started)
            self._snapshot = Snapshot(initialised=True, objects=tracked)
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
            self._snapshot = snapshot
            return
        objects = objects + still_listed(snapshot.objects, objects, summary.unreadable)
        result = diff_snapshot(snapshot.objects, objects, now=started)
        await asyncio.sleep(0)  # a breath for the bot's commands between long steps
        self._snapshot = None  # until the store has the new one
        queued = await self._store.record_poll(
            result.changes, await self._recipients(result.events, now=started), at=started
        )
        self._snapshot = Snapshot(initialised=True, objects=result.snapshot)
        for event in result.events:
            log.info("NEOCP event: %s", event.describe())
            self._metrics.event(event.kind.value)
        note = f"{len(objects)} objects, {len(result.events)} events, {queued} messages queued"
        if summary.unreadable:
            note += f"; {len(summary.unreadable)} unreadable rows skipped"
        if not objects and snapshot.objects:
            note = f"Scout's list has stayed empty: {len(result.events)} removed"
            log.warning("NEOCP poll: %s", note)
        self._succeeded(note, len(result.snapshot))

    async def _recipients(
        self, events: Sequence[NeocpEvent], *, now: datetime
    ) -> list[tuple[NeocpEvent, list[int]]]:
        """Each event with the subscriptions whose filter wants it (chosen here, outside the
        store's transaction, so that a filter may take its time). Channels sharing a filter
        share its verdict on the thresholds: a thousand default subscriptions cost one check
        an event. A subscription with a site and ``observable`` is also judged on the sky
        over that site, computed once per site and window for the whole poll; the events
        such subscriptions receive then get Scout's figures for their sites."""
        if not events:
            return []
        subscriptions = await self._store.active_subscriptions()
        judge = await ObservabilityJudge.for_poll(self._store, subscriptions, events, now=now)
        alike: dict[AlertFilter, list[Subscription]] = {}
        for subscription in subscriptions:
            alike.setdefault(subscription.filter, []).append(subscription)
        chosen = []
        for number, event in enumerate(events, start=1):
            wanting = recipients(event, [(group, f) for f, group in alike.items()])
            chosen.append(
                (event, [s.id for group in wanting for s in group if judge.admits(s, event)])
            )
            if number % 100 == 0:
                await asyncio.sleep(0)  # let the bot answer commands meanwhile
        if self._precise is None:
            return chosen
        return await self._precise.attach(chosen, subscriptions, now=now)

    def _empty_list_confirmed(self, now: datetime) -> bool:
        if self._empty_since is None:
            self._empty_since = now
        return now - self._empty_since >= EMPTY_LIST_CONFIRMATION

    def _succeeded(self, note: str, tracked: int, *, outcome: str = "ok") -> None:
        self._metrics.poll(outcome)
        self.status = self.status.poll_succeeded(note, tracked, now=self._clock())

    def _failed(self, error: str) -> None:
        self.status = self.status.poll_failed(error, now=self._clock())

    async def _prune(self) -> None:
        removed = await self._store.prune(
            self._clock() - KEEP_HISTORY,
            keep_messages=KEEP_MESSAGES,
            keep_events=KEEP_EVENTS,
            batch=PRUNE_BATCH,
        )
        if removed:
            log.info("pruned %d old alert records", removed)
