"""Several events for one channel as one digest: an entry per object, ranked.

A channel owed more than one event gets one message. Events of one object that arrive
before that message is posted (a new object updated at the next poll, two updates in a
row) are merged into one entry that says what happened overall and shows the latest
figures; every event is still counted in exactly one message.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.neocp.events import Change, EventKind, NeocpEvent
from bot.scout.models import ScoutObject


@dataclass(frozen=True)
class DigestEntry:
    """What one object's events add up to."""

    kind: EventKind  # new (whatever followed, unless it left), updated, or removed
    event: NeocpEvent  # the latest of the object's events
    changes: tuple[Change, ...]  # every change reported, oldest first, one per quantity
    merged: int  # how many events this entry stands for

    @property
    def object(self) -> ScoutObject:
        return self.event.object

    @property
    def designation(self) -> str:
        return self.event.designation


_KIND_ORDER = {EventKind.NEW: 0, EventKind.UPDATED: 1, EventKind.REMOVED: 2}


def merge_events(events: Sequence[NeocpEvent]) -> list[DigestEntry]:
    """One entry per object (designation and first-seen time), ranked: new first, then
    updated, then removed; within each, the most interesting first."""
    by_object: dict[tuple[str, object], list[NeocpEvent]] = {}
    for event in events:
        by_object.setdefault((event.designation, event.first_seen), []).append(event)
    entries = [_merge(group) for group in by_object.values()]
    entries.sort(key=_rank)
    return entries


def _merge(group: list[NeocpEvent]) -> DigestEntry:
    latest = group[-1]
    kinds = {event.kind for event in group}
    if latest.kind is EventKind.REMOVED:
        kind = EventKind.REMOVED
    elif EventKind.NEW in kinds:
        kind = EventKind.NEW
    else:
        kind = EventKind.UPDATED
    changes: dict[str, Change] = {}
    for event in group:
        for change in event.changes:
            first = changes.get(change.field)
            # Over several updates, a quantity moved from its first "before" to its last
            # "after".
            changes[change.field] = (
                change if first is None else change.model_copy(update={"before": first.before})
            )
    return DigestEntry(kind, latest, tuple(changes.values()), len(group))


def _rank(entry: DigestEntry) -> tuple[int, float, float, float, str]:
    obj = entry.object
    return (
        _KIND_ORDER[entry.kind],
        -(obj.rating if obj.rating is not None else -1),
        _descending(obj.pha_score),
        _descending(obj.neo_score),
        entry.designation,
    )


def _descending(value: float | None) -> float:
    return math.inf if value is None else -value
