"""Builders for follow-up tests: statuses pressed by named members at given minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.followup import FollowupStatus, ObjectKey, StatusRecord

T0 = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)
P21 = ObjectKey(designation="P21abcd", first_seen=datetime(2026, 11, 27, 22, 0, tzinfo=UTC))

MEMBERS = {"Alice": (1, "G96"), "Bob": (2, "I41"), "Carol": (3, None), "Dan": (4, "H01")}


def press(
    name: str,
    status: FollowupStatus,
    minute: int = 0,
    *,
    obj: ObjectKey = P21,
    guild_id: int = 100,
) -> StatusRecord:
    member_id, site = MEMBERS[name]
    return StatusRecord(
        guild_id=guild_id,
        object=obj,
        member_id=member_id,
        member_name=name,
        site_code=site,
        status=status,
        at=T0 + timedelta(minutes=minute),
    )
