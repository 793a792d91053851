"""The message a channel gets: one event as the full alert, several as one digest within
Discord's limits, ranked, each object on one line."""

from __future__ import annotations

from datetime import timedelta

from bot.neocp import Change, EventKind, NeocpEvent
from bot.neocp.digest import merge_events
from bot.render.common import EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT
from bot.render.digest import delivery_embed
from bot.render.safe import embed_length
from tests.builders import scout_object
from tests.fakes import T0


def event(kind: EventKind, name: str, *, minutes: int = 0, **record: object) -> NeocpEvent:
    changes = (
        (Change(field="n_obs", label="observations", before=4, after=6),)
        if kind is EventKind.UPDATED
        else ()
    )
    return NeocpEvent(
        kind=kind,
        designation=name,
        first_seen=T0,
        detected_at=T0 + timedelta(minutes=minutes),
        object=scout_object(name, **record),
        previous=scout_object(name) if kind is EventKind.UPDATED else None,
        changes=changes,
    )


def test_one_event_is_the_full_alert() -> None:
    embed = delivery_embed([event(EventKind.NEW, "P21abcd")], reference="n1")
    assert "P21abcd" in (embed.title or "")
    assert "n1" in (embed.footer.text or "")


def test_several_events_are_one_ranked_line_each() -> None:
    embed = delivery_embed(
        [
            event(EventKind.REMOVED, "P21gone"),
            event(EventKind.NEW, "P21low", neoScore=10),
            event(EventKind.UPDATED, "P21upd"),
            event(EventKind.NEW, "P21risk", neoScore=99, rating=3),
        ],
        reference="n2",
    )
    assert embed.title == "NEOCP: 2 new, 1 updated, 1 removed"
    lines = (embed.description or "").split("\n")
    assert ["P21risk" in lines[0], "P21low" in lines[1], "P21upd" in lines[2]] == [True] * 3
    assert "observations 4 → 6" in lines[2] and "left the NEOCP" in lines[3]
    assert "n2" in (embed.footer.text or "")


def test_events_of_one_object_merge_into_one_entry() -> None:
    entries = merge_events(
        [
            event(EventKind.NEW, "P21abcd"),
            event(EventKind.UPDATED, "P21abcd", minutes=2, nObs=9),
            event(EventKind.UPDATED, "P21other"),
        ]
    )
    assert [(e.designation, e.kind, e.merged) for e in entries] == [
        ("P21abcd", EventKind.NEW, 2),
        ("P21other", EventKind.UPDATED, 1),
    ]
    assert entries[0].object.n_obs == 9  # the latest figures


def test_a_digest_of_thousands_stays_within_discords_limits_and_counts_the_rest() -> None:
    events = [event(EventKind.NEW, f"P{n:06d}", neoScore=n % 100) for n in range(3000)]
    embed = delivery_embed(events, reference="n3")
    assert len(embed.description or "") <= EMBED_DESCRIPTION_LIMIT
    assert embed_length(embed) <= EMBED_TOTAL_LIMIT
    shown = (embed.description or "").count("\n")
    assert f"… and {3000 - shown} more" in (embed.description or "")


def test_upstream_text_in_a_digest_cannot_ping_or_break_markdown() -> None:
    embed = delivery_embed(
        [event(EventKind.NEW, "P21`@everyone"), event(EventKind.NEW, "P21**x**")],
        reference="n4",
    )
    text = embed.description or ""
    assert "`P21ʼ@everyone`" in text  # the backtick cannot close the code span early
    assert "`P21**x**`" in text  # inside a code span, where Markdown does not render
