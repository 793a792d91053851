"""The status model: which presses are allowed, undo, and what the team sees."""

from __future__ import annotations

import pytest

from bot.followup import (
    FollowupStatus,
    PressRefused,
    TeamStatus,
    after_undo,
    check_press,
    current_status,
    log_line,
    team_by_object,
    undo_line,
)
from bot.followup.status import ObjectKey
from tests.followup.helpers import P21, T0, press

TARGETING = FollowupStatus.TARGETING
FOUND = FollowupStatus.FOUND
NOT_FOUND = FollowupStatus.NOT_FOUND
REPORTED = FollowupStatus.REPORTED


@pytest.mark.parametrize("wanted", list(FollowupStatus))
def test_a_member_without_status_may_press_anything(wanted: FollowupStatus) -> None:
    check_press(None, wanted, "P21abcd")


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (TARGETING, FOUND),
        (TARGETING, NOT_FOUND),
        (TARGETING, REPORTED),
        (NOT_FOUND, TARGETING),  # another try, another night
        (NOT_FOUND, FOUND),
        (FOUND, REPORTED),
        (FOUND, TARGETING),
        (REPORTED, TARGETING),  # following it up again
    ],
)
def test_allowed_transitions(current: FollowupStatus, wanted: FollowupStatus) -> None:
    check_press(current, wanted, "P21abcd")


@pytest.mark.parametrize("status", list(FollowupStatus))
def test_pressing_the_same_status_again_is_refused_with_the_reason(
    status: FollowupStatus,
) -> None:
    with pytest.raises(PressRefused, match=f"already marked {status.label.lower()} for P21abcd"):
        check_press(status, status, "P21abcd")


@pytest.mark.parametrize(
    ("current", "wanted"), [(REPORTED, FOUND), (REPORTED, NOT_FOUND), (FOUND, NOT_FOUND)]
)
def test_contradicting_what_one_saw_needs_an_undo_first(
    current: FollowupStatus, wanted: FollowupStatus
) -> None:
    with pytest.raises(PressRefused, match="press Undo first"):
        check_press(current, wanted, "P21abcd")


def test_undo_brings_back_the_members_previous_status() -> None:
    history = [press("Alice", TARGETING, 0), press("Alice", FOUND, 30)]
    assert current_status(after_undo(history, "P21abcd")) is TARGETING
    assert current_status(after_undo(history[:1], "P21abcd")) is None


def test_undo_without_a_status_is_refused() -> None:
    with pytest.raises(PressRefused, match="no status on P21abcd to undo"):
        after_undo([], "P21abcd")


def test_the_latest_status_of_each_member_counts() -> None:
    team = TeamStatus.from_records(
        [press("Bob", FOUND, 40), press("Alice", TARGETING, 0), press("Bob", TARGETING, 5)]
    )
    assert [(r.member_name, r.status) for r in team.current] == [
        ("Alice", TARGETING),
        ("Bob", FOUND),
    ]


def test_team_summary_reads_as_observers_say_it() -> None:
    team = TeamStatus.from_records(
        [press("Alice", TARGETING, 0), press("Dan", TARGETING, 1), press("Bob", FOUND, 20)]
    )
    assert team.summary() == "2 targeting, found by Bob (I41)"


def test_team_summary_names_reporters_and_misses_and_shortens_long_lists() -> None:
    team = TeamStatus.from_records(
        [
            press("Alice", NOT_FOUND, 0),
            press("Bob", NOT_FOUND, 1),
            press("Dan", NOT_FOUND, 2),
            press("Carol", REPORTED, 3),
        ]
    )
    assert team.summary() == "reported by Carol, not found by Alice (G96), Bob (I41) and 1 more"


def test_nobody_pressing_gives_an_empty_summary() -> None:
    assert TeamStatus().summary() == ""
    assert TeamStatus().empty


def test_found_means_someone_saw_it() -> None:
    assert not TeamStatus.from_records([press("Alice", NOT_FOUND)]).found
    assert TeamStatus.from_records([press("Alice", REPORTED)]).found


def test_member_lines_show_each_member_with_site_status_and_time() -> None:
    team = TeamStatus.from_records([press("Alice", TARGETING, 0), press("Carol", FOUND, 35)])
    assert team.member_lines() == [
        "🎯 Alice (G96) targeting · 07:05 UTC",
        "✅ Carol found · 07:40 UTC",
    ]


def test_names_pass_through_the_renderers_escape() -> None:
    team = TeamStatus.from_records([press("Alice", FOUND)])
    assert team.summary(escape=str.upper) == "found by ALICE (G96)"


def test_log_lines_for_the_thread() -> None:
    assert log_line(press("Alice", TARGETING)) == "Alice (G96) is targeting P21abcd, 07:05 UTC"
    assert log_line(press("Carol", NOT_FOUND)) == "Carol could not find P21abcd, 07:05 UTC"
    assert (
        undo_line("Alice", "P21abcd", press("Alice", TARGETING), T0)
        == "Alice undid their status on P21abcd (now targeting), 07:05 UTC"
    )
    assert undo_line("Bob", "P21abcd", None, T0).endswith("(no status now), 07:05 UTC")


def test_open_statuses_are_work_still_to_do() -> None:
    assert {s for s in FollowupStatus if s.open} == {TARGETING, FOUND}


def test_team_by_object_keeps_reused_designations_apart() -> None:
    reused = ObjectKey(designation="P21abcd", first_seen=T0)
    teams = team_by_object([press("Alice", FOUND), press("Bob", TARGETING, obj=reused)])
    assert teams[P21].summary() == "found by Alice (G96)"
    assert teams[reused].summary() == "1 targeting"
