"""What is worth a line in the alert channel, when an object's story goes on in its thread.

With a thread per object, a channel reads as one line per object; an update earns a
line of its own in the channel only when it changes what an observer would do: the
impact rating or the PHA score rising, or the close approach coming within a lunar
distance. On a busy night the same bar decides which new objects get a thread at once.
"""

from __future__ import annotations

from typing import Final

from bot.neocp.events import EventKind, NeocpEvent
from bot.scout.models import ScoutObject

# A new object passes the bar with an impact rating or this PHA score.
SIGNIFICANT_PHA_SCORE: Final = 10
CLOSE_APPROACH_LD: Final = 1.0


def significant_new(obj: ScoutObject) -> bool:
    """Is a new object worth a thread even on a night of many?"""
    return bool(obj.rating) or (obj.pha_score or 0) >= SIGNIFICANT_PHA_SCORE


def channel_line_reason(event: NeocpEvent) -> str | None:
    """Why an update deserves a line in the channel as well as in its thread, or None."""
    if event.kind is not EventKind.UPDATED:
        return None
    reasons = []
    for change in event.changes:
        before, after = change.before, change.after
        if after is None:
            continue
        if (change.field in ("rating", "pha_score") and after > (before or 0)) or (
            change.field == "ca_dist"
            and after < CLOSE_APPROACH_LD
            and (before is None or after < before)
        ):
            reasons.append(change)
    if not reasons:
        return None
    return ", ".join(f"{c.label} {_plain(c.before)} → {_plain(c.after)}" for c in reasons)


def _plain(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"
