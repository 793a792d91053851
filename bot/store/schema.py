"""The tables the store queries. SQLAlchemy Core, so the same code runs on SQLite and
PostgreSQL.

The database gets its schema from the Alembic revisions in ``bot/store/migrations``: to
change a table, change it here AND add a revision there (tests/store/test_alembic.py fails
while the two differ). Modules with tables of their own (sites, statuses, alert messages,
follow-up channels) define them on this ``metadata``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False, index=True),
    Column("channel_id", BigInteger, nullable=False, unique=True),
    # The subscription's AlertFilter as one JSON document: a new filter field needs no
    # migration, only a default in the model.
    Column("filter", Text, nullable=False),
    Column("mention_role_id", BigInteger),
    Column("created_by", BigInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("last_failure", Text),
    Column("last_failure_at", UtcDateTime),
    Column("last_delivery_at", UtcDateTime),
)

# The objects the watcher tracks now (removed ones are deleted). Keyed by designation and
# first-seen time because temporary designations are reused over the years.
snapshot_objects = Table(
    "snapshot_objects",
    metadata,
    Column("designation", String(32), primary_key=True),
    Column("first_seen", UtcDateTime, primary_key=True),
    Column("latest", Text, nullable=False),  # ScoutObject JSON, Scout's key names
    Column("baseline", Text, nullable=False),
    Column("missing_polls", Integer, nullable=False, default=0),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("designation", String(32), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("detected_at", UtcDateTime, nullable=False, index=True),
    Column("payload", Text, nullable=False),  # NeocpEvent JSON
)

# A poll's events as one channel receives them: the event ids, in order, as a JSON list.
# Channels whose filters chose the same events share one digest.
digests = Table(
    "digests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_ids", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
)

# The outbox: one row per message owed to a channel (or a thread in it), written in the
# same transaction as the snapshot it comes from. Rows of one channel that are sent
# together as one Discord message share a nonce.
messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "digest_id",
        Integer,
        ForeignKey("digests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("channel_id", BigInteger, nullable=False),
    Column("thread_id", BigInteger),  # post in this thread of the channel instead
    Column("state", String(16), nullable=False),
    Column("nonce", String(32), index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", BigInteger),
    Column("reason", Text),
    Column("updated_at", UtcDateTime),  # None until the first attempt
    Index("ix_messages_state", "state"),
)
