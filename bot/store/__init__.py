"""Subscriptions, the snapshot the watcher diffs against, and the outbox of deliveries.

SQLAlchemy's async Core over aiosqlite (PostgreSQL can follow with its async driver). All
SQL of the project lives here; callers get and give the typed records of
``bot.store.models``. Every write that belongs together runs in one transaction: a poll's
snapshot, its events and their deliveries are stored together or not at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import CursorResult, Row, delete, event, func, insert, select, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.neocp.events import NeocpEvent, TrackedObject
from bot.neocp.filters import AlertFilter, EventSelection
from bot.scout.models import ScoutObject
from bot.store import schema
from bot.store.models import (
    Delivery,
    DeliveryState,
    NewSubscription,
    OutboxCounts,
    Snapshot,
    Subscription,
    SubscriptionState,
)
from bot.store.schema import deliveries, events, meta, snapshot_objects, subscriptions

__all__ = [
    "Delivery",
    "DeliveryState",
    "NewSubscription",
    "OutboxCounts",
    "Snapshot",
    "Store",
    "StoreError",
    "Subscription",
    "SubscriptionState",
    "async_url",
]

log = logging.getLogger(__name__)

_INITIALISED_KEY = "snapshot_initialised_at"
_QUEUED = (DeliveryState.PENDING.value, DeliveryState.POSTING.value)


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says what to fix."""


def async_url(url: str) -> URL:
    """The async driver's form of ``database.url`` (given in SQLAlchemy's sync form)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"database.url is not a SQLAlchemy URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    raise StoreError(f"database.url: unsupported database {backend!r}; use sqlite or postgresql")


def _sqlite_path(url: URL) -> Path | None:
    """The database file, or None for an in-memory database."""
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        return None
    return Path(url.database)


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # SQLite allows one writer; serialising our own writes avoids "database is locked"
        # when a command and the watcher write at the same moment.
        self._write_lock = asyncio.Lock()

    # --- life cycle -----------------------------------------------------------------------

    @classmethod
    async def open(cls, url: str) -> Store:
        """Open (creating on first run) and migrate the database at ``url``."""
        target = async_url(url)
        try:
            engine = _make_engine(target)
        except OSError as exc:
            raise StoreError(f"cannot create the database {_safe(target)}: {exc}") from None
        except ImportError as exc:
            raise StoreError(
                f"the database driver for {target.drivername} is not installed ({exc.name})"
            ) from None
        try:
            async with engine.begin() as conn:
                found = await schema.migrate(conn)
        except schema.SchemaTooNew as exc:
            await engine.dispose()
            raise StoreError(str(exc)) from None
        except (SQLAlchemyError, OSError) as exc:
            await engine.dispose()
            raise StoreError(f"cannot open the database {_safe(target)}: {exc}") from exc
        if found < schema.SCHEMA_VERSION:
            log.info(
                "database %s: schema version %d -> %d",
                _safe(target),
                found,
                schema.SCHEMA_VERSION,
            )
        return cls(engine)

    async def close(self) -> None:
        await self._engine.dispose()

    # --- subscriptions --------------------------------------------------------------------

    async def save_subscription(
        self, new: NewSubscription, *, at: datetime | None = None
    ) -> tuple[Subscription, bool]:
        """Create the channel's subscription, or replace its settings (and re-enable it).

        Returns the subscription and whether one existed already.
        """
        at = at or _now()
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
        async with self._writing() as conn:
            existing = (
                await conn.execute(
                    select(subscriptions.c.id).where(subscriptions.c.channel_id == new.channel_id)
                )
            ).scalar_one_or_none()
            if existing is None:
                result = await conn.execute(insert(subscriptions).values(created_at=at, **values))
                subscription_id = _inserted_id(result)
            else:
                await conn.execute(
                    update(subscriptions).where(subscriptions.c.id == existing).values(**values)
                )
                subscription_id = existing
            row = (
                await conn.execute(
                    select(subscriptions).where(subscriptions.c.id == subscription_id)
                )
            ).one()
        return _subscription(row), existing is not None

    async def remove_subscription(self, guild_id: int, channel_id: int) -> bool:
        """Delete the channel's subscription and whatever it still had queued."""
        async with self._writing() as conn:
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

    async def subscription_for_channel(self, guild_id: int, channel_id: int) -> Subscription | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(subscriptions).where(
                        subscriptions.c.guild_id == guild_id,
                        subscriptions.c.channel_id == channel_id,
                    )
                )
            ).first()
        return None if row is None else _subscription(row)

    async def guild_subscriptions(self, guild_id: int) -> list[Subscription]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(subscriptions)
                .where(subscriptions.c.guild_id == guild_id)
                .order_by(subscriptions.c.id)
            )
            return [_subscription(row) for row in rows]

    async def count_subscriptions(self, *, guild_id: int | None = None) -> int:
        query = select(func.count()).select_from(subscriptions)
        if guild_id is not None:
            query = query.where(subscriptions.c.guild_id == guild_id)
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def disable_subscription(
        self, subscription_id: int, reason: str, *, at: datetime | None = None
    ) -> None:
        """Stop posting to a channel Discord refuses, and fail what it had queued."""
        at = at or _now()
        async with self._writing() as conn:
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
            await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.subscription_id == subscription_id,
                    deliveries.c.state.in_(_QUEUED),
                )
                .values(
                    state=DeliveryState.FAILED.value,
                    reason=f"subscription disabled: {reason}",
                    updated_at=at,
                )
            )

    # --- snapshot -------------------------------------------------------------------------

    async def load_snapshot(self) -> Snapshot:
        async with self._engine.connect() as conn:
            initialised = await _meta_value(conn, _INITIALISED_KEY) is not None
            rows = await conn.execute(
                select(snapshot_objects).order_by(snapshot_objects.c.designation)
            )
            objects = [tracked for row in rows if (tracked := _tracked(row)) is not None]
        return Snapshot(initialised=initialised, objects=tuple(objects))

    async def record_first_poll(
        self, objects: Sequence[TrackedObject], *, at: datetime | None = None
    ) -> None:
        """Store the first list seen: from now on, differences from it are events."""
        at = at or _now()
        async with self._writing() as conn:
            await _replace_snapshot(conn, objects)
            await _set_meta(conn, _INITIALISED_KEY, at.isoformat())

    async def record_poll(
        self,
        objects: Sequence[TrackedObject],
        new_events: Sequence[NeocpEvent],
        *,
        at: datetime | None = None,
    ) -> int:
        """Store a poll's snapshot, its events and a delivery per event and wanting channel.

        One transaction: a crash leaves either the old snapshot (the next poll finds the
        same events again) or everything queued (delivery resumes). Returns the number of
        deliveries queued.
        """
        at = at or _now()
        async with self._writing() as conn:
            await _replace_snapshot(conn, objects)
            await _set_meta(conn, _INITIALISED_KEY, at.isoformat(), keep_existing=True)
            if not new_events:
                return 0
            active = [
                _subscription(row)
                for row in await conn.execute(
                    select(subscriptions).where(
                        subscriptions.c.state == SubscriptionState.ACTIVE.value
                    )
                )
            ]
            queued = 0
            for neocp_event in new_events:
                result = await conn.execute(
                    insert(events).values(
                        kind=neocp_event.kind.value,
                        designation=neocp_event.designation,
                        first_seen=neocp_event.first_seen,
                        detected_at=neocp_event.detected_at,
                        payload=neocp_event.model_dump_json(by_alias=True),
                    )
                )
                event_id = _inserted_id(result)
                rows = [
                    {
                        "event_id": event_id,
                        "subscription_id": subscription.id,
                        "state": DeliveryState.PENDING.value,
                        "attempts": 0,
                        "created_at": at,
                        "updated_at": at,
                    }
                    for subscription in active
                    if subscription.filter.wants(neocp_event)
                ]
                if rows:
                    await conn.execute(insert(deliveries), rows)
                    queued += len(rows)
        return queued

    # --- outbox ---------------------------------------------------------------------------

    async def due_deliveries(self, *, limit: int = 200) -> list[Delivery]:
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
                deliveries.c.state.in_(_QUEUED),
                subscriptions.c.state == SubscriptionState.ACTIVE.value,
            )
            .order_by(deliveries.c.id)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = []
        for row in rows:
            try:
                neocp_event = NeocpEvent.model_validate_json(row.payload)
            except ValidationError:
                log.exception(
                    "delivery %d: its stored event cannot be read; skipping", row.delivery_id
                )
                await self.mark_failed(row.delivery_id, "stored event unreadable")
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
                    subscription=_subscription(row),
                )
            )
        return found

    async def mark_posting(
        self, delivery_id: int, nonce: str, *, at: datetime | None = None
    ) -> None:
        """Record the nonce *before* sending, so a resend after a crash reuses it."""
        await self._set_delivery(delivery_id, at, state=DeliveryState.POSTING.value, nonce=nonce)

    async def mark_sent(
        self,
        delivery_id: int,
        message_id: int,
        *,
        at: datetime | None = None,
    ) -> None:
        at = at or _now()
        async with self._writing() as conn:
            subscription_id = (
                await conn.execute(
                    update(deliveries)
                    .where(deliveries.c.id == delivery_id)
                    .values(
                        state=DeliveryState.SENT.value,
                        message_id=message_id,
                        reason=None,
                        updated_at=at,
                    )
                    .returning(deliveries.c.subscription_id)
                )
            ).scalar_one_or_none()
            if subscription_id is not None:
                await conn.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id == subscription_id)
                    .values(last_delivery_at=at)
                )

    async def mark_retry(
        self, delivery_id: int, reason: str, *, at: datetime | None = None
    ) -> None:
        """A send failed for a reason that may pass (5xx, a timeout): try again later."""
        await self._set_delivery(delivery_id, at, reason=reason, attempts=deliveries.c.attempts + 1)

    async def mark_failed(
        self, delivery_id: int, reason: str, *, at: datetime | None = None
    ) -> None:
        """Give up on one delivery (the subscription stays as it is)."""
        at = at or _now()
        async with self._writing() as conn:
            subscription_id = (
                await conn.execute(
                    update(deliveries)
                    .where(deliveries.c.id == delivery_id)
                    .values(state=DeliveryState.FAILED.value, reason=reason, updated_at=at)
                    .returning(deliveries.c.subscription_id)
                )
            ).scalar_one_or_none()
            if subscription_id is not None:
                await conn.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id == subscription_id)
                    .values(last_failure=reason, last_failure_at=at)
                )

    async def outbox_counts(self) -> OutboxCounts:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            )
            counts = {state: int(count) for state, count in rows}
        return OutboxCounts(
            pending=sum(counts.get(state, 0) for state in _QUEUED),
            sent=counts.get(DeliveryState.SENT.value, 0),
            failed=counts.get(DeliveryState.FAILED.value, 0),
        )

    async def prune(self, before: datetime) -> int:
        """Forget what is older than ``before``: finished deliveries, their events, and
        subscriptions stopped since then (their channel gone, or nobody fixed it).
        Returns the number of rows removed."""
        async with self._writing() as conn:
            stopped = select(subscriptions.c.id).where(
                subscriptions.c.state == SubscriptionState.DISABLED.value,
                subscriptions.c.updated_at < before,
            )
            await conn.execute(delete(deliveries).where(deliveries.c.subscription_id.in_(stopped)))
            forgotten = await conn.execute(
                delete(subscriptions).where(subscriptions.c.id.in_(stopped))
            )
            done = await conn.execute(
                delete(deliveries).where(
                    deliveries.c.state.not_in(_QUEUED), deliveries.c.updated_at < before
                )
            )
            still_referenced = select(deliveries.c.event_id)
            old_events = await conn.execute(
                delete(events).where(
                    events.c.detected_at < before, events.c.id.not_in(still_referenced)
                )
            )
        return sum(int(result.rowcount or 0) for result in (forgotten, done, old_events))

    # --- helpers --------------------------------------------------------------------------

    def _writing(self) -> _WriteTransaction:
        return _WriteTransaction(self._engine, self._write_lock)

    async def _set_delivery(self, delivery_id: int, at: datetime | None, **values: Any) -> None:
        async with self._writing() as conn:
            await conn.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(updated_at=at or _now(), **values)
            )


class _WriteTransaction:
    """``async with``: take the write lock, then run one transaction."""

    def __init__(self, engine: AsyncEngine, lock: asyncio.Lock) -> None:
        self._engine = engine
        self._lock = lock
        self._transaction: Any = None

    async def __aenter__(self) -> AsyncConnection:
        await self._lock.acquire()
        try:
            self._transaction = self._engine.begin()
            conn: AsyncConnection = await self._transaction.__aenter__()
        except BaseException:
            self._lock.release()
            raise
        return conn

    async def __aexit__(self, *exc_info: Any) -> None:
        try:
            await self._transaction.__aexit__(*exc_info)
        finally:
            self._lock.release()


def _make_engine(url: URL) -> AsyncEngine:
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True)
    path = _sqlite_path(url)
    if path is None:
        # One shared connection, or every connection would see its own empty database.
        engine = create_async_engine(url, poolclass=StaticPool)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if path is not None:
            # Readers (commands) need not wait for the watcher's writes.
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _filter_columns(alert_filter: AlertFilter) -> dict[str, Any]:
    return {
        "min_neo_score": alert_filter.min_neo_score,
        "min_pha_score": alert_filter.min_pha_score,
        "max_vmag": alert_filter.max_vmag,
        "min_rating": alert_filter.min_rating,
        "events": alert_filter.events.value,
    }


def _subscription(row: Row[Any]) -> Subscription:
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


def _tracked(row: Row[Any]) -> TrackedObject | None:
    try:
        return TrackedObject(
            designation=row.designation,
            first_seen=row.first_seen,
            latest=ScoutObject.model_validate_json(row.latest),
            baseline=ScoutObject.model_validate_json(row.baseline),
            missing_polls=row.missing_polls,
        )
    except ValidationError:
        # Losing one object's history (it will be announced as new) beats a watcher
        # that can never poll again.
        log.exception("snapshot row for %s cannot be read; dropping it", row.designation)
        return None


async def _replace_snapshot(conn: AsyncConnection, objects: Iterable[TrackedObject]) -> None:
    await conn.execute(delete(snapshot_objects))
    rows = [
        {
            "designation": tracked.designation,
            "first_seen": tracked.first_seen,
            "latest": tracked.latest.model_dump_json(by_alias=True),
            "baseline": tracked.baseline.model_dump_json(by_alias=True),
            "missing_polls": tracked.missing_polls,
        }
        for tracked in objects
    ]
    if rows:
        await conn.execute(insert(snapshot_objects), rows)


async def _meta_value(conn: AsyncConnection, key: str) -> str | None:
    row = (await conn.execute(select(meta.c.value).where(meta.c.key == key))).first()
    return None if row is None else str(row[0])


async def _set_meta(
    conn: AsyncConnection, key: str, value: str, *, keep_existing: bool = False
) -> None:
    current = await _meta_value(conn, key)
    if current is None:
        await conn.execute(insert(meta).values(key=key, value=value))
    elif not keep_existing:
        await conn.execute(update(meta).where(meta.c.key == key).values(value=value))
