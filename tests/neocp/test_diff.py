"""The diff from the stored snapshot to a fresh Scout list, as a pure function."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.neocp import EventKind, TrackedObject, detect_changes, diff_snapshot, start_tracking
from tests import recorded
from tests.builders import scout_object
from tests.fakes import T0

LATER = T0 + timedelta(minutes=2)


def tracked(*objects: object) -> tuple[TrackedObject, ...]:
    return start_tracking(list(objects), now=T0)  # type: ignore[arg-type]


def test_the_recorded_list_against_itself_gives_no_events() -> None:
    objects = recorded.summary().objects
    result = diff_snapshot(start_tracking(objects, now=T0), objects, now=LATER)
    assert result.events == ()
    assert len(result.snapshot) == 33


def test_an_object_not_seen_before_is_new_and_first_seen_now() -> None:
    result = diff_snapshot(
        tracked(scout_object("A")), [scout_object("A"), scout_object("B")], now=LATER
    )
    assert [(e.kind, e.designation) for e in result.events] == [(EventKind.NEW, "B")]
    assert result.events[0].first_seen == LATER
    assert {t.designation: t.first_seen for t in result.snapshot} == {"A": T0, "B": LATER}


def test_new_observations_make_an_update_that_says_from_what_to_what() -> None:
    before = scout_object("A", nObs=4, arc="1.09")
    after = scout_object("A", nObs=7, arc="3.50", neoScore=97)
    result = diff_snapshot(tracked(before), [after], now=LATER)
    (event,) = result.events
    assert event.kind is EventKind.UPDATED
    assert event.first_seen == T0
    assert event.previous == before
    assert [(c.field, c.before, c.after) for c in event.changes] == [
        ("n_obs", 4, 7),
        ("arc_hours", 1.09, 3.5),
        ("neo_score", 100, 97),
    ]
    assert event.describe() == ("updated A (observations 4→7, arc (h) 1.09→3.5, NEO score 100→97)")


def test_every_quantity_an_observer_acts_on_counts_as_an_update() -> None:
    base = scout_object("A")
    moves = {
        "phaScore": 40,
        "geocentricScore": 12,
        "ieoScore": 5,
        "rating": 2,
        "caDist": "0.4",
        "Vmag": "19.8",
        "unc": "12",
    }
    for key, value in moves.items():
        (change,) = detect_changes(base, scout_object("A", **{key: value}))
        assert change.after is not None, key


def test_a_rating_or_close_approach_appearing_or_vanishing_counts() -> None:
    assert detect_changes(scout_object("A", rating=None), scout_object("A", rating=0))
    assert detect_changes(scout_object("A", caDist="25"), scout_object("A", caDist=None))


def test_ephemeris_drift_of_v_position_and_uncertainty_is_not_an_update() -> None:
    before = scout_object("A", Vmag="19.2", unc="5.4", ra="20:25", dec="-47", rate="4.8")
    after = scout_object(
        "A",
        Vmag="19.5",
        unc="7.9",
        ra="20:31",
        dec="-46",
        rate="4.6",
        tEphem="2026-07-12 19:45",
        lastRun="2026-07-12 19:40",
    )
    assert detect_changes(before, after) == ()


def test_small_drifts_add_up_to_an_update_once_they_are_large() -> None:
    snapshot = tracked(scout_object("A", Vmag="19.2"))
    seen = []
    for step, vmag in enumerate(["19.4", "19.7", "19.9"]):
        result = diff_snapshot(
            snapshot, [scout_object("A", Vmag=vmag)], now=LATER + timedelta(minutes=step)
        )
        snapshot = result.snapshot
        seen.append([(c.before, c.after) for e in result.events for c in e.changes])
    assert seen == [[], [(19.2, 19.7)], []]


def test_a_missing_object_is_removed_only_when_a_second_poll_confirms() -> None:
    snapshot = tracked(scout_object("A"), scout_object("B"))
    first = diff_snapshot(snapshot, [scout_object("A")], now=LATER)
    assert first.events == ()
    assert {t.designation: t.missing_polls for t in first.snapshot} == {"A": 0, "B": 1}

    second = diff_snapshot(first.snapshot, [scout_object("A")], now=LATER + timedelta(minutes=2))
    (event,) = second.events
    assert (event.kind, event.designation, event.first_seen) == (EventKind.REMOVED, "B", T0)
    assert [t.designation for t in second.snapshot] == ["A"]


def test_an_object_back_after_one_missing_poll_is_neither_removed_nor_new() -> None:
    snapshot = diff_snapshot(tracked(scout_object("A")), [], now=LATER).snapshot
    result = diff_snapshot(snapshot, [scout_object("A")], now=LATER + timedelta(minutes=2))
    assert result.events == ()
    assert result.snapshot[0].missing_polls == 0
    assert result.snapshot[0].first_seen == T0


def test_a_reused_designation_is_a_new_object_with_its_own_first_seen() -> None:
    snapshot = tracked(scout_object("A"))
    for minutes in (2, 4):
        snapshot = diff_snapshot(snapshot, [], now=T0 + timedelta(minutes=minutes)).snapshot
    assert snapshot == ()
    reused = T0 + timedelta(days=400)
    (event,) = diff_snapshot(snapshot, [scout_object("A")], now=reused).events
    assert (event.kind, event.first_seen) == (EventKind.NEW, reused)


def test_a_designation_listed_twice_counts_once_with_its_latest_run() -> None:
    older = scout_object("A", lastRun="2026-07-12 08:00", nObs=3)
    newer = scout_object("A", lastRun="2026-07-12 09:00", nObs=5)
    result = diff_snapshot((), [older, newer], now=T0)
    (event,) = result.events
    assert event.object.n_obs == 5


# --- properties -------------------------------------------------------------------------

designations = st.sampled_from([f"P2{letter}xyz" for letter in "ABCDEFGH"])
records = st.builds(
    lambda name, n_obs, neo, vmag: scout_object(name, nObs=n_obs, neoScore=neo, Vmag=vmag),
    designations,
    st.integers(min_value=3, max_value=40),
    st.integers(min_value=0, max_value=100),
    st.sampled_from(["18.0", "19.5", "21.0", "22.4"]),
)
polls = st.lists(st.lists(records, max_size=8), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(listing=st.lists(records, max_size=8))
def test_an_unchanged_list_yields_nothing(listing: list[object]) -> None:
    snapshot = start_tracking(listing, now=T0)  # type: ignore[arg-type]
    for minutes in (2, 4, 6):
        result = diff_snapshot(snapshot, listing, now=T0 + timedelta(minutes=minutes))  # type: ignore[arg-type]
        assert result.events == ()
        snapshot = result.snapshot


@settings(max_examples=150, deadline=None)
@given(history=polls)
def test_every_object_is_new_exactly_once_and_removed_at_most_once(
    history: list[list[object]],
) -> None:
    snapshot: tuple[TrackedObject, ...] = ()
    new: list[tuple[str, object]] = []
    removed: list[tuple[str, object]] = []
    for index, listing in enumerate(history):
        result = diff_snapshot(snapshot, listing, now=T0 + timedelta(minutes=2 * index))  # type: ignore[arg-type]
        new += [e.key for e in result.events if e.kind is EventKind.NEW]
        removed += [e.key for e in result.events if e.kind is EventKind.REMOVED]
        snapshot = result.snapshot
        # The snapshot tracks each designation once, and everything listed now.
        names = [t.designation for t in snapshot]
        assert len(names) == len(set(names))
        assert {o.designation for o in listing} <= set(names)  # type: ignore[attr-defined]
    assert len(new) == len(set(new))
    assert len(removed) == len(set(removed))
    assert set(removed) <= set(new)
    # Every object tracked at the end was announced as new.
    assert {t.key for t in snapshot} <= set(new)
