"""At risk of being lost: nobody found it, and it went quiet or out-grew the team's fields."""

from __future__ import annotations

from datetime import timedelta

from bot.followup import FollowupStatus, SiteReach, TeamStatus, assess_risk
from tests.builders import scout_object
from tests.followup.helpers import T0, press

SITES = (SiteReach("G96", fov_arcmin=30.0, limiting_vmag=21.5), SiteReach("I41", fov_arcmin=10))


def _assess(
    *, quiet_hours: float = 1, unc: float | None = 5.0, vmag: float | None = 20.0, **kw: object
) -> str | None:
    obj = scout_object("P21abcd", unc=unc, Vmag=vmag)
    team = kw.pop("team", TeamStatus())
    note = assess_risk(
        obj,
        team=team,  # type: ignore[arg-type]
        last_new_observations=T0 - timedelta(hours=quiet_hours),
        now=T0,
        at_risk_hours=24,
        sites=kw.pop("sites", SITES),  # type: ignore[arg-type]
    )
    return None if note is None else note.text()


def test_a_recent_well_placed_object_is_safe() -> None:
    assert _assess() is None


def test_no_new_observations_for_the_configured_hours_is_at_risk() -> None:
    text = _assess(quiet_hours=25)
    assert text == (
        "⚠️ P21abcd is at risk of being lost: no new observations for 25 h. "
        "It needs new observations soon."
    )
    assert _assess(quiet_hours=23.9) is None


def test_a_faint_quiet_object_needs_a_deeper_telescope() -> None:
    text = _assess(quiet_hours=30, vmag=22.4)
    assert text is not None
    assert "a deeper telescope (V 22.4, fainter than the team's limit of 21.5)" in text


def test_uncertainty_larger_than_the_widest_field_is_at_risk() -> None:
    text = _assess(unc=45.0)
    assert text is not None
    assert "1-σ uncertainty (45′) is larger than the team's widest field (30′)" in text
    assert "a bigger field" in text
    assert _assess(unc=29.0) is None


def test_both_reasons_in_one_note() -> None:
    text = _assess(quiet_hours=48, unc=120.0)
    assert text is not None
    assert "no new observations for 48 h; its 1-σ uncertainty" in text


def test_without_fields_of_view_only_the_silence_counts() -> None:
    assert _assess(unc=500.0, sites=(SiteReach("G96"),)) is None
    assert _assess(unc=500.0, sites=()) is None


def test_an_object_someone_found_is_not_at_risk() -> None:
    found = TeamStatus.from_records([press("Bob", FollowupStatus.FOUND)])
    assert _assess(quiet_hours=100, unc=500.0, team=found) is None
    missed = TeamStatus.from_records([press("Bob", FollowupStatus.NOT_FOUND)])
    assert _assess(quiet_hours=100, team=missed) is not None
