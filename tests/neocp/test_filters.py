"""Which events a subscription's filter lets through."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.neocp import AlertFilter, Change, EventKind, EventSelection, NeocpEvent
from bot.neocp.filters import ListOptions, recipients
from bot.scout.models import ScoutObject
from tests.builders import scout_object
from tests.fakes import T0


def event(kind: EventKind, obj: ScoutObject, previous: ScoutObject | None = None) -> NeocpEvent:
    changes = (Change(field="n_obs", label="observations", before=4, after=6),) if previous else ()
    return NeocpEvent(
        kind=kind,
        designation=obj.designation,
        first_seen=T0,
        detected_at=T0,
        object=obj,
        previous=previous,
        changes=changes,
    )


def test_an_empty_filter_admits_everything() -> None:
    assert AlertFilter().admits(scout_object(neoScore=0, phaScore=0, Vmag="24.9", rating=None))


@pytest.mark.parametrize(
    ("thresholds", "record", "admitted"),
    [
        ({"min_neo_score": 80}, {"neoScore": 80}, True),
        ({"min_neo_score": 80}, {"neoScore": 79}, False),
        ({"min_pha_score": 10}, {"phaScore": 12}, True),
        ({"min_pha_score": 10}, {"phaScore": 3}, False),
        ({"max_vmag": 20.5}, {"Vmag": "20.5"}, True),
        ({"max_vmag": 20.5}, {"Vmag": "20.6"}, False),
        ({"min_rating": 1}, {"rating": 2}, True),
        ({"min_rating": 1}, {"rating": 0}, False),
    ],
)
def test_each_threshold(
    thresholds: dict[str, float], record: dict[str, object], admitted: bool
) -> None:
    assert AlertFilter.model_validate(thresholds).admits(scout_object(**record)) is admitted


def test_an_unknown_value_does_not_meet_a_threshold_set_on_it() -> None:
    unknown = scout_object(rating=None, Vmag=None, neoScore=None)
    assert not AlertFilter(min_rating=0).admits(unknown)
    assert not AlertFilter(max_vmag=30).admits(unknown)
    assert not AlertFilter(min_neo_score=0).admits(unknown)
    assert AlertFilter(min_pha_score=0).admits(unknown)  # phaScore is known


def test_all_thresholds_must_hold_together() -> None:
    wanted = AlertFilter(min_neo_score=50, max_vmag=21)
    assert wanted.admits(scout_object(neoScore=90, Vmag="20.0"))
    assert not wanted.admits(scout_object(neoScore=90, Vmag="21.5"))


@pytest.mark.parametrize(
    ("selection", "kinds"),
    [
        (EventSelection.ALL, {EventKind.NEW, EventKind.UPDATED, EventKind.REMOVED}),
        (EventSelection.NEW, {EventKind.NEW}),
        (EventSelection.NEW_UPDATES, {EventKind.NEW, EventKind.UPDATED}),
        (EventSelection.NEW_REMOVALS, {EventKind.NEW, EventKind.REMOVED}),
    ],
)
def test_the_events_choice_selects_kinds(selection: EventSelection, kinds: set[EventKind]) -> None:
    subscription = AlertFilter(events=selection)
    obj = scout_object()
    wanted = {kind for kind in EventKind if subscription.wants(event(kind, obj, obj))}
    assert wanted == kinds


def test_the_events_choices_are_the_public_names() -> None:
    assert [choice.value for choice in EventSelection] == [
        "all",
        "new",
        "new+updates",
        "new+removals",
    ]


def test_an_update_that_drops_below_the_threshold_still_reaches_the_channel() -> None:
    subscription = AlertFilter(min_neo_score=80)
    before, after = scout_object(neoScore=95), scout_object(neoScore=40)
    assert subscription.wants(event(EventKind.UPDATED, after, before))
    assert not subscription.wants(event(EventKind.NEW, after))


def test_a_removal_is_judged_on_the_last_record() -> None:
    subscription = AlertFilter(min_neo_score=80)
    assert subscription.wants(event(EventKind.REMOVED, scout_object(neoScore=95)))
    assert not subscription.wants(event(EventKind.REMOVED, scout_object(neoScore=10)))


def test_out_of_range_thresholds_are_refused() -> None:
    for bad in ({"min_neo_score": 101}, {"min_rating": 5}, {"max_vmag": -1}):
        with pytest.raises(ValidationError):
            AlertFilter.model_validate(bad)


def test_describe_names_each_threshold_and_the_events() -> None:
    text = AlertFilter(min_neo_score=80, max_vmag=21.5, events=EventSelection.NEW).describe()
    assert text == "NEO ≥ 80 · V ≤ 21.5; events: new only"
    assert AlertFilter().describe() == "every object; events: new, updated and removed"


def test_the_list_and_the_alerts_describe_thresholds_alike() -> None:
    listing = ListOptions.build(min_neo_score=80, max_vmag=21.5)
    alerts = AlertFilter(min_neo_score=80, max_vmag=21.5)
    assert listing.describe() == "NEO ≥ 80 · V ≤ 21.5"
    assert alerts.describe() == "NEO ≥ 80 · V ≤ 21.5; events: new, updated and removed"
    assert listing.filter.admits(scout_object(neoScore=85, Vmag="21.0"))


def test_a_filter_round_trips_through_its_stored_document() -> None:
    alert_filter = AlertFilter(min_pha_score=10, min_rating=1, events=EventSelection.NEW)
    assert AlertFilter.from_document(alert_filter.to_document()) == alert_filter
    with pytest.raises(ValidationError):
        AlertFilter.from_document('{"min_neo_score": 101}')


def test_recipients_are_the_subscriptions_whose_filter_wants_the_event() -> None:
    new = event(EventKind.NEW, scout_object("A", neoScore=90))
    filters = [(1, AlertFilter(min_neo_score=95)), (2, AlertFilter()), (3, AlertFilter())]
    assert recipients(new, filters) == [2, 3]
