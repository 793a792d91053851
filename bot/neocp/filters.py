"""Which NEOCP objects and events a person asked for: one filter model for ``/scout list``,
the alerts and ``/scout tonight``.

``ObjectFilter`` holds the thresholds on one object; ``AlertFilter`` adds the event kinds a
subscription wants and is stored as one JSON document per subscription, so a new field
here (with a default) needs no schema migration. ``ListOptions`` adds the order and the
cut of a listing; ``select_objects`` applies them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import InvalidInput
from bot.neocp.events import EventKind, NeocpEvent
from bot.scout.models import ScoutObject

MAX_LIMIT = 200  # more objects than a listing can usefully show at once


class ObjectFilter(BaseModel):
    """Thresholds an object must meet; None means "any".

    An object whose value is unknown (no rating yet, no V) does not meet a threshold set
    on that value: "NEO ≥ 80" must not let through an object whose score nobody knows.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_neo_score: int | None = Field(default=None, ge=0, le=100)
    min_pha_score: int | None = Field(default=None, ge=0, le=100)
    max_vmag: float | None = Field(default=None, ge=0, le=40, allow_inf_nan=False)
    min_rating: int | None = Field(default=None, ge=0, le=4)

    def admits(self, obj: ScoutObject) -> bool:
        """Does the object meet every threshold?"""
        return (
            _at_least(obj.neo_score, self.min_neo_score)
            and _at_least(obj.pha_score, self.min_pha_score)
            and _at_least(obj.rating, self.min_rating)
            and (self.max_vmag is None or (obj.vmag is not None and obj.vmag <= self.max_vmag))
        )

    def describe(self) -> str:
        """The thresholds in words, the same wherever they are shown: "NEO ≥ 80 · V ≤ 21"."""
        parts = []
        if self.min_neo_score is not None:
            parts.append(f"NEO ≥ {self.min_neo_score}")
        if self.min_pha_score is not None:
            parts.append(f"PHA ≥ {self.min_pha_score}")
        if self.max_vmag is not None:
            parts.append(f"V ≤ {self.max_vmag:g}")
        if self.min_rating is not None:
            parts.append(f"rating ≥ {self.min_rating}")
        return " · ".join(parts) if parts else "every object"


def _at_least(value: int | None, minimum: int | None) -> bool:
    return minimum is None or (value is not None and value >= minimum)


# --- alerts -------------------------------------------------------------------------------


class EventSelection(StrEnum):
    """The ``events`` choice of ``/alerts subscribe`` (values are the public names)."""

    ALL = "all"
    NEW = "new"
    NEW_UPDATES = "new+updates"
    NEW_REMOVALS = "new+removals"

    @property
    def kinds(self) -> frozenset[EventKind]:
        return _KINDS[self]


_KINDS: dict[EventSelection, frozenset[EventKind]] = {
    EventSelection.ALL: frozenset(EventKind),
    EventSelection.NEW: frozenset({EventKind.NEW}),
    EventSelection.NEW_UPDATES: frozenset({EventKind.NEW, EventKind.UPDATED}),
    EventSelection.NEW_REMOVALS: frozenset({EventKind.NEW, EventKind.REMOVED}),
}

_EVENT_WORDS: dict[EventSelection, str] = {
    EventSelection.ALL: "new, updated and removed",
    EventSelection.NEW: "new only",
    EventSelection.NEW_UPDATES: "new and updated",
    EventSelection.NEW_REMOVALS: "new and removed",
}


MAX_WITHIN_HOURS = 48  # the sky is computed two days ahead


class AlertFilter(ObjectFilter):
    """What a subscription wants: the thresholds, the kinds of event, and optionally one of
    the server's sites (``site``: its alerts carry that site's figures; with ``observable``
    they pass only objects observable from it within ``within_hours``). The site part is
    judged by the watcher (``bot.alerts.sites``): it needs the sky, not just the record."""

    events: EventSelection = EventSelection.ALL
    site: str | None = Field(default=None, pattern=r"^[A-Z0-9]{3}$")
    observable: bool = False
    within_hours: float = Field(default=24.0, gt=0, le=MAX_WITHIN_HOURS, allow_inf_nan=False)

    def wants(self, event: NeocpEvent) -> bool:
        """Should this event be posted to the subscription?

        An update passes if the object met the filter before *or* after it: the channel
        that was told about an object also hears that it dropped below its thresholds.
        A removal is judged on the last record Scout listed.
        """
        if event.kind not in self.events.kinds:
            return False
        if self.admits(event.object):
            return True
        return event.previous is not None and self.admits(event.previous)

    def describe(self) -> str:
        """The filter in words, for /alerts list and subscribe's answer."""
        words = f"{super().describe()}; events: {_EVENT_WORDS[self.events]}"
        if self.site is not None and self.observable:
            words += f"; only objects observable from {self.site} within {self.within_hours:g} h"
        elif self.site is not None:
            words += f"; with {self.site}'s figures"
        return words

    def to_document(self) -> str:
        """The JSON document the store keeps."""
        return self.model_dump_json()

    @classmethod
    def from_document(cls, document: str) -> AlertFilter:
        """Raises ``ValidationError`` for a document this version cannot honour."""
        return cls.model_validate_json(document)


Key = TypeVar("Key")


def recipients(event: NeocpEvent, filters: Iterable[tuple[Key, AlertFilter]]) -> list[Key]:
    """The keys (subscription ids, say) whose filter wants the event, in the order given."""
    return [key for key, alert_filter in filters if alert_filter.wants(event)]


# --- listings -----------------------------------------------------------------------------


class SortKey(StrEnum):
    """``sort`` of ``/scout list``: most interesting first in each case."""

    NEO = "neo"
    PHA = "pha"
    RATING = "rating"
    VMAG = "vmag"
    UPDATED = "updated"

    @property
    def label(self) -> str:
        return _SORT_LABELS[self]


_SORT_LABELS = {
    SortKey.NEO: "NEO score, highest first",
    SortKey.PHA: "PHA score, highest first",
    SortKey.RATING: "impact rating, then closest approach, then NEO score",
    SortKey.VMAG: "V, brightest first",
    SortKey.UPDATED: "last Scout run, latest first",
}


class ListOptions(BaseModel):
    """What ``/scout list`` shows: a filter, an order and a cut. Build with :meth:`build`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    filter: ObjectFilter = ObjectFilter()
    sort: SortKey = SortKey.RATING
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)

    @classmethod
    def build(
        cls,
        *,
        sort: str | SortKey = SortKey.RATING,
        min_neo_score: int | None = None,
        min_pha_score: int | None = None,
        max_vmag: float | None = None,
        min_rating: int | None = None,
        limit: int | None = None,
    ) -> ListOptions:
        """InvalidInput with a sentence for the first option out of range."""
        try:
            key = SortKey(sort)
        except ValueError:
            choices = ", ".join(k.value for k in SortKey)
            raise InvalidInput(f"Sort by one of {choices}.") from None
        for name, score in (("min_neo_score", min_neo_score), ("min_pha_score", min_pha_score)):
            if score is not None and not 0 <= score <= 100:
                raise InvalidInput(f"`{name}` must be from 0 to 100.")
        if max_vmag is not None and not (math.isfinite(max_vmag) and 0 <= max_vmag <= 40):
            raise InvalidInput("`max_vmag` must be a magnitude from 0 to 40.")
        if min_rating is not None and not 0 <= min_rating <= 4:
            raise InvalidInput("`min_rating` must be from 0 to 4.")
        if limit is not None and not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"`limit` must be from 1 to {MAX_LIMIT}.")
        try:
            thresholds = ObjectFilter(
                min_neo_score=min_neo_score,
                min_pha_score=min_pha_score,
                max_vmag=max_vmag,
                min_rating=min_rating,
            )
        except ValidationError:  # pragma: no cover - every bound is checked above
            raise InvalidInput("Those filter values are out of range.") from None
        return cls(filter=thresholds, sort=key, limit=limit)

    # The thresholds under their option names, for the places that show or encode options.
    @property
    def min_neo_score(self) -> int | None:
        return self.filter.min_neo_score

    @property
    def min_pha_score(self) -> int | None:
        return self.filter.min_pha_score

    @property
    def max_vmag(self) -> float | None:
        return self.filter.max_vmag

    def describe(self) -> str:
        return self.filter.describe()


def select_objects(objects: Sequence[ScoutObject], options: ListOptions) -> list[ScoutObject]:
    """The objects that pass the filter, sorted, cut to ``limit``."""
    # Without thresholds nothing is dropped: skip 3000 calls (issue 18's 5 ms for a page).
    unfiltered = options.filter == ObjectFilter()
    kept = list(objects) if unfiltered else [obj for obj in objects if options.filter.admits(obj)]
    kept.sort(key=SORTERS[options.sort])
    return kept if options.limit is None else kept[: options.limit]


def _descending(value: float | None) -> float:
    """Sort key putting high values first and unknown values last."""
    return math.inf if value is None else -value


def _ascending(value: float | None) -> float:
    return math.inf if value is None else value


_OLDEST = datetime.min.replace(tzinfo=UTC)


# Ties break on the designation so that a page holds the same objects from one
# press of a button to the next.
def _descending_rating(rating: int | None) -> float:
    """Like ``_descending``, a rating outside Scout's 0-4 counting as none; inline, as it
    runs for every object of a 3000-object list at every /scout list."""
    return -rating if rating is not None and 0 <= rating <= 4 else math.inf


def _ascending_distance(distance: float | None) -> float:
    # NaN fails both comparisons; a negative distance is no distance.
    return distance if distance is not None and 0 <= distance < math.inf else math.inf


SORTERS: dict[SortKey, Callable[[ScoutObject], tuple[float | str, ...]]] = {
    SortKey.NEO: lambda o: (_descending(o.neo_score), _descending(o.pha_score), o.designation),
    SortKey.PHA: lambda o: (_descending(o.pha_score), _descending(o.neo_score), o.designation),
    # The default: what decides urgency first (issue 15), so rated objects lead page 1.
    SortKey.RATING: lambda o: (
        _descending_rating(o.rating),
        _ascending_distance(o.ca_dist),
        _descending(o.neo_score),
        o.designation,
    ),
    SortKey.VMAG: lambda o: (_ascending(o.vmag), _descending(o.neo_score), o.designation),
    SortKey.UPDATED: lambda o: (
        -(o.last_run or _OLDEST).timestamp(),
        _descending(o.neo_score),
        o.designation,
    ),
}
