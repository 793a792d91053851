"""What earns a line in the channel, and a thread on a busy night."""

from __future__ import annotations

from bot.followup.significance import channel_line_reason, significant_new
from bot.neocp.events import Change, EventKind, NeocpEvent
from tests.builders import scout_object
from tests.followup.helpers import P21, T0


def _update(*changes: Change) -> NeocpEvent:
    return NeocpEvent(
        kind=EventKind.UPDATED,
        designation=P21.designation,
        first_seen=P21.first_seen,
        detected_at=T0,
        object=scout_object("P21abcd"),
        changes=changes,
    )


def test_a_new_object_with_a_rating_or_a_pha_score_passes_the_bar() -> None:
    assert significant_new(scout_object(rating=1))
    assert significant_new(scout_object(rating=0, phaScore=12))
    assert not significant_new(scout_object(rating=0, phaScore=3))
    assert not significant_new(scout_object(rating=None, phaScore=None))


def test_a_rising_rating_or_pha_score_earns_a_channel_line() -> None:
    rating = Change(field="rating", label="impact rating", before=1, after=2)
    assert channel_line_reason(_update(rating)) == "impact rating 1 → 2"
    pha = Change(field="pha_score", label="PHA score", before=None, after=20)
    assert channel_line_reason(_update(pha)) == "PHA score n/a → 20"


def test_falling_scores_and_more_observations_stay_in_the_thread() -> None:
    falling = Change(field="rating", label="impact rating", before=2, after=1)
    observations = Change(field="n_obs", label="observations", before=4, after=9)
    assert channel_line_reason(_update(falling, observations)) is None


def test_a_close_approach_within_a_lunar_distance_earns_a_line() -> None:
    closer = Change(field="ca_dist", label="close approach", before=3.0, after=0.6)
    assert channel_line_reason(_update(closer)) == "close approach 3 → 0.6"
    farther = Change(field="ca_dist", label="close approach", before=0.5, after=0.8)
    assert channel_line_reason(_update(farther)) is None
