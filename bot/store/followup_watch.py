"""What the follow-up watch reads: the objects with an open thread and no at-risk note
yet, with their latest record from the watcher's snapshot.

Functions take a connection so that the ``Store`` face decides what one transaction holds.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.scout.models import ScoutObject
from bot.store.alert_messages import AlertMessage, ThreadState, followup_messages, message_from_row
from bot.store.schema import snapshot_objects

log = logging.getLogger(__name__)


async def threads_to_watch(conn: AsyncConnection) -> list[tuple[AlertMessage, ScoutObject]]:
    """Open threads without an at-risk note whose object is still on the NEOCP."""
    rows = await conn.execute(
        select(followup_messages, snapshot_objects.c.latest)
        .join(
            snapshot_objects,
            (snapshot_objects.c.designation == followup_messages.c.designation)
            & (snapshot_objects.c.first_seen == followup_messages.c.first_seen),
        )
        .where(
            followup_messages.c.thread_state == ThreadState.OPEN.value,
            followup_messages.c.at_risk_noted_at.is_(None),
        )
        .order_by(followup_messages.c.created_at)
    )
    found = []
    for row in rows:
        try:
            found.append((message_from_row(row), ScoutObject.model_validate_json(row.latest)))
        except ValidationError:
            log.warning("snapshot record of %s unreadable; no at-risk check", row.designation)
    return found
