"""The ``subscriptions`` table: which channel wants which alerts.

Functions take a connection so that the ``Store`` face decides what one transaction holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.neocp.filters import AlertFilter, EventSelection
from bot.store.engine import inserted_id
from bot.store.models import NewSubscription, Subscription, SubscriptionState
from bot.store.schema import deliveries, subscriptions


async def save(
    conn: AsyncConnection, new: NewSubscription, *, at: datetime
) -> tuple[Subscription, bool]:
    """Create the channel's subscription, or replace its settings (and re-enable it).

    Returns the subscription and whether one existed already.
    """
    values: dict[str, Any] = {
        "guild_id": new.guild_id,
        "channel_id": new.channel_id,
        **_filter_columns(new.filter),
        "mention_role_id": new.mention_role_id,
        "created_by": new.created_by,
        "updated_at": at,
        "state": SubscriptionState.ACTIVE.value,
        "last_failure": None,
        "last_failure_at": None,
    }
    existing = (
        await conn.execute(
            select(subscriptions.c.id).where(subscriptions.c.channel_id == new.channel_id)
        )
    ).scalar_one_or_none()
    if existing is None:
        result = await conn.execute(insert(subscriptions).values(created_at=at, **values))
        subscription_id = inserted_id(result)
    else:
        await conn.execute(
            update(subscriptions).where(subscriptions.c.id == existing).values(**values)
        )
        subscription_id = existing
    row = (
        await conn.execute(select(subscriptions).where(subscriptions.c.id == subscription_id))
    ).one()
    return from_row(row), existing is not None


async def remove(conn: AsyncConnection, guild_id: int, channel_id: int) -> bool:
    """Delete the channel's subscription and whatever it still had queued."""
    found = (
        await conn.execute(
            select(subscriptions.c.id).where(
                subscriptions.c.guild_id == guild_id,
                subscriptions.c.channel_id == channel_id,
            )
        )
    ).scalar_one_or_none()
    if found is None:
        return False
    await conn.execute(delete(deliveries).where(deliveries.c.subscription_id == found))
    await conn.execute(delete(subscriptions).where(subscriptions.c.id == found))
    return True


async def for_channel(conn: AsyncConnection, guild_id: int, channel_id: int) -> Subscription | None:
    row = (
        await conn.execute(
            select(subscriptions).where(
                subscriptions.c.guild_id == guild_id,
                subscriptions.c.channel_id == channel_id,
            )
        )
    ).first()
    return None if row is None else from_row(row)


async def of_guild(conn: AsyncConnection, guild_id: int) -> list[Subscription]:
    rows = await conn.execute(
        select(subscriptions)
        .where(subscriptions.c.guild_id == guild_id)
        .order_by(subscriptions.c.id)
    )
    return [from_row(row) for row in rows]


async def active(conn: AsyncConnection) -> list[Subscription]:
    rows = await conn.execute(
        select(subscriptions)
        .where(subscriptions.c.state == SubscriptionState.ACTIVE.value)
        .order_by(subscriptions.c.id)
    )
    return [from_row(row) for row in rows]


async def count(conn: AsyncConnection, *, guild_id: int | None = None) -> int:
    query = select(func.count()).select_from(subscriptions)
    if guild_id is not None:
        query = query.where(subscriptions.c.guild_id == guild_id)
    return int((await conn.execute(query)).scalar_one())


async def disable(
    conn: AsyncConnection, subscription_id: int, reason: str, *, at: datetime
) -> None:
    """Stop posting to a channel Discord refuses (its queue is failed by the outbox)."""
    await conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(
            state=SubscriptionState.DISABLED.value,
            last_failure=reason,
            last_failure_at=at,
            updated_at=at,
        )
    )


async def note_delivery(
    conn: AsyncConnection, subscription_id: int, *, at: datetime, failure: str | None
) -> None:
    """Remember the last post (or the last failure) for /alerts list."""
    values: dict[str, Any] = (
        {"last_delivery_at": at}
        if failure is None
        else {"last_failure": failure, "last_failure_at": at}
    )
    await conn.execute(
        update(subscriptions).where(subscriptions.c.id == subscription_id).values(**values)
    )


async def forget_stopped(conn: AsyncConnection, before: datetime) -> int:
    """Delete subscriptions disabled before ``before`` and what they still had queued."""
    stopped = select(subscriptions.c.id).where(
        subscriptions.c.state == SubscriptionState.DISABLED.value,
        subscriptions.c.updated_at < before,
    )
    await conn.execute(delete(deliveries).where(deliveries.c.subscription_id.in_(stopped)))
    forgotten = await conn.execute(delete(subscriptions).where(subscriptions.c.id.in_(stopped)))
    return int(forgotten.rowcount or 0)


def _filter_columns(alert_filter: AlertFilter) -> dict[str, Any]:
    return {
        "min_neo_score": alert_filter.min_neo_score,
        "min_pha_score": alert_filter.min_pha_score,
        "max_vmag": alert_filter.max_vmag,
        "min_rating": alert_filter.min_rating,
        "events": alert_filter.events.value,
    }


def from_row(row: Row[Any]) -> Subscription:
    return Subscription(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        filter=AlertFilter(
            min_neo_score=row.min_neo_score,
            min_pha_score=row.min_pha_score,
            max_vmag=row.max_vmag,
            min_rating=row.min_rating,
            events=EventSelection(row.events),
        ),
        mention_role_id=row.mention_role_id,
        created_by=row.created_by,
        created_at=row.created_at,
        state=SubscriptionState(row.state),
        last_failure=row.last_failure,
        last_failure_at=row.last_failure_at,
        last_delivery_at=row.last_delivery_at,
    )
