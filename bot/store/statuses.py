"""Follow-up: the statuses a server's members give NEOCP objects, and servers the bot has
left (the alert messages and their threads are in ``alert_messages``).

Functions take a connection so that the ``Store`` face decides what one transaction holds.
Every query names its server: a server's statuses are never read for another one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Index,
    Integer,
    Row,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.followup import (
    FollowupStatus,
    ObjectKey,
    StatusRecord,
    TeamStatus,
    after_undo,
    check_press,
    current_status,
)
from bot.store.alert_messages import followup_messages
from bot.store.cards import followup_cards
from bot.store.schema import UtcDateTime, metadata, snapshot_objects

followup_statuses = Table(
    "followup_statuses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False),
    Column("designation", String(32), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("member_name", String(100), nullable=False),
    Column("site_code", String(8)),
    Column("status", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_followup_statuses_object", "guild_id", "designation", "first_seen"),
    Index("ix_followup_statuses_member", "guild_id", "member_id"),
)

# Servers the bot was removed from: their data goes after a grace period (a mistaken kick
# and re-invite must not wipe a team's follow-up).
guild_departures = Table(
    "guild_departures",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("left_at", UtcDateTime, nullable=False),
)

TABLES = (followup_statuses, followup_messages, guild_departures)


class PressResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    record: StatusRecord | None  # the new status; None after an undo
    now_current: StatusRecord | None  # the member's status after the press
    team: TeamStatus


# --- statuses -----------------------------------------------------------------------------


def _of_object(guild_id: int, key: ObjectKey) -> list[ColumnElement[bool]]:
    return [
        followup_statuses.c.guild_id == guild_id,
        followup_statuses.c.designation == key.designation,
        followup_statuses.c.first_seen == key.first_seen,
    ]


async def _records(conn: AsyncConnection, *conditions: ColumnElement[bool]) -> list[StatusRecord]:
    rows = await conn.execute(
        select(followup_statuses)
        .where(*conditions)
        .order_by(followup_statuses.c.at, followup_statuses.c.id)
    )
    return [_record(row) for row in rows]


async def record_press(conn: AsyncConnection, record: StatusRecord) -> PressResult:
    """Add a member's status after checking it against their current one.

    Raises ``PressRefused`` (nothing written) for a repeat or a contradiction.
    """
    history = await _records(
        conn,
        *_of_object(record.guild_id, record.object),
        followup_statuses.c.member_id == record.member_id,
    )
    check_press(current_status(history), record.status, record.object.designation)
    await conn.execute(
        insert(followup_statuses).values(
            guild_id=record.guild_id,
            designation=record.object.designation,
            first_seen=record.object.first_seen,
            member_id=record.member_id,
            member_name=record.member_name[:100],
            site_code=record.site_code,
            status=record.status.value,
            at=record.at,
        )
    )
    return PressResult(
        record=record,
        now_current=record,
        team=await team_status(conn, record.guild_id, record.object),
    )


async def undo_last(
    conn: AsyncConnection, guild_id: int, key: ObjectKey, member_id: int
) -> PressResult:
    """Remove the member's own last status on the object (``PressRefused`` when none)."""
    rows = (
        await conn.execute(
            select(followup_statuses)
            .where(*_of_object(guild_id, key), followup_statuses.c.member_id == member_id)
            .order_by(followup_statuses.c.at, followup_statuses.c.id)
        )
    ).all()
    remaining = after_undo([_record(row) for row in rows], key.designation)
    await conn.execute(delete(followup_statuses).where(followup_statuses.c.id == rows[-1].id))
    return PressResult(
        record=None,
        now_current=remaining[-1] if remaining else None,
        team=await team_status(conn, guild_id, key),
    )


async def team_status(conn: AsyncConnection, guild_id: int, key: ObjectKey) -> TeamStatus:
    return TeamStatus.from_records(await _records(conn, *_of_object(guild_id, key)))


async def teams_by_designation(
    conn: AsyncConnection, guild_id: int, designations: Iterable[str] | None = None
) -> dict[str, TeamStatus]:
    """The server's team status per designation, for lists that know no first-seen time.

    A designation reused years later is a different object: only the most recent
    first-seen time of each designation counts.
    """
    conditions = [followup_statuses.c.guild_id == guild_id]
    if designations is not None:
        conditions.append(followup_statuses.c.designation.in_(list(designations)))
    records = await _records(conn, *conditions)
    newest: dict[str, datetime] = {}
    for record in records:
        seen = newest.get(record.object.designation)
        if seen is None or record.object.first_seen > seen:
            newest[record.object.designation] = record.object.first_seen
    grouped: dict[str, list[StatusRecord]] = {}
    for record in records:
        if record.object.first_seen == newest[record.object.designation]:
            grouped.setdefault(record.object.designation, []).append(record)
    return {designation: TeamStatus.from_records(group) for designation, group in grouped.items()}


async def open_targets(
    conn: AsyncConnection, guild_id: int, member_id: int
) -> list[tuple[StatusRecord, TeamStatus]]:
    """The member's objects still to observe or report (Targeting, Found), newest first,
    each with the team's status."""
    mine = await _records(
        conn, followup_statuses.c.guild_id == guild_id, followup_statuses.c.member_id == member_id
    )
    latest: dict[ObjectKey, StatusRecord] = {}
    for record in mine:
        latest[record.object] = record
    found = []
    for record in sorted(latest.values(), key=lambda r: r.at, reverse=True):
        if record.status.open:
            found.append((record, await team_status(conn, guild_id, record.object)))
    return found


async def still_listed(conn: AsyncConnection, key: ObjectKey) -> bool | None:
    """Is the object on the watcher's current NEOCP list? None when the watcher has no
    list (alerts off, or not polled yet): then nobody can say it is gone."""
    listed = (
        await conn.execute(
            select(func.count())
            .select_from(snapshot_objects)
            .where(
                snapshot_objects.c.designation == key.designation,
                snapshot_objects.c.first_seen == key.first_seen,
            )
        )
    ).scalar_one()
    if listed:
        return True
    anything = (await conn.execute(select(func.count()).select_from(snapshot_objects))).scalar_one()
    return False if anything else None


# --- privacy and retention ----------------------------------------------------------------


async def guild_left(conn: AsyncConnection, guild_id: int, at: datetime) -> None:
    exists = (
        await conn.execute(
            select(func.count())
            .select_from(guild_departures)
            .where(guild_departures.c.guild_id == guild_id)
        )
    ).scalar_one()
    if not exists:
        await conn.execute(insert(guild_departures).values(guild_id=guild_id, left_at=at))


async def guild_back(conn: AsyncConnection, guild_id: int) -> None:
    await conn.execute(delete(guild_departures).where(guild_departures.c.guild_id == guild_id))


async def departed_before(conn: AsyncConnection, moment: datetime) -> list[int]:
    rows = await conn.execute(
        select(guild_departures.c.guild_id).where(guild_departures.c.left_at < moment)
    )
    return [int(row[0]) for row in rows]


async def prune(conn: AsyncConnection, before: datetime) -> int:
    """Forget objects first seen before ``before``: long designated or withdrawn."""
    removed = 0
    for table in (followup_statuses, followup_messages, followup_cards):
        result = await conn.execute(delete(table).where(table.c.first_seen < before))
        removed += int(result.rowcount or 0)
    return removed


# --- rows ---------------------------------------------------------------------------------


def _record(row: Row[object]) -> StatusRecord:
    return StatusRecord(
        guild_id=row.guild_id,
        object=ObjectKey(designation=row.designation, first_seen=row.first_seen),
        member_id=row.member_id,
        member_name=row.member_name,
        site_code=row.site_code,
        status=FollowupStatus(row.status),
        at=row.at,
    )
