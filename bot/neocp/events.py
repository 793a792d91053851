"""What the watcher remembers about each NEOCP object, and the events it posts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.scout.models import ScoutObject
from bot.sky.topocentric import PreciseFigures


class WatcherRecord(BaseModel):
    """What the watcher compares from one poll to the next: immutable, so a snapshot
    cannot change under the diff; unknown keys in a stored snapshot are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class TrackedObject(WatcherRecord):
    """One object on the NEOCP, as far as the watcher knows it.

    Temporary designations are reused over the years, so an object is identified by its
    designation *and* the time the watcher first saw it (``key``).
    """

    designation: str
    first_seen: datetime
    latest: ScoutObject
    # The record at the last event posted for this object: changes are measured from here,
    # so a quantity drifting a little each poll is still reported once it has moved far.
    baseline: ScoutObject
    # Consecutive successful polls that did not list the object; it counts as removed only
    # once a second poll confirms (a glitch or a half-empty answer must not remove it).
    missing_polls: int = Field(default=0, ge=0)

    @property
    def key(self) -> tuple[str, datetime]:
        return (self.designation, self.first_seen)


class EventKind(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    REMOVED = "removed"


class Change(WatcherRecord):
    """One quantity an observer acts on that moved, from what to what."""

    field: str  # the ScoutObject attribute
    label: str  # how an observer names it
    before: float | None
    after: float | None


class SitePrecise(WatcherRecord):
    """Scout's own figures for an event's object from one server's site, asked when the
    event was found and stored with it, so that the alert (and a resend after a crash)
    renders the same line. ``figures`` None: Scout's ephemeris has the object nowhere above
    the site's limits in the dark of its coming night."""

    guild_id: int
    code: str
    figures: PreciseFigures | None = None


class NeocpEvent(WatcherRecord):
    kind: EventKind
    designation: str
    first_seen: datetime
    detected_at: datetime
    # For NEW and UPDATED the current record; for REMOVED the last one Scout listed.
    object: ScoutObject
    # For UPDATED the record the changes are measured from; None otherwise.
    previous: ScoutObject | None = None
    changes: tuple[Change, ...] = ()
    # For subscriptions with a site: Scout's topocentric figures, per server and site.
    precise: tuple[SitePrecise, ...] = ()

    @classmethod
    def first_listed(cls, obj: ScoutObject, now: datetime) -> NeocpEvent:
        """The NEW event of an object Scout lists for the first time at ``now``."""
        return cls(
            kind=EventKind.NEW,
            designation=obj.designation,
            first_seen=now,
            detected_at=now,
            object=obj,
        )

    @property
    def key(self) -> tuple[str, datetime]:
        return (self.designation, self.first_seen)

    def precise_for(self, guild_id: int, code: str) -> SitePrecise | None:
        return next((p for p in self.precise if (p.guild_id, p.code) == (guild_id, code)), None)

    def describe(self) -> str:
        """A one-line summary for logs."""
        if not self.changes:
            return f"{self.kind.value} {self.designation}"
        moved = ", ".join(f"{c.label} {_plain(c.before)}→{_plain(c.after)}" for c in self.changes)
        return f"{self.kind.value} {self.designation} ({moved})"


def _plain(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"
