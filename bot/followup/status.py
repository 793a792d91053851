"""The follow-up statuses a member gives an object, and which presses are allowed.

Observers already say these things on the NEOCP blog and in NEOfixer: "targeting X",
"I can see it", "can't find it", "reported". Each member has a history per object; the
last entry is their current status, and Undo removes it (bringing back the one before).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field


class FollowupStatus(StrEnum):
    TARGETING = "targeting"
    FOUND = "found"
    NOT_FOUND = "not_found"
    REPORTED = "reported"

    @property
    def label(self) -> str:
        """The button's word."""
        return _LABELS[self]

    @property
    def verb(self) -> str:
        """As in "Alice (G96) **is targeting** P21abcd"."""
        return _VERBS[self]

    @property
    def open(self) -> bool:
        """Still work to do for this member: observe it, or report what they found."""
        return self in (FollowupStatus.TARGETING, FollowupStatus.FOUND)


_LABELS: Final[dict[FollowupStatus, str]] = {
    FollowupStatus.TARGETING: "Targeting",
    FollowupStatus.FOUND: "Found",
    FollowupStatus.NOT_FOUND: "Not found",
    FollowupStatus.REPORTED: "Reported",
}

_VERBS: Final[dict[FollowupStatus, str]] = {
    FollowupStatus.TARGETING: "is targeting",
    FollowupStatus.FOUND: "found",
    FollowupStatus.NOT_FOUND: "could not find",
    FollowupStatus.REPORTED: "reported",
}


class ObjectKey(BaseModel):
    """An NEOCP object: temporary designations are reused, so with its first-seen time."""

    model_config = ConfigDict(frozen=True)

    designation: str = Field(min_length=1, max_length=32)
    first_seen: datetime


class StatusRecord(BaseModel):
    """One press, as stored: who, from which site, what, when, on which server's object."""

    model_config = ConfigDict(frozen=True)

    guild_id: int
    object: ObjectKey
    member_id: int
    member_name: str
    site_code: str | None = None
    status: FollowupStatus
    at: datetime

    @property
    def who(self) -> str:
        """``Alice (G96)``, or ``Alice`` without a site."""
        return (
            self.member_name if self.site_code is None else f"{self.member_name} ({self.site_code})"
        )


class PressRefused(ValueError):
    """A press that does not change anything sensible; ``str()`` is the answer to the member."""


def check_press(current: FollowupStatus | None, wanted: FollowupStatus, designation: str) -> None:
    """Refuse a press that repeats the member's status or contradicts what they reported.

    Everything else is allowed: back to Targeting after Not found (another try), Found or
    Reported straight away (observed without pressing first), Found after Not found.
    """
    if current is wanted:
        raise PressRefused(f"You are already marked {wanted.label.lower()} for {designation}.")
    if current is FollowupStatus.REPORTED and wanted in (
        FollowupStatus.FOUND,
        FollowupStatus.NOT_FOUND,
    ):
        raise PressRefused(
            f"You reported {designation} already. If that was a mistake, press Undo first."
        )
    if current is FollowupStatus.FOUND and wanted is FollowupStatus.NOT_FOUND:
        raise PressRefused(f"You found {designation}. If that was a mistake, press Undo first.")


def current_status(history: list[StatusRecord]) -> FollowupStatus | None:
    """A member's current status: their last record (histories are oldest first)."""
    return history[-1].status if history else None


def after_undo(history: list[StatusRecord], designation: str) -> list[StatusRecord]:
    """The history without the member's last status; refused when there is none."""
    if not history:
        raise PressRefused(f"You have no status on {designation} to undo.")
    return history[:-1]
