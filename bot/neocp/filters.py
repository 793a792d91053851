"""Which NEOCP events a subscription wants."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.neocp.events import EventKind, NeocpEvent
from bot.scout.models import ScoutObject


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


class AlertFilter(BaseModel):
    """Thresholds an object must meet; None means "any".

    An object whose value is unknown (no rating yet, no V) does not meet a threshold set
    on that value: a channel asking for rating >= 2 wants objects known to be that risky.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_neo_score: int | None = Field(default=None, ge=0, le=100)
    min_pha_score: int | None = Field(default=None, ge=0, le=100)
    max_vmag: float | None = Field(default=None, ge=0, le=40)
    min_rating: int | None = Field(default=None, ge=0, le=4)
    events: EventSelection = EventSelection.ALL

    def admits(self, obj: ScoutObject) -> bool:
        """Does the object meet every threshold?"""
        return meets_thresholds(
            obj,
            min_neo_score=self.min_neo_score,
            min_pha_score=self.min_pha_score,
            max_vmag=self.max_vmag,
            min_rating=self.min_rating,
        )

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
        parts = []
        if self.min_neo_score is not None:
            parts.append(f"NEO score ≥ {self.min_neo_score}")
        if self.min_pha_score is not None:
            parts.append(f"PHA score ≥ {self.min_pha_score}")
        if self.max_vmag is not None:
            parts.append(f"V ≤ {self.max_vmag:g}")
        if self.min_rating is not None:
            parts.append(f"rating ≥ {self.min_rating}")
        thresholds = ", ".join(parts) if parts else "every object"
        return f"{thresholds}; events: {_EVENT_WORDS[self.events]}"


_EVENT_WORDS: dict[EventSelection, str] = {
    EventSelection.ALL: "new, updated and removed",
    EventSelection.NEW: "new only",
    EventSelection.NEW_UPDATES: "new and updated",
    EventSelection.NEW_REMOVALS: "new and removed",
}


def meets_thresholds(
    obj: ScoutObject,
    *,
    min_neo_score: int | None = None,
    min_pha_score: int | None = None,
    max_vmag: float | None = None,
    min_rating: int | None = None,
) -> bool:
    """Does the object meet every threshold set (None = any)? Shared by alerts and /scout list.

    A value Scout has not given does not meet a threshold set on it: "NEO >= 80" must
    not let through an object whose score nobody knows.
    """
    return (
        _at_least(obj.neo_score, min_neo_score)
        and _at_least(obj.pha_score, min_pha_score)
        and _at_least(obj.rating, min_rating)
        and (max_vmag is None or (obj.vmag is not None and obj.vmag <= max_vmag))
    )


def _at_least(value: int | None, minimum: int | None) -> bool:
    return minimum is None or (value is not None and value >= minimum)
