"""Follow-up: who on the team observes which NEOCP object, and which objects are at risk.

Pure code: no I/O but asyncio timing in ``coalesce``, no clock (callers pass times), no
Discord. The store keeps the statuses (``bot.store.statuses``); cogs press the buttons.
"""

from bot.followup.coalesce import EditCoalescer, EditPlanner, MessageRef
from bot.followup.risk import RiskNote, SiteReach, assess_risk
from bot.followup.status import (
    FollowupStatus,
    ObjectKey,
    PressRefused,
    StatusRecord,
    after_undo,
    check_press,
    current_status,
)
from bot.followup.team import TeamStatus, log_line, team_by_object, undo_line

__all__ = [
    "EditCoalescer",
    "EditPlanner",
    "FollowupStatus",
    "MessageRef",
    "ObjectKey",
    "PressRefused",
    "RiskNote",
    "SiteReach",
    "StatusRecord",
    "TeamStatus",
    "after_undo",
    "assess_risk",
    "check_press",
    "current_status",
    "log_line",
    "team_by_object",
    "undo_line",
]
