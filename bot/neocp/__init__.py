"""The NEOCP as the watcher sees it: tracked objects, the diff into events, and filters.

Pure code: no I/O, no clock (callers pass ``now``), no Discord.
"""

from bot.neocp.diff import (
    DiffResult,
    SnapshotChanges,
    detect_changes,
    diff_snapshot,
    start_tracking,
)
from bot.neocp.events import Change, EventKind, NeocpEvent, TrackedObject
from bot.neocp.filters import AlertFilter, EventSelection

__all__ = [
    "AlertFilter",
    "Change",
    "DiffResult",
    "EventKind",
    "EventSelection",
    "NeocpEvent",
    "SnapshotChanges",
    "TrackedObject",
    "detect_changes",
    "diff_snapshot",
    "start_tracking",
]
