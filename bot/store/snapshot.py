"""The ``snapshot_objects`` table (the NEOCP list the watcher diffs against) and the ``meta``
key that says a first list was recorded."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.neocp.diff import SnapshotChanges
from bot.neocp.events import TrackedObject
from bot.scout.models import ScoutObject
from bot.store.models import Snapshot
from bot.store.schema import meta, snapshot_objects

log = logging.getLogger(__name__)

_INITIALISED_KEY = "snapshot_initialised_at"


async def load(conn: AsyncConnection) -> Snapshot:
    initialised = await _meta_value(conn, _INITIALISED_KEY) is not None
    rows = await conn.execute(select(snapshot_objects).order_by(snapshot_objects.c.designation))
    objects = [tracked for row in rows if (tracked := _tracked(row)) is not None]
    return Snapshot(initialised=initialised, objects=tuple(objects))


async def replace(conn: AsyncConnection, objects: Iterable[TrackedObject], *, at: datetime) -> None:
    """Make ``objects`` the snapshot: the first list, which the watcher starts from."""
    await conn.execute(delete(snapshot_objects))
    rows = [_row(tracked) for tracked in objects]
    if rows:
        await conn.execute(insert(snapshot_objects), rows)
    await _set_meta(conn, _INITIALISED_KEY, at.isoformat())


async def apply(conn: AsyncConnection, changes: SnapshotChanges) -> None:
    """Write only what a poll changed: new rows, changed rows, removed rows."""
    if changes.added:
        await conn.execute(insert(snapshot_objects), [_row(t) for t in changes.added])
    if changes.changed:
        await conn.execute(
            update(snapshot_objects)
            .where(
                snapshot_objects.c.designation == bindparam("key_designation"),
                snapshot_objects.c.first_seen == bindparam("key_first_seen"),
            )
            .values(
                latest=bindparam("latest"),
                baseline=bindparam("baseline"),
                missing_polls=bindparam("missing_polls"),
            ),
            [_keyed(_row(t)) for t in changes.changed],
        )
    if changes.removed:
        await conn.execute(
            delete(snapshot_objects).where(
                snapshot_objects.c.designation == bindparam("key_designation"),
                snapshot_objects.c.first_seen == bindparam("key_first_seen"),
            ),
            [
                {"key_designation": t.designation, "key_first_seen": t.first_seen}
                for t in changes.removed
            ],
        )


def _row(tracked: TrackedObject) -> dict[str, Any]:
    return {
        "designation": tracked.designation,
        "first_seen": tracked.first_seen,
        "latest": tracked.latest.model_dump_json(by_alias=True),
        "baseline": tracked.baseline.model_dump_json(by_alias=True),
        "missing_polls": tracked.missing_polls,
    }


def _keyed(row: dict[str, Any]) -> dict[str, Any]:
    # Bound parameters may not share a column's name in an UPDATE's WHERE.
    return {
        "key_designation": row.pop("designation"),
        "key_first_seen": row.pop("first_seen"),
        **row,
    }


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
