"""The team's current status per object: one line for lists, one line per member for alerts.

"2 targeting, found by Bob (I41)" is what `/scout object`, `/scout list` and `/scout
tonight` show; the alert message lists each member with their status and time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.followup.status import FollowupStatus, ObjectKey, StatusRecord

# Names listed in a summary before "and N others": a list row has little room.
MAX_NAMES: Final = 2

_ICONS: Final[dict[FollowupStatus, str]] = {
    FollowupStatus.TARGETING: "🎯",
    FollowupStatus.FOUND: "✅",
    FollowupStatus.NOT_FOUND: "❌",
    FollowupStatus.REPORTED: "📨",
}


def _plain(text: str) -> str:
    return text


@dataclass(frozen=True)
class TeamStatus:
    """Each member's current status on one object, oldest first."""

    current: tuple[StatusRecord, ...] = ()

    @classmethod
    def from_records(cls, records: Iterable[StatusRecord]) -> TeamStatus:
        """Any records of one object (any order): the latest per member counts."""
        latest: dict[int, StatusRecord] = {}
        for record in sorted(records, key=lambda r: r.at):
            latest.pop(record.member_id, None)
            latest[record.member_id] = record
        return cls(tuple(latest.values()))

    @property
    def empty(self) -> bool:
        return not self.current

    def with_status(self, status: FollowupStatus) -> list[StatusRecord]:
        return [record for record in self.current if record.status is status]

    @property
    def found(self) -> bool:
        """Someone saw it (Found or Reported): it is not lost."""
        return any(
            r.status in (FollowupStatus.FOUND, FollowupStatus.REPORTED) for r in self.current
        )

    def summary(self, escape: Callable[[str], str] = _plain) -> str:
        """``"2 targeting, found by Bob (I41)"``; empty when nobody has pressed anything."""
        parts = []
        targeting = self.with_status(FollowupStatus.TARGETING)
        if targeting:
            parts.append(f"{len(targeting)} targeting")
        for status, words in (
            (FollowupStatus.FOUND, "found by"),
            (FollowupStatus.REPORTED, "reported by"),
            (FollowupStatus.NOT_FOUND, "not found by"),
        ):
            records = self.with_status(status)
            if records:
                parts.append(f"{words} {_names(records, escape)}")
        return ", ".join(parts)

    def member_lines(self, escape: Callable[[str], str] = _plain) -> list[str]:
        """``"🎯 Alice (G96) targeting · 07:05 UTC"`` per member, oldest first."""
        return [
            f"{_ICONS[r.status]} {escape(r.who)} {r.status.label.lower()} · {clock(r.at)}"
            for r in self.current
        ]


def _names(records: Sequence[StatusRecord], escape: Callable[[str], str]) -> str:
    names = [escape(record.who) for record in records[:MAX_NAMES]]
    if len(records) > MAX_NAMES:
        names.append(f"{len(records) - MAX_NAMES} more")
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def clock(moment: datetime) -> str:
    """``07:05 UTC``: observers plan in UTC."""
    return moment.strftime("%H:%M UTC")


def log_line(record: StatusRecord, escape: Callable[[str], str] = _plain) -> str:
    """The thread's line for a press: ``"Alice (G96) is targeting P21abcd, 07:05 UTC"``."""
    designation = escape(record.object.designation)
    return f"{escape(record.who)} {record.status.verb} {designation}, {clock(record.at)}"


def undo_line(
    member_name: str,
    designation: str,
    now_current: StatusRecord | None,
    at: datetime,
    escape: Callable[[str], str] = _plain,
) -> str:
    """The thread's line for an Undo, saying what the member's status is now."""
    after = (
        f"now {now_current.status.label.lower()}" if now_current is not None else "no status now"
    )
    return (
        f"{escape(member_name)} undid their status on {escape(designation)} ({after}), {clock(at)}"
    )


def team_by_object(records: Iterable[StatusRecord]) -> dict[ObjectKey, TeamStatus]:
    """Records of many objects grouped into each object's team status."""
    grouped: dict[ObjectKey, list[StatusRecord]] = {}
    for record in records:
        grouped.setdefault(record.object, []).append(record)
    return {key: TeamStatus.from_records(group) for key, group in grouped.items()}
