"""The ``events``, ``digests`` and ``messages`` tables: what was found, and what is owed to
which channel.

A poll stores each event once, each distinct list of events once (a digest: channels
whose filters chose the same events share it), and one small row per channel that is
owed a message. A message goes ``pending`` -> ``posting`` (nonce recorded before the
send; rows sent together share it) -> ``sent`` or ``failed``. Writes are bulk statements
whose size follows the changes, and history is pruned a batch at a time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.followup.significance import significant_new
from bot.neocp.events import EventKind, NeocpEvent
from bot.store import alert_messages
from bot.store import subscriptions as subscription_rows
from bot.store.models import (
    DeliveryState,
    OutboxCounts,
    OutboxRow,
    SubscriptionState,
    Target,
)
from bot.store.schema import digests, events, messages, subscriptions

log = logging.getLogger(__name__)

QUEUED = (DeliveryState.PENDING.value, DeliveryState.POSTING.value)
FINISHED = (DeliveryState.SENT.value, DeliveryState.FAILED.value)


@dataclass(frozen=True)
class Page:
    """A page of the outbox: rows to try, and those whose subscription cannot be read."""

    rows: list[OutboxRow]
    unreadable: list[int]
    last_id: int | None  # where the next page starts


async def queue(
    conn: AsyncConnection,
    recipients: Sequence[tuple[NeocpEvent, Sequence[int]]],
    subscription_channels: dict[int, int],
    *,
    at: datetime,
) -> int:
    """Store the events, a digest per distinct list of events, and a pending message per
    subscription (``subscription_channels``: id -> channel) that is owed one. An update or
    removal of an object whose thread is open in that channel is a message of its own to
    that thread; so is a new object that passes the significance bar when the channel's
    message would otherwise be a digest of several. The channel's message has the rest.
    Returns how many messages were queued."""
    event_ids = await _insert_events(conn, [event for event, _ in recipients])
    threads = await alert_messages.open_threads(
        conn, [event for event, _ in recipients if event.kind is not EventKind.NEW], at=at
    )
    owed: dict[tuple[int, int | None], list[int]] = {}  # (subscription, thread) -> events
    for event_id, (event, subscription_ids) in zip(event_ids, recipients, strict=True):
        for subscription_id in subscription_ids:
            channel_id = subscription_channels.get(subscription_id)
            if channel_id is None:
                continue
            thread_id = None
            if event.kind is not EventKind.NEW:
                thread_id = threads.get((channel_id, event.designation, event.first_seen))
            owed.setdefault((subscription_id, thread_id), []).append(event_id)
    significant = {
        event_id
        for event_id, (event, _) in zip(event_ids, recipients, strict=True)
        if event.kind is EventKind.NEW and significant_new(event.object)
    }
    owed_messages = _significant_apart(owed, significant)
    if not owed_messages:
        return 0
    # Channels owed the same events share one digest (most share the default filter).
    distinct = sorted({ids for _, _, ids in owed_messages})
    digest_ids = await _insert_rows(
        conn,
        digests,
        [{"event_ids": json.dumps(list(ids)), "created_at": at} for ids in distinct],
    )
    digest_of = dict(zip(distinct, digest_ids, strict=True))
    await conn.execute(
        insert(messages),
        [
            {
                "digest_id": digest_of[ids],
                "subscription_id": subscription_id,
                "channel_id": subscription_channels[subscription_id],
                "thread_id": thread_id,
                "state": DeliveryState.PENDING.value,
                "attempts": 0,
            }
            for subscription_id, thread_id, ids in owed_messages
        ],
    )
    return len(owed_messages)


def _significant_apart(
    owed: dict[tuple[int, int | None], list[int]], significant: set[int]
) -> list[tuple[int, int | None, tuple[int, ...]]]:
    """(subscription, thread, events) per message. A digest carries one thread at most, and
    on a busy night threads open only for what the team acts on, so a significant new
    object in what would be a channel's digest gets its own alert (its buttons and its
    thread at once), queued before the digest of the rest."""
    owed_messages: list[tuple[int, int | None, tuple[int, ...]]] = []
    for (subscription_id, thread_id), ids in owed.items():
        in_digest = thread_id is None and len(ids) > 1
        alone = [event_id for event_id in ids if in_digest and event_id in significant]
        owed_messages.extend((subscription_id, None, (event_id,)) for event_id in alone)
        rest = tuple(event_id for event_id in ids if event_id not in alone)
        if rest:
            owed_messages.append((subscription_id, thread_id, rest))
    return owed_messages


async def _insert_events(conn: AsyncConnection, found: Sequence[NeocpEvent]) -> list[int]:
    return await _insert_rows(
        conn,
        events,
        [
            {
                "kind": event.kind.value,
                "designation": event.designation,
                "first_seen": event.first_seen,
                "detected_at": event.detected_at,
                "payload": event.model_dump_json(by_alias=True),
            }
            for event in found
        ],
    )


async def _insert_rows(conn: AsyncConnection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in one statement and return their ids, in order."""
    if not rows:
        return []
    # RETURNING with several rows is what SQLite (3.35+) and PostgreSQL both support;
    # sort_by_parameter_order keeps the ids in the order of ``rows``.
    result = await conn.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(row_id) for row_id in result.scalars()]


async def due(conn: AsyncConnection, *, after_id: int = 0, limit: int) -> Page:
    """Queued messages of active subscriptions with ids above ``after_id``, oldest first."""
    query = (
        select(
            messages.c.id.label("message_row_id"),
            messages.c.state.label("message_state"),
            messages.c.nonce,
            messages.c.attempts,
            messages.c.reason,
            messages.c.thread_id,
            messages.c.updated_at.label("touched_at"),
            digests.c.event_ids,
            digests.c.created_at.label("queued_at"),
            *subscriptions.c,
        )
        .join(digests, digests.c.id == messages.c.digest_id)
        .join(subscriptions, subscriptions.c.id == messages.c.subscription_id)
        .where(
            messages.c.id > after_id,
            messages.c.state.in_(QUEUED),
            subscriptions.c.state == SubscriptionState.ACTIVE.value,
        )
        .order_by(messages.c.id)
        .limit(limit)
    )
    rows: list[OutboxRow] = []
    unreadable: list[int] = []
    last_id = None
    for row in (await conn.execute(query)).all():
        last_id = row.message_row_id
        try:
            subscription = subscription_rows.from_row(row)
            event_ids = tuple(int(i) for i in json.loads(row.event_ids))
        except (ValidationError, ValueError, TypeError):
            log.exception("outbox row %d cannot be read; skipping it", row.message_row_id)
            unreadable.append(row.message_row_id)
            continue
        rows.append(
            OutboxRow(
                id=row.message_row_id,
                state=DeliveryState(row.message_state),
                nonce=row.nonce,
                attempts=row.attempts,
                reason=row.reason,
                created_at=row.queued_at,
                touched_at=row.touched_at,
                event_ids=event_ids,
                subscription=subscription,
                target=Target(
                    guild_id=subscription.guild_id,
                    channel_id=subscription.channel_id,
                    thread_id=row.thread_id,
                ),
            )
        )
    return Page(rows, unreadable, last_id)


async def load_events(conn: AsyncConnection, event_ids: Iterable[int]) -> dict[int, NeocpEvent]:
    """The stored events by id; one that cannot be read is left out (and logged)."""
    wanted = sorted(set(event_ids))
    found: dict[int, NeocpEvent] = {}
    for start in range(0, len(wanted), 500):  # within every database's parameter limit
        chunk = wanted[start : start + 500]
        rows = await conn.execute(
            select(events.c.id, events.c.payload).where(events.c.id.in_(chunk))
        )
        for event_id, payload in rows:
            try:
                found[int(event_id)] = NeocpEvent.model_validate_json(payload)
            except ValidationError:
                log.exception("event %d cannot be read; leaving it out", event_id)
    return found


async def claim(
    conn: AsyncConnection, row_ids: Sequence[int], nonce: str, *, at: datetime
) -> list[int]:
    """Record the nonce on those rows that are still pending, before anything is sent;
    returns the rows claimed (all sent as one message with that nonce)."""
    still_pending = _lock_free(
        conn, messages.c.id.in_(row_ids), messages.c.state == DeliveryState.PENDING.value
    )
    return await _take(conn, still_pending, state=DeliveryState.POSTING.value, nonce=nonce, at=at)


async def resume(
    conn: AsyncConnection,
    row_ids: Sequence[int],
    nonce: str,
    *,
    seen_at: datetime | None,
    at: datetime,
) -> list[int]:
    """Take over rows left ``posting`` with ``nonce`` (a send that may or may not have
    reached Discord), if they are as they were read (``seen_at``, their last change):
    of two posters resuming them at once, one gets them. Returns the rows taken."""
    unchanged = _lock_free(
        conn,
        messages.c.id.in_(row_ids),
        messages.c.state == DeliveryState.POSTING.value,
        messages.c.nonce == nonce,
        messages.c.updated_at.is_not_distinct_from(seen_at),
    )
    return await _take(conn, unchanged, at=at)


def _lock_free(conn: AsyncConnection, *conditions: Any) -> Select[tuple[int]]:
    """The rows meeting ``conditions`` that no other poster is claiming now.

    On PostgreSQL, where several processes share the outbox, they are locked until the
    transaction ends (``FOR UPDATE SKIP LOCKED``): a row another transaction is claiming
    is left to it rather than waited for, and one it has claimed no longer meets the
    conditions. SQLite has one process and the store's write lock: nothing to skip.
    """
    query = select(messages.c.id).where(*conditions)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


async def _take(
    conn: AsyncConnection, rows: Select[tuple[int]], *, at: datetime, **values: Any
) -> list[int]:
    """Mark ``rows`` as changed now (with ``values``): one statement, one round trip."""
    taken = await conn.execute(
        update(messages)
        .where(messages.c.id.in_(rows))
        .values(updated_at=at, **values)
        .returning(messages.c.id)
    )
    return sorted(int(row_id) for row_id in taken.scalars())


async def count_failed_attempt(
    conn: AsyncConnection, row_ids: Sequence[int], reason: str, *, at: datetime
) -> None:
    """A send failed for a reason that may pass: keep the rows queued, one attempt more."""
    await conn.execute(
        update(messages)
        .where(messages.c.id.in_(row_ids))
        .values(reason=reason, attempts=messages.c.attempts + 1, updated_at=at)
    )


async def finish(
    conn: AsyncConnection,
    row_ids: Sequence[int],
    state: DeliveryState,
    *,
    at: datetime,
    reason: str | None = None,
    message_id: int | None = None,
) -> None:
    """Close rows as sent or failed, and note it on their subscription."""
    values: dict[str, Any] = {"state": state.value, "reason": reason, "updated_at": at}
    if message_id is not None:
        values["message_id"] = message_id
    owners = await conn.execute(
        update(messages)
        .where(messages.c.id.in_(row_ids))
        .values(**values)
        .returning(messages.c.subscription_id)
    )
    failure = None if state is DeliveryState.SENT else reason
    for subscription_id in set(owners.scalars()):
        await subscription_rows.note_delivery(conn, subscription_id, at=at, failure=failure)


async def fail_queued(
    conn: AsyncConnection, subscription_id: int, reason: str, *, at: datetime
) -> None:
    """Give up everything a subscription still had queued."""
    await conn.execute(
        update(messages)
        .where(messages.c.subscription_id == subscription_id, messages.c.state.in_(QUEUED))
        .values(state=DeliveryState.FAILED.value, reason=reason, updated_at=at)
    )


async def counts(conn: AsyncConnection) -> OutboxCounts:
    rows = await conn.execute(select(messages.c.state, func.count()).group_by(messages.c.state))
    by_state = {state: int(count) for state, count in rows}
    return OutboxCounts(
        pending=sum(by_state.get(state, 0) for state in QUEUED),
        sent=by_state.get(DeliveryState.SENT.value, 0),
        failed=by_state.get(DeliveryState.FAILED.value, 0),
    )


async def prune(
    conn: AsyncConnection,
    *,
    before: datetime,
    keep_messages: int,
    keep_events: int,
    batch: int,
) -> int:
    """Forget at most ``batch`` finished messages, digests and events each: those older than
    ``before`` and those beyond the newest ``keep_*``. Queued ones and what they need stay.
    Returns the number of rows removed."""
    removed = 0
    newest_message = (await conn.execute(select(func.max(messages.c.id)))).scalar() or 0
    # Only the oldest ``batch`` rows are looked at: each call costs the same, however long
    # the history, and the history is pruned from its old end.
    oldest = select(messages.c.id).order_by(messages.c.id).limit(batch).scalar_subquery()
    old_messages = (
        select(messages.c.id)
        .join(digests, digests.c.id == messages.c.digest_id)
        .where(
            messages.c.id.in_(oldest),
            messages.c.state.in_(FINISHED),
            (digests.c.created_at < before) | (messages.c.id <= newest_message - keep_messages),
        )
    )
    ids = list((await conn.execute(old_messages)).scalars())
    if ids:
        result = await conn.execute(delete(messages).where(messages.c.id.in_(ids)))
        removed += int(result.rowcount or 0)
    # Digests are used by messages only; every digest older than the oldest message's is
    # unused.
    oldest_used = select(func.min(messages.c.digest_id)).scalar_subquery()
    unused = (
        select(digests.c.id)
        .where((digests.c.id < oldest_used) | ~select(messages.c.id).exists())
        .order_by(digests.c.id)
        .limit(batch)
    )
    ids = list((await conn.execute(unused)).scalars())
    if ids:
        result = await conn.execute(delete(digests).where(digests.c.id.in_(ids)))
        removed += int(result.rowcount or 0)
    removed += await _prune_events(conn, before=before, keep=keep_events, batch=batch)
    return removed


async def _prune_events(conn: AsyncConnection, *, before: datetime, keep: int, batch: int) -> int:
    # Digests name their events in a JSON list, which no foreign key can guard: keep every
    # event from the oldest one a remaining digest names.
    oldest_poll = select(func.min(digests.c.created_at)).scalar_subquery()
    lists = await conn.execute(
        select(digests.c.event_ids).where(digests.c.created_at == oldest_poll)
    )
    still_needed = min((min(json.loads(ids), default=0) for ids in lists.scalars()), default=None)
    newest = (await conn.execute(select(func.max(events.c.id)))).scalar() or 0
    condition = (events.c.detected_at < before) | (events.c.id <= newest - keep)
    if still_needed is not None:
        condition = condition & (events.c.id < still_needed)
    ids = list(
        (
            await conn.execute(
                select(events.c.id).where(condition).order_by(events.c.id).limit(batch)
            )
        ).scalars()
    )
    if not ids:
        return 0
    return int((await conn.execute(delete(events).where(events.c.id.in_(ids)))).rowcount or 0)
