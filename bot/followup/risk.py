"""When an object is at risk of being lost, and what would help.

Observers lose NEOCP candidates in two ways: nobody observes them again, so the orbit
stops improving, or the position grows more uncertain than any telescope of the team can
cover. One note per object, in its thread, says which and what would help.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.followup.team import TeamStatus
from bot.scout.models import ScoutObject


@dataclass(frozen=True)
class SiteReach:
    """What one of the server's telescopes can do: its field and how faint it reaches."""

    code: str
    fov_arcmin: float | None = None
    limiting_vmag: float | None = None


@dataclass(frozen=True)
class RiskNote:
    designation: str
    reasons: tuple[str, ...]
    helps: tuple[str, ...]

    def text(self) -> str:
        """The thread's note, one sentence each for why and what would help."""
        why = "; ".join(self.reasons)
        help_ = " and ".join(self.helps)
        return f"⚠️ {self.designation} is at risk of being lost: {why}. It needs {help_}."


def assess_risk(
    obj: ScoutObject,
    *,
    team: TeamStatus,
    last_new_observations: datetime,
    now: datetime,
    at_risk_hours: float,
    sites: Sequence[SiteReach] = (),
) -> RiskNote | None:
    """The note to post, or None while the object is safe (or someone found it).

    ``last_new_observations``: when the object's observations last grew (the watcher's
    first sighting when they never did). The field rule needs at least one site with a
    known field of view: a team that told us none cannot be out-grown.
    """
    if team.found:
        return None
    reasons: list[str] = []
    helps: list[str] = []
    quiet = now - last_new_observations
    if quiet >= timedelta(hours=at_risk_hours):
        reasons.append(f"no new observations for {_hours(quiet)}")
        helps.append(_deeper_or_any(obj, sites))
    widest = max((s.fov_arcmin for s in sites if s.fov_arcmin), default=None)
    if widest is not None and obj.unc is not None and obj.unc > widest:
        reasons.append(
            f"its 1-σ uncertainty ({_arcmin(obj.unc)}) is larger than the team's widest "
            f"field ({_arcmin(widest)})"
        )
        helps.append("a bigger field, or several pointings to cover the uncertainty region")
    if not reasons:
        return None
    return RiskNote(obj.designation, tuple(reasons), tuple(dict.fromkeys(helps)))


def _deeper_or_any(obj: ScoutObject, sites: Sequence[SiteReach]) -> str:
    deepest = max((s.limiting_vmag for s in sites if s.limiting_vmag), default=None)
    if obj.vmag is not None and deepest is not None and obj.vmag > deepest:
        return (
            f"a deeper telescope (V {obj.vmag:.1f}, fainter than the team's limit of {deepest:.1f})"
        )
    return "new observations soon"


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 72 else f"{hours / 24:.0f} days"


def _arcmin(value: float) -> str:
    return f"{value:.1f}′" if value < 10 else f"{value:.0f}′"
