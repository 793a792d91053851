"""The ``Store`` face's outbox methods: each is one transaction over ``bot.store.outbox``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from bot.neocp.events import NeocpEvent
from bot.store import outbox
from bot.store import subscriptions as subscription_rows
from bot.store.engine import Database
from bot.store.models import DeliveryState, OutboxCounts


def _now() -> datetime:
    return datetime.now(UTC)


class OutboxMethods:
    _db: Database

    async def due_messages(self, *, after_id: int = 0, limit: int = 500) -> outbox.Page:
        """Queued messages of active subscriptions after ``after_id``, oldest first."""
        async with self._db.reading() as conn:
            page = await outbox.due(conn, after_id=after_id, limit=limit)
        if page.unreadable:
            await self.mark_failed(page.unreadable, "stored subscription unreadable")
        return page

    async def events(self, event_ids: Iterable[int]) -> dict[int, NeocpEvent]:
        async with self._db.reading() as conn:
            return await outbox.load_events(conn, event_ids)

    async def claim(
        self, row_ids: Sequence[int], nonce: str, *, at: datetime | None = None
    ) -> list[int]:
        """Record the nonce on the rows still pending *before* sending them as one message,
        so that a resend after a crash reuses it; returns the rows claimed."""
        async with self._db.writing() as conn:
            return await outbox.claim(conn, row_ids, nonce, at=at or _now())

    async def resume(
        self,
        row_ids: Sequence[int],
        nonce: str,
        *,
        seen_at: datetime | None,
        at: datetime | None = None,
    ) -> list[int]:
        """Take over rows left ``posting`` with ``nonce`` if nobody changed them since they
        were read (``seen_at``); returns the rows taken. With ``claim``, this is what keeps
        two posters sharing the outbox from sending the same rows."""
        async with self._db.writing() as conn:
            return await outbox.resume(conn, row_ids, nonce, seen_at=seen_at, at=at or _now())

    async def mark_retry(
        self, row_ids: Sequence[int], reason: str, *, at: datetime | None = None
    ) -> None:
        """A send failed for a reason that may pass (5xx, a timeout): try again later."""
        async with self._db.writing() as conn:
            await outbox.count_failed_attempt(conn, row_ids, reason, at=at or _now())

    async def mark_sent(
        self, row_ids: Sequence[int], message_id: int, *, at: datetime | None = None
    ) -> None:
        async with self._db.writing() as conn:
            await outbox.finish(
                conn, row_ids, DeliveryState.SENT, at=at or _now(), message_id=message_id
            )

    async def mark_failed(
        self, row_ids: Sequence[int], reason: str, *, at: datetime | None = None
    ) -> None:
        """Give up on these messages (the subscription stays as it is)."""
        async with self._db.writing() as conn:
            await outbox.finish(conn, row_ids, DeliveryState.FAILED, at=at or _now(), reason=reason)

    async def outbox_counts(self) -> OutboxCounts:
        async with self._db.reading() as conn:
            return await outbox.counts(conn)

    async def prune(
        self,
        before: datetime,
        *,
        keep_messages: int = 100_000,
        keep_events: int = 50_000,
        batch: int = 2_000,
    ) -> int:
        """Forget, a batch at a time, what is older than ``before`` or beyond the newest
        ``keep_*``: finished messages, their digests and events, and subscriptions
        stopped before then (their channel gone, or nobody fixed it). Returns the number
        of rows removed; call again while it is ``batch`` or more."""
        async with self._db.writing() as conn:
            forgotten = await subscription_rows.forget_stopped(conn, before)
            return forgotten + await outbox.prune(
                conn,
                before=before,
                keep_messages=keep_messages,
                keep_events=keep_events,
                batch=batch,
            )
