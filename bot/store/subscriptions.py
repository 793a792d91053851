"""The ``subscriptions`` table: which channel wants which alerts.

Functions take a connection so that the ``Store`` face decides what one transaction holds.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Row, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import InvalidInput
from bot.neocp.filters import AlertFilter
from bot.store.models import NewSubscription, Subscription, SubscriptionState
from bot.store.schema import messages, subscriptions

log = logging.getLogger(__name__)

# /alerts list shows one embed field per subscription, and an embed holds 25.
MAX_SUBSCRIPTIONS_PER_SERVER = 25

SUBSCRIBE_KEY = "scoutbot:subscribe"
# Two-key advisory lock: the first names the lock (and, like the leader's, the schema: bots
# in other schemas are other bots), the second the server.
_SUBSCRIBE_LOCK_ID = "hashtext(:key || coalesce(current_schema(), ''))"


class TooManySubscriptions(InvalidInput):
    """The server has as many alert channels as it may; a new one is refused."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"This server already has {limit} alert channels; `/alerts unsubscribe` one first."
        )
        self.limit = limit


async def save(
    conn: AsyncConnection,
    new: NewSubscription,
    *,
    at: datetime,
    max_per_guild: int | None = MAX_SUBSCRIPTIONS_PER_SERVER,
) -> tuple[Subscription, bool]:
    """Create the channel's subscription, or replace its settings (and re-enable it).

    A new channel beyond ``max_per_guild`` raises ``TooManySubscriptions``; replacing an
    existing one is always allowed. Returns the subscription and whether one existed.
    """
    values: dict[str, Any] = {
        "guild_id": new.guild_id,
        "channel_id": new.channel_id,
        "filter": new.filter.to_document(),
        "mention_role_id": new.mention_role_id,
        "created_by": new.created_by,
        "updated_at": at,
        "state": SubscriptionState.ACTIVE.value,
        "last_failure": None,
        "last_failure_at": None,
    }
    await _one_subscribe_at_a_time(conn, new.guild_id)
    existing = (
        await conn.execute(
            select(subscriptions.c.id).where(subscriptions.c.channel_id == new.channel_id)
        )
    ).scalar_one_or_none()
    if existing is None and max_per_guild is not None:
        await _check_room(conn, new.guild_id, max_per_guild)
    # An upsert, not "insert if absent": a process that subscribes the same channel at the
    # same instant replaces the settings (the last write wins) instead of failing.
    upsert = _insert_for(conn).values(created_at=at, **values)
    row = (
        await conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[subscriptions.c.channel_id], set_=values
            ).returning(*subscriptions.c)
        )
    ).one()
    return from_row(row), existing is not None


def _insert_for(conn: AsyncConnection) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` (both spell it alike)."""
    return (
        postgresql.insert(subscriptions)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(subscriptions)
    )


async def _one_subscribe_at_a_time(conn: AsyncConnection, guild_id: int) -> None:
    """Several processes may share a PostgreSQL database: a lock on the server, held until
    the transaction ends, lets its subscribes count the places left one after another
    (two counting at once could both take the last one). SQLite has one process, whose
    writes the store's write lock already serialises."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text(f"SELECT pg_advisory_xact_lock({_SUBSCRIBE_LOCK_ID}, :guild)"),
            # Server ids are 64 bits, lock keys 32: servers that share a key merely wait.
            {"key": SUBSCRIBE_KEY, "guild": guild_id % 2**31},
        )


async def _check_room(conn: AsyncConnection, guild_id: int, limit: int) -> None:
    if await count(conn, guild_id=guild_id) >= limit:
        raise TooManySubscriptions(limit)


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
    await conn.execute(delete(messages).where(messages.c.subscription_id == found))
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
    return None if row is None else _readable(row)


async def of_guild(conn: AsyncConnection, guild_id: int) -> list[Subscription]:
    rows = await conn.execute(
        select(subscriptions)
        .where(subscriptions.c.guild_id == guild_id)
        .order_by(subscriptions.c.id)
    )
    return [subscription for row in rows if (subscription := _readable(row)) is not None]


async def active_channels(conn: AsyncConnection) -> dict[int, int]:
    """Active subscription id -> its channel."""
    rows = await conn.execute(
        select(subscriptions.c.id, subscriptions.c.channel_id).where(
            subscriptions.c.state == SubscriptionState.ACTIVE.value
        )
    )
    return {int(subscription_id): int(channel_id) for subscription_id, channel_id in rows}


async def active(conn: AsyncConnection) -> list[Subscription]:
    rows = await conn.execute(
        select(subscriptions)
        .where(subscriptions.c.state == SubscriptionState.ACTIVE.value)
        .order_by(subscriptions.c.id)
    )
    return [subscription for row in rows if (subscription := _readable(row)) is not None]


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
    await conn.execute(delete(messages).where(messages.c.subscription_id.in_(stopped)))
    forgotten = await conn.execute(delete(subscriptions).where(subscriptions.c.id.in_(stopped)))
    return int(forgotten.rowcount or 0)


@functools.lru_cache(maxsize=1024)
def _filter(document: str) -> AlertFilter:
    # Most channels share a handful of filters; each document is read once.
    return AlertFilter.from_document(document)


def _readable(row: Row[Any]) -> Subscription | None:
    try:
        return from_row(row)
    except ValidationError:
        # A filter this version cannot honour (written by a newer one, or damaged): that
        # channel gets nothing rather than more than it asked for; subscribing again fixes it.
        log.exception("subscription %d: its filter cannot be read; skipping it", row.id)
        return None


def from_row(row: Row[Any]) -> Subscription:
    """Raises ``ValidationError`` when the stored filter cannot be read."""
    return Subscription(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        filter=_filter(row.filter),
        mention_role_id=row.mention_role_id,
        created_by=row.created_by,
        created_at=row.created_at,
        state=SubscriptionState(row.state),
        last_failure=row.last_failure,
        last_failure_at=row.last_failure_at,
        last_delivery_at=row.last_delivery_at,
    )
