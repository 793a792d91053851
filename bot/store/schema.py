"""Tables and migrations. SQLAlchemy Core, so the same code runs on SQLite and PostgreSQL.

The ``meta`` table holds ``schema_version``; ``migrate`` brings any older database up to
``SCHEMA_VERSION`` in one transaction and refuses a database newer than this code. To
change the schema: bump ``SCHEMA_VERSION``, change the table below, and append a step to
``MIGRATIONS`` that turns a database of the previous version into the new one (a fresh
database runs every step, so a step must also accept what the earlier steps created).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
    UniqueConstraint,
    inspect,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.neocp.filters import AlertFilter

SCHEMA_VERSION = 4


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

# The outbox: one row per event and subscription, written in the same transaction as the
# snapshot it comes from, so an event is either fully queued or not at all.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("state", String(16), nullable=False),
    Column("nonce", String(32)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", BigInteger),
    Column("reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("event_id", "subscription_id"),
    Index("ix_deliveries_state", "state"),
)


async def _create_v1(conn: AsyncConnection) -> None:
    await conn.run_sync(metadata.create_all)


async def _add_followup(conn: AsyncConnection) -> None:
    # Imported here: bot.store.statuses defines its tables on this module's metadata.
    from bot.store.statuses import TABLES

    await conn.run_sync(
        lambda sync: metadata.create_all(sync, tables=list(TABLES), checkfirst=True)
    )


async def _add_sites(conn: AsyncConnection) -> None:
    # Imported here: bot.store.sites defines its tables on this module's metadata.
    from bot.store.sites import TABLES

    await conn.run_sync(
        lambda sync: metadata.create_all(sync, tables=list(TABLES), checkfirst=True)
    )


_V1_FILTER_COLUMNS = ("min_neo_score", "min_pha_score", "max_vmag", "min_rating", "events")


async def _filter_as_document(conn: AsyncConnection) -> None:
    """v1 kept each threshold in a column of its own; v4 keeps the filter as one document."""
    columns = await conn.run_sync(
        lambda sync: {column["name"] for column in inspect(sync).get_columns("subscriptions")}
    )
    if "filter" in columns:  # a fresh database: the step above created the current table
        return
    await conn.execute(text("ALTER TABLE subscriptions ADD COLUMN filter TEXT"))
    rows = await conn.execute(
        text(f"SELECT id, {', '.join(_V1_FILTER_COLUMNS)} FROM subscriptions")
    )
    for row in rows.mappings().all():
        document = AlertFilter.model_validate(
            {name: row[name] for name in _V1_FILTER_COLUMNS}
        ).to_document()
        await conn.execute(
            text("UPDATE subscriptions SET filter = :filter WHERE id = :id"),
            {"filter": document, "id": row["id"]},
        )
    for name in _V1_FILTER_COLUMNS:
        await conn.execute(text(f"ALTER TABLE subscriptions DROP COLUMN {name}"))
    if conn.dialect.name == "postgresql":  # SQLite cannot add NOT NULL to a column
        await conn.execute(text("ALTER TABLE subscriptions ALTER COLUMN filter SET NOT NULL"))


# MIGRATIONS[n] turns a database of version n into version n + 1.
MIGRATIONS: tuple[Callable[[AsyncConnection], Awaitable[None]], ...] = (
    _create_v1,
    _add_followup,
    _add_sites,
    _filter_as_document,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


class SchemaTooNew(RuntimeError):
    """The database was written by a newer scout-bot; refuse rather than damage it."""


async def migrate(conn: AsyncConnection) -> int:
    """Bring the schema up to date; returns the version found before migrating."""
    await conn.run_sync(lambda sync: meta.create(sync, checkfirst=True))
    row = (await conn.execute(select(meta.c.value).where(meta.c.key == "schema_version"))).first()
    found = int(row[0]) if row else 0
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the database has schema version {found}, newer than this scout-bot "
            f"understands ({SCHEMA_VERSION}); run a newer version or another database"
        )
    for step in MIGRATIONS[found:]:
        await step(conn)
    if found == 0:
        await conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    elif found < SCHEMA_VERSION:
        await conn.execute(
            meta.update().where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
        )
    return found
