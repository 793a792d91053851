"""Whether a Scout summary can be believed before the watcher diffs it.

A misread list is worse than no list: it would announce every object as removed and then,
when the list reads again, as new. So a summary in another format, or not whole, is
refused (``PollRejected``) and the snapshot is left as it is; rows the bot could not read
keep the objects they may hold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from bot.neocp.diff import unique_objects
from bot.neocp.events import TrackedObject
from bot.scout.models import ScoutObject, Summary, UnreadableRow
from bot.scout.parse import DOCUMENTED_VERSION

log = logging.getLogger(__name__)

# The Scout API version whose summary format this code reads. The API asks clients to
# check it: a changed version may mean a changed format.
SUPPORTED_SCOUT_VERSIONS = frozenset({DOCUMENTED_VERSION})


class PollRejected(Exception):
    """The summary cannot be trusted; the snapshot is left as it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def still_listed(
    tracked: Iterable[TrackedObject],
    readable: Sequence[ScoutObject],
    unreadable: Sequence[UnreadableRow],
) -> list[ScoutObject]:
    """Tracked objects Scout still lists, in rows the bot could not read this time.

    They keep their last readable record: neither changed nor removed. A row without a
    readable designation could be any of them, so then every tracked object missing from
    the readable rows is kept, and removals wait until the list can be read whole.
    """
    if not unreadable:
        return []
    listed = {obj.designation for obj in readable}
    named = {row.designation for row in unreadable}
    keep_all_missing = None in named
    return [
        item.latest
        for item in tracked
        if item.designation not in listed and (keep_all_missing or item.designation in named)
    ]


def checked_objects(summary: Summary) -> list[ScoutObject]:
    """The summary's objects, once it is known to be the format we read and whole."""
    version = summary.signature.version if summary.signature else None
    if version is not None and version not in SUPPORTED_SCOUT_VERSIONS:
        known = ", ".join(sorted(SUPPORTED_SCOUT_VERSIONS))
        raise PollRejected(f"Scout API version {version} (this bot reads {known})")
    if summary.count is not None and summary.count != summary.rows:
        raise PollRejected(f"Scout said {summary.count} objects but sent {summary.rows}")
    if len(summary.unreadable) > len(summary.objects):
        raise PollRejected(f"{len(summary.unreadable)} of {summary.rows} rows unreadable")
    if any(not obj.designation.strip() for obj in summary.objects):
        raise PollRejected("an object without a designation")
    unique = unique_objects(summary.objects)
    if len(unique) != len(summary.objects):
        log.warning(
            "Scout listed %d designations more than once; keeping the latest of each",
            len(summary.objects) - len(unique),
        )
    return unique
