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
    inspect,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.neocp.filters import AlertFilter

SCHEMA_VERSION = 6


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


async def _digest_outbox(conn: AsyncConnection) -> None:
    """v4 queued a row per event and channel; v5 queues a message per channel. Whatever was
    still queued becomes a message of its own, keeping its state and nonce."""
    await conn.run_sync(
        lambda sync: metadata.create_all(sync, tables=[digests, messages], checkfirst=True)
    )
    tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    if "deliveries" not in tables:  # a fresh database
        return
    queued = await conn.execute(
        text(
            "SELECT d.id, d.event_id, d.subscription_id, s.channel_id, d.state, d.nonce, "
            "d.attempts, d.reason, d.created_at FROM deliveries d "
            "JOIN subscriptions s ON s.id = d.subscription_id "
            "WHERE d.state IN ('pending', 'posting') ORDER BY d.id"
        )
    )
    for row in queued.mappings().all():
        created = await conn.execute(
            digests.insert().values(
                event_ids=f"[{row['event_id']}]", created_at=_aware(row["created_at"])
            )
        )
        assert created.inserted_primary_key is not None
        await conn.execute(
            messages.insert().values(
                digest_id=created.inserted_primary_key[0],
                subscription_id=row["subscription_id"],
                channel_id=row["channel_id"],
                state=row["state"],
                nonce=row["nonce"],
                attempts=row["attempts"],
                reason=row["reason"],
            )
        )
    await conn.execute(text("DROP TABLE deliveries"))


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite hands raw text back to text() queries
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


async def _add_followup_channels(conn: AsyncConnection) -> None:
    # Imported here: bot.store.followup_channels defines its table on this module's metadata.
    from bot.store.followup_channels import TABLES

    await conn.run_sync(
        lambda sync: metadata.create_all(sync, tables=list(TABLES), checkfirst=True)
    )


# MIGRATIONS[n] turns a database of version n into version n + 1.
MIGRATIONS: tuple[Callable[[AsyncConnection], Awaitable[None]], ...] = (
    _create_v1,
    _add_followup,
    _add_sites,
    _filter_as_document,
    _digest_outbox,
    _add_followup_channels,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


class SchemaTooNew(RuntimeError):
    """The database was written by a newer scout-bot; refuse rather than damage it."""


class NotOurDatabase(RuntimeError):
    """The database has tables but no scout-bot schema version: another application's.
    Refused before anything is written to it."""


async def _check_ours(conn: AsyncConnection) -> None:
    tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    if not tables - {meta.name}:
        return  # empty (a first start), or our own meta table alone
    if meta.name in tables and await _version(conn) is not None:
        return
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    raise NotOurDatabase(
        f"it has tables ({shown}) but no scout-bot schema version, so it belongs to "
        "another application (or a first start was cut short); it was left untouched: "
        "point database.url at a new file or an empty database"
    )


async def _version(conn: AsyncConnection) -> int | None:
    row = (await conn.execute(select(meta.c.value).where(meta.c.key == "schema_version"))).first()
    return int(row[0]) if row else None


async def migrate(conn: AsyncConnection) -> int:
    """Bring the schema up to date; returns the version found before migrating.

    A database with tables but no schema version is refused before anything is written.
    """
    await _check_ours(conn)
    await conn.run_sync(lambda sync: meta.create(sync, checkfirst=True))
    found = await _version(conn) or 0
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
