"""What a status button's custom_id holds: the action, the object and who may press; and
what a digest's follow-up menu holds.

Everything a press needs is in the custom_id, so the buttons keep working after a
restart and need no lookup to know their object: ``fu:<action>:<first seen, µs since
1970>:<role id or 0>:<designation>``, at most 3 + 2 + 17 + 21 + 32 = 75 characters.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.followup.status import FollowupStatus, ObjectKey

STATUS_TEMPLATE: Final = (
    r"fu:(?P<action>[tfnru]):(?P<seen>[0-9]{1,17}):(?P<role>[0-9]{1,20}):"
    r"(?P<designation>[^:]{1,32})"
)
# A digest's "Record follow-up for…" menus: ``fud:<role id or 0>`` for the first 25 new
# objects, ``fud:<role id or 0>:<part>`` for each next 25 (a message's custom ids must
# differ); each option's value is ``<first seen, µs since 1970>:<designation>`` (at most 50
# of the 100 characters allowed).
DIGEST_TEMPLATE: Final = r"fud:(?P<role>[0-9]{1,20})(?::(?P<part>[1-4]))?"
_OPTION: Final = re.compile(r"(?P<seen>[0-9]{1,17}):(?P<designation>[^:]{1,32})")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class ButtonAction(StrEnum):
    TARGETING = "t"
    FOUND = "f"
    NOT_FOUND = "n"
    REPORTED = "r"
    UNDO = "u"

    @property
    def status(self) -> FollowupStatus | None:
        """The status this button records; None for Undo."""
        return _STATUSES.get(self)


_STATUSES: Final[dict[ButtonAction, FollowupStatus]] = {
    ButtonAction.TARGETING: FollowupStatus.TARGETING,
    ButtonAction.FOUND: FollowupStatus.FOUND,
    ButtonAction.NOT_FOUND: FollowupStatus.NOT_FOUND,
    ButtonAction.REPORTED: FollowupStatus.REPORTED,
}


def _micros(key: ObjectKey) -> int:
    return (key.first_seen - _EPOCH) // timedelta(microseconds=1)


def status_custom_id(action: ButtonAction, key: ObjectKey, role_id: int | None) -> str:
    return f"fu:{action.value}:{_micros(key)}:{role_id or 0}:{key.designation}"


def digest_custom_id(role_id: int | None, part: int = 0) -> str:
    """The menu's custom id; the first part keeps the form menus posted before the digest
    had several."""
    return f"fud:{role_id or 0}" + (f":{part}" if part else "")


def option_value(key: ObjectKey) -> str:
    """The object of one option of a digest's menu."""
    return f"{_micros(key)}:{key.designation}"


def option_key(value: str) -> ObjectKey | None:
    """The object an option's value names; None for a value the bot never made."""
    match = _OPTION.fullmatch(value)
    return None if match is None else object_key(match["designation"], match["seen"])


def object_key(designation: str, seen: str) -> ObjectKey:
    """The object of a custom_id's parts (exact to the microsecond, as stored)."""
    return ObjectKey(designation=designation, first_seen=_EPOCH + timedelta(microseconds=int(seen)))


def press_role(role: str) -> int | None:
    """The role a subscription reserved the buttons for; None: whoever sees the channel."""
    return int(role) or None
