"""The ``events`` and ``deliveries`` tables: what was found, and what is owed to which channel.

A delivery goes ``pending`` -> ``posting`` (nonce recorded before the send) -> ``sent`` or
``failed``; functions take a connection so that a poll's events are queued in the same
transaction as its snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.neocp.events import NeocpEvent
from bot.store import subscriptions as subscription_rows
from bot.store.engine import inserted_id
from bot.store.models import Delivery, DeliveryState, OutboxCounts, SubscriptionState
from bot.store.schema import deliveries, events, subscriptions

log = logging.getLogger(__name__)

QUEUED = (DeliveryState.PENDING.value, DeliveryState.POSTING.value)


@dataclass(frozen=True)
class Due:
    """A page of the outbox: the deliveries to try, and those whose event cannot be read."""

    deliveries: list[Delivery]
    unreadable: list[int]


async def queue(
    conn: AsyncConnection,
    recipients: Iterable[tuple[NeocpEvent, Sequence[int]]],
    *,
    at: datetime,
) -> int:
    """Store each event and a pending delivery per subscription id given; returns how many
    deliveries were queued."""
    queued = 0
    for neocp_event, subscription_ids in recipients:
        result = await conn.execute(
            insert(events).values(
                kind=neocp_event.kind.value,
                designation=neocp_event.designation,
                first_seen=neocp_event.first_seen,
                detected_at=neocp_event.detected_at,
                payload=neocp_event.model_dump_json(by_alias=True),
            )
        )
        event_id = inserted_id(result)
        rows = [
            {
                "event_id": event_id,
                "subscription_id": subscription_id,
                "state": DeliveryState.PENDING.value,
                "attempts": 0,
                "created_at": at,
                "updated_at": at,
            }
            for subscription_id in subscription_ids
        ]
        if rows:
            await conn.execute(insert(deliveries), rows)
            queued += len(rows)
    return queued


async def due(conn: AsyncConnection, *, limit: int) -> Due:
    """Queued deliveries of active subscriptions, oldest first (a channel's in order)."""
    query = (
        select(
            deliveries.c.id.label("delivery_id"),
            deliveries.c.state.label("delivery_state"),
            deliveries.c.nonce,
            deliveries.c.attempts,
            deliveries.c.reason,
            deliveries.c.created_at.label("queued_at"),
            events.c.payload,
            *subscriptions.c,
        )
        .join(events, events.c.id == deliveries.c.event_id)
        .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
        .where(
            deliveries.c.state.in_(QUEUED),
            subscriptions.c.state == SubscriptionState.ACTIVE.value,
        )
        .order_by(deliveries.c.id)
        .limit(limit)
    )
    found: list[Delivery] = []
    unreadable: list[int] = []
    for row in (await conn.execute(query)).all():
        try:
            neocp_event = NeocpEvent.model_validate_json(row.payload)
            subscription = subscription_rows.from_row(row)
        except ValidationError:
            log.exception("delivery %d: what it stored cannot be read; skipping", row.delivery_id)
            unreadable.append(row.delivery_id)
            continue
        found.append(
            Delivery(
                id=row.delivery_id,
                state=DeliveryState(row.delivery_state),
                nonce=row.nonce,
                attempts=row.attempts,
                created_at=row.queued_at,
                reason=row.reason,
                event=neocp_event,
                subscription=subscription,
            )
        )
    return Due(found, unreadable)


async def update_delivery(
    conn: AsyncConnection, delivery_id: int, *, at: datetime, **values: Any
) -> int | None:
    """Set columns of one delivery; returns its subscription id (None if it is gone)."""
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(updated_at=at, **values)
        .returning(deliveries.c.subscription_id)
    )
    found = result.scalar_one_or_none()
    return None if found is None else int(found)


async def count_failed_attempt(
    conn: AsyncConnection, delivery_id: int, reason: str, *, at: datetime
) -> None:
    """A send failed for a reason that may pass: keep it queued, one attempt more."""
    await update_delivery(
        conn, delivery_id, at=at, reason=reason, attempts=deliveries.c.attempts + 1
    )


async def finish(
    conn: AsyncConnection,
    delivery_id: int,
    state: DeliveryState,
    *,
    at: datetime,
    reason: str | None = None,
    message_id: int | None = None,
) -> None:
    """Close one delivery as sent or failed, and note it on its subscription."""
    values: dict[str, Any] = {"state": state.value, "reason": reason}
    if message_id is not None:
        values["message_id"] = message_id
    subscription_id = await update_delivery(conn, delivery_id, at=at, **values)
    if subscription_id is not None:
        failure = None if state is DeliveryState.SENT else reason
        await subscription_rows.note_delivery(conn, subscription_id, at=at, failure=failure)


async def fail_queued(
    conn: AsyncConnection, subscription_id: int, reason: str, *, at: datetime
) -> None:
    """Give up everything a subscription still had queued."""
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.subscription_id == subscription_id, deliveries.c.state.in_(QUEUED))
        .values(state=DeliveryState.FAILED.value, reason=reason, updated_at=at)
    )


async def counts(conn: AsyncConnection) -> OutboxCounts:
    rows = await conn.execute(select(deliveries.c.state, func.count()).group_by(deliveries.c.state))
    by_state = {state: int(count) for state, count in rows}
    return OutboxCounts(
        pending=sum(by_state.get(state, 0) for state in QUEUED),
        sent=by_state.get(DeliveryState.SENT.value, 0),
        failed=by_state.get(DeliveryState.FAILED.value, 0),
    )


async def prune(conn: AsyncConnection, before: datetime) -> int:
    """Forget finished deliveries and unreferenced events older than ``before``."""
    done = await conn.execute(
        delete(deliveries).where(
            deliveries.c.state.not_in(QUEUED), deliveries.c.updated_at < before
        )
    )
    still_referenced = select(deliveries.c.event_id)
    old_events = await conn.execute(
        delete(events).where(events.c.detected_at < before, events.c.id.not_in(still_referenced))
    )
    return int(done.rowcount or 0) + int(old_events.rowcount or 0)
