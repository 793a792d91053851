"""Follow-up: the alert messages that carry the status buttons, and each message's thread.

Functions take a connection so that the ``Store`` face decides what one transaction holds.

Threads are created exactly once: ``claim_thread`` records the intent *before* Discord is
asked, and a claim found still ``creating`` (a crash between Discord's answer and
``thread_opened``) is answered ``RECOVER``: look for the thread first. A thread started
from a message has the message's id, so finding it needs no search.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import BigInteger, Column, Index, Row, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.followup import ObjectKey
from bot.neocp.events import NeocpEvent
from bot.store.schema import UtcDateTime, metadata

# One row per alert message that carries status buttons: where to show the team's status,
# and the object's thread on it.
followup_messages = Table(
    "followup_messages",
    metadata,
    Column("message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("guild_id", BigInteger, nullable=False),
    Column("channel_id", BigInteger, nullable=False),
    Column("designation", String(32), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("thread_state", String(16), nullable=False),
    Column("thread_id", BigInteger),
    Column("at_risk_noted_at", UtcDateTime),
    Column("thread_retry_at", UtcDateTime),  # a BARRED thread is tried again from then
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_followup_messages_object", "guild_id", "designation", "first_seen"),
)


class ThreadState(StrEnum):
    NONE = "none"  # no thread wanted or possible yet
    CREATING = "creating"  # asked Discord; the answer may not have been recorded
    OPEN = "open"  # thread_id is the thread
    GONE = "gone"  # deleted (404) or its message is: post in the channel instead, for good
    BARRED = "barred"  # closed to the bot (403): the channel until thread_retry_at, then again


class ThreadClaim(StrEnum):
    CREATE = "create"  # nobody tried: create it now
    RECOVER = "recover"  # a try may have succeeded: look for the thread before creating
    EXISTS = "exists"  # recorded: use thread_id
    GONE = "gone"  # fall back to the channel


class AlertMessage(BaseModel):
    """An alert message with status buttons, and its thread."""

    model_config = ConfigDict(frozen=True)

    message_id: int
    guild_id: int
    channel_id: int
    object: ObjectKey
    thread_state: ThreadState
    thread_id: int | None
    at_risk_noted_at: datetime | None
    created_at: datetime
    thread_retry_at: datetime | None = None


# --- alert messages and their threads -----------------------------------------------------


async def remember_message(
    conn: AsyncConnection,
    *,
    guild_id: int,
    channel_id: int,
    message_id: int,
    key: ObjectKey,
    at: datetime,
) -> AlertMessage:
    """Record an alert message with status buttons (once; later calls return the row)."""
    found = await message(conn, message_id)
    if found is not None:
        return found
    await conn.execute(
        insert(followup_messages).values(
            message_id=message_id,
            guild_id=guild_id,
            channel_id=channel_id,
            designation=key.designation,
            first_seen=key.first_seen,
            thread_state=ThreadState.NONE.value,
            created_at=at,
        )
    )
    remembered = await message(conn, message_id)
    assert remembered is not None
    return remembered


async def message(conn: AsyncConnection, message_id: int) -> AlertMessage | None:
    row = (
        await conn.execute(
            select(followup_messages).where(followup_messages.c.message_id == message_id)
        )
    ).first()
    return None if row is None else message_from_row(row)


async def messages_of_object(
    conn: AsyncConnection, guild_id: int, key: ObjectKey
) -> list[AlertMessage]:
    """Every alert message of the object in this server (one per subscribed channel)."""
    rows = await conn.execute(
        select(followup_messages)
        .where(
            followup_messages.c.guild_id == guild_id,
            followup_messages.c.designation == key.designation,
            followup_messages.c.first_seen == key.first_seen,
        )
        .order_by(followup_messages.c.created_at)
    )
    return [message_from_row(row) for row in rows]


async def messages_of_designation(conn: AsyncConnection, designation: str) -> list[AlertMessage]:
    """Every server's alert messages for a designation (the watcher's updates and removal)."""
    rows = await conn.execute(
        select(followup_messages)
        .where(followup_messages.c.designation == designation)
        .order_by(followup_messages.c.created_at)
    )
    return [message_from_row(row) for row in rows]


async def open_threads(
    conn: AsyncConnection, found: Sequence[NeocpEvent], *, at: datetime
) -> dict[tuple[int, str, datetime], int]:
    """The open threads of these events' objects: (channel, designation, first seen) ->
    thread, in every channel (the outbox picks the channels it posts to). Threads barred
    until ``at`` or before are open again first: their events try them once more."""
    await conn.execute(
        update(followup_messages)
        .where(
            followup_messages.c.thread_state == ThreadState.BARRED.value,
            followup_messages.c.thread_retry_at <= at,
        )
        .values(thread_state=ThreadState.OPEN.value, thread_retry_at=None)
    )
    designations = sorted({event.designation for event in found})
    threads: dict[tuple[int, str, datetime], int] = {}
    for start in range(0, len(designations), 500):  # within every database's parameter limit
        rows = await conn.execute(
            select(followup_messages).where(
                followup_messages.c.designation.in_(designations[start : start + 500]),
                followup_messages.c.thread_state == ThreadState.OPEN.value,
            )
        )
        for row in rows:
            alert = message_from_row(row)
            key = (alert.channel_id, alert.object.designation, alert.object.first_seen)
            threads[key] = alert.thread_id or alert.message_id
    return threads


async def claim_thread(conn: AsyncConnection, message_id: int) -> ThreadClaim:
    """Before creating a thread on the message: record the intent, say what to do."""
    found = await message(conn, message_id)
    if found is None:
        return ThreadClaim.GONE  # forgotten meanwhile (`/alerts forget`): no thread
    if found.thread_state is ThreadState.OPEN:
        return ThreadClaim.EXISTS
    if found.thread_state in (ThreadState.GONE, ThreadState.BARRED):
        return ThreadClaim.GONE
    if found.thread_state is ThreadState.CREATING:
        return ThreadClaim.RECOVER
    await _set_thread(conn, message_id, ThreadState.CREATING, None)
    return ThreadClaim.CREATE


async def thread_opened(conn: AsyncConnection, message_id: int, thread_id: int) -> None:
    await _set_thread(conn, message_id, ThreadState.OPEN, thread_id)


async def thread_gone(conn: AsyncConnection, message_id: int) -> None:
    await _set_thread(conn, message_id, ThreadState.GONE, None)


async def thread_barred(
    conn: AsyncConnection, message_id: int, thread_id: int, until: datetime
) -> None:
    """Discord refused the thread to the bot (403): the channel instead, until ``until``."""
    await conn.execute(
        update(followup_messages)
        .where(followup_messages.c.message_id == message_id)
        .values(thread_state=ThreadState.BARRED.value, thread_id=thread_id, thread_retry_at=until)
    )


async def thread_not_created(conn: AsyncConnection, message_id: int) -> None:
    """Discord refused for a reason that may pass: a later event may try again."""
    await _set_thread(conn, message_id, ThreadState.NONE, None)


async def _set_thread(
    conn: AsyncConnection, message_id: int, state: ThreadState, thread_id: int | None
) -> None:
    await conn.execute(
        update(followup_messages)
        .where(followup_messages.c.message_id == message_id)
        .values(thread_state=state.value, thread_id=thread_id)
    )


async def note_at_risk(conn: AsyncConnection, message_id: int, at: datetime) -> bool:
    """Mark the at-risk note as posted; False if it already was (post it only once)."""
    result = await conn.execute(
        update(followup_messages)
        .where(
            followup_messages.c.message_id == message_id,
            followup_messages.c.at_risk_noted_at.is_(None),
        )
        .values(at_risk_noted_at=at)
    )
    return bool(result.rowcount)


def message_from_row(row: Row[object]) -> AlertMessage:
    return AlertMessage(
        message_id=row.message_id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        object=ObjectKey(designation=row.designation, first_seen=row.first_seen),
        thread_state=ThreadState(row.thread_state),
        thread_id=row.thread_id,
        at_risk_noted_at=row.at_risk_noted_at,
        created_at=row.created_at,
        thread_retry_at=row.thread_retry_at,
    )
