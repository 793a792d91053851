"""The difference between the stored snapshot and a fresh Scout summary, as events.

``diff_snapshot`` is a pure function: the same inputs always give the same events, and an
unchanged list gives none. The watcher decides *whether* a poll may be diffed at all (a
failed, malformed or version-changed answer never gets here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.neocp.events import Change, EventKind, NeocpEvent, TrackedObject
from bot.scout.models import ScoutObject

# An object absent from this many consecutive successful polls counts as removed.
REMOVAL_CONFIRMATIONS = 2

# V and the uncertainty are recomputed for the ephemeris time every ~15 minutes, so they
# drift between Scout runs; only a change this large is worth an update of its own.
VMAG_STEP = 0.5  # magnitudes
UNCERTAINTY_FACTOR = 2.0  # the 1-sigma uncertainty halved or doubled
ARC_STEP_HOURS = 0.01  # below the precision Scout prints the arc with


def _any_change(before: float, after: float) -> bool:
    return before != after


# Scout's values are decimal strings; 19.6 - 19.2 is 0.3999... in binary floating point.
_EPSILON = 1e-9


def _at_least(step: float) -> Callable[[float, float], bool]:
    def moved(before: float, after: float) -> bool:
        return abs(after - before) >= step - _EPSILON

    return moved


def _factor(factor: float) -> Callable[[float, float], bool]:
    def moved(before: float, after: float) -> bool:
        if before <= 0 or after <= 0:
            return before != after
        ratio = after / before
        return ratio >= factor or ratio <= 1 / factor

    return moved


@dataclass(frozen=True)
class ChangeRule:
    """When a change of one quantity is worth telling observers about."""

    field: str
    label: str
    moved: Callable[[float, float], bool]

    def check(self, before: ScoutObject, after: ScoutObject) -> Change | None:
        old: float | None = getattr(before, self.field)
        new: float | None = getattr(after, self.field)
        if old is None and new is None:
            return None
        # A value appearing or vanishing (caDist when the object stops approaching within
        # 0.5 LD, a rating once the arc is long enough) always counts.
        if old is None or new is None or self.moved(old, new):
            return Change(field=self.field, label=self.label, before=old, after=new)
        return None


# What an observer acts on. Scores, rating and close approach change only when Scout
# reruns the orbit fit (new observations), so any change of them is news.
CHANGE_RULES: tuple[ChangeRule, ...] = (
    ChangeRule("n_obs", "observations", _any_change),
    ChangeRule("arc_hours", "arc (h)", _at_least(ARC_STEP_HOURS)),
    ChangeRule("neo_score", "NEO score", _any_change),
    ChangeRule("pha_score", "PHA score", _any_change),
    ChangeRule("geocentric_score", "geocentric score", _any_change),
    ChangeRule("ieo_score", "IEO score", _any_change),
    ChangeRule("rating", "rating", _any_change),
    ChangeRule("ca_dist", "close approach (LD)", _any_change),
    ChangeRule("vmag", "V", _at_least(VMAG_STEP)),
    ChangeRule("unc", "uncertainty (arcmin)", _factor(UNCERTAINTY_FACTOR)),
)


def detect_changes(before: ScoutObject, after: ScoutObject) -> tuple[Change, ...]:
    """The quantities that moved enough between two records of the same object."""
    found = (rule.check(before, after) for rule in CHANGE_RULES)
    return tuple(change for change in found if change is not None)


@dataclass(frozen=True)
class SnapshotChanges:
    """What a poll changed in the snapshot: the store writes only these rows."""

    added: tuple[TrackedObject, ...] = ()
    changed: tuple[TrackedObject, ...] = ()
    removed: tuple[TrackedObject, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class DiffResult:
    snapshot: tuple[TrackedObject, ...]  # what to diff the next poll against
    events: tuple[NeocpEvent, ...]  # new first, then updated, then removed
    changes: SnapshotChanges = SnapshotChanges()  # how ``snapshot`` differs from before


def start_tracking(current: Sequence[ScoutObject], *, now: datetime) -> tuple[TrackedObject, ...]:
    """The snapshot of a first poll: every object tracked, nothing to announce."""
    return tuple(_track(obj, now) for obj in unique_objects(current))


def diff_snapshot(
    previous: Iterable[TrackedObject],
    current: Sequence[ScoutObject],
    *,
    now: datetime,
    removal_confirmations: int = REMOVAL_CONFIRMATIONS,
) -> DiffResult:
    """Compare the stored snapshot with the list Scout gives now."""
    known = {tracked.designation: tracked for tracked in previous}
    listed = unique_objects(current)
    snapshot: list[TrackedObject] = []
    added: list[TrackedObject] = []
    changed: list[TrackedObject] = []
    gone: list[TrackedObject] = []
    new: list[NeocpEvent] = []
    updated: list[NeocpEvent] = []
    removed: list[NeocpEvent] = []

    for obj in listed:
        tracked = known.get(obj.designation)
        if tracked is None:
            snapshot.append(_track(obj, now))
            added.append(snapshot[-1])
            new.append(NeocpEvent.first_listed(obj, now))
            continue
        if obj == tracked.latest and tracked.missing_polls == 0:
            snapshot.append(tracked)  # the usual case: nothing to diff, nothing to write
            continue
        changes = detect_changes(tracked.baseline, obj)
        baseline = obj if changes else tracked.baseline
        snapshot.append(
            tracked.model_copy(update={"latest": obj, "baseline": baseline, "missing_polls": 0})
        )
        changed.append(snapshot[-1])
        if changes:
            updated.append(
                NeocpEvent(
                    kind=EventKind.UPDATED,
                    designation=obj.designation,
                    first_seen=tracked.first_seen,
                    detected_at=now,
                    object=obj,
                    previous=tracked.baseline,
                    changes=changes,
                )
            )

    listed_names = {obj.designation for obj in listed}
    for tracked in known.values():
        if tracked.designation in listed_names:
            continue
        missing = tracked.missing_polls + 1
        if missing < removal_confirmations:
            snapshot.append(tracked.model_copy(update={"missing_polls": missing}))
            changed.append(snapshot[-1])
            continue
        gone.append(tracked)
        removed.append(
            NeocpEvent(
                kind=EventKind.REMOVED,
                designation=tracked.designation,
                first_seen=tracked.first_seen,
                detected_at=now,
                object=tracked.latest,
            )
        )

    return DiffResult(
        snapshot=tuple(snapshot),
        events=(*new, *updated, *removed),
        changes=SnapshotChanges(tuple(added), tuple(changed), tuple(gone)),
    )


def unique_objects(current: Sequence[ScoutObject]) -> list[ScoutObject]:
    """One record per designation (the most recently computed), in Scout's order."""
    chosen: dict[str, ScoutObject] = {}
    for obj in current:
        kept = chosen.get(obj.designation)
        if kept is None or _computed_later(obj, kept):
            chosen[obj.designation] = obj
    return list(chosen.values())


def _computed_later(candidate: ScoutObject, kept: ScoutObject) -> bool:
    if candidate.last_run is None:
        return False
    return kept.last_run is None or candidate.last_run > kept.last_run


def _track(obj: ScoutObject, now: datetime) -> TrackedObject:
    return TrackedObject(designation=obj.designation, first_seen=now, latest=obj, baseline=obj)
