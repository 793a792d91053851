"""The alert embed and the /alerts answers."""

from __future__ import annotations

from datetime import timedelta

import discord

from bot.alerts.status import WatcherStatus
from bot.health import ServiceHealth
from bot.neocp import AlertFilter, Change, EventKind, NeocpEvent
from bot.render.alerts import (
    alert_content,
    alert_embed,
    format_change,
    preview_embed,
    status_embed,
    subscriptions_embed,
)
from bot.render.common import COLOUR_UNKNOWN, EMBED_TOTAL_LIMIT
from bot.store import OutboxCounts, Subscription, SubscriptionState
from tests import recorded
from tests.builders import scout_object
from tests.fakes import T0

STAMP = int(T0.timestamp())  # Discord's <t:…> of T0

OBJ = scout_object("P21abcd", nObs=7, neoScore=97, phaScore=3, Vmag="19.2")


def event(kind: EventKind, **extra: object) -> NeocpEvent:
    return NeocpEvent(
        kind=kind, designation=OBJ.designation, first_seen=T0, detected_at=T0, object=OBJ, **extra
    )


def fields(embed: discord.Embed) -> dict[str, str]:
    return {str(field.name): str(field.value) for field in embed.fields}


def test_a_new_object_alert_carries_the_figures_observers_need() -> None:
    embed = alert_embed(event(EventKind.NEW), reference="0123abcd")
    assert embed.title == "P21abcd is new on the NEOCP"
    assert embed.url == "https://cneos.jpl.nasa.gov/scout/#/object/P21abcd"
    shown = fields(embed)
    assert shown["Scores (0-100)"] == "NEO 97 · PHA 3"
    assert shown["Impact rating"] == "0 (negligible)"
    assert "V 19.2" in shown["Brightness"] and "H 22.5" in shown["Brightness"]
    assert shown["Observations"] == "7 obs · arc 1.1 h"
    position = shown["Position (coarse)"]
    assert "20h25m -47° at " in position and " UTC · " in position and "152°" in position
    assert "rate 4.8″/min" in position
    assert shown["Earth approach"].startswith("MOID ") and "closest " in shown["Earth approach"]
    assert shown["1-σ uncertainty"] == "5.4′ (26′ in 1 d)"
    assert "showobsorbs.cgi?Obj=P21abcd" in shown["Links"]
    assert embed.footer.text is not None and "0123abcd" in embed.footer.text
    assert "do not repost" in embed.footer.text
    assert embed.timestamp == T0
    assert len(embed) < EMBED_TOTAL_LIMIT


def test_an_update_says_what_moved_from_what_to_what() -> None:
    changes = (
        Change(field="n_obs", label="observations", before=4, after=7),
        Change(field="rating", label="rating", before=None, after=1),
        Change(field="ca_dist", label="close approach (LD)", before=25, after=0.4),
    )
    embed = alert_embed(event(EventKind.UPDATED, previous=OBJ, changes=changes), reference="r")
    assert embed.title == "P21abcd updated"
    assert embed.description is not None
    assert "**observations**: 4 → 7" in embed.description
    assert "**rating**: n/a → 1 (small)" in embed.description
    # The unit is in the value; the label does not repeat it.
    assert "**closest approach**: 25 LD → 0.4 LD" in embed.description


def test_a_removal_links_what_still_lists_the_object() -> None:
    links = fields(alert_embed(event(EventKind.REMOVED), reference="r"))["Links"]
    assert "db_search/show_object?object_id=P21abcd" in links
    assert "ToConfirm_PrevDes.html" in links and "showobsorbs" not in links


def test_an_arc_under_an_hour_is_in_minutes() -> None:
    change = Change(field="arc_hours", label="arc (h)", before=0.4, after=1.5)
    assert format_change(change) == "24 min → 1.5 h"


def test_a_removal_is_grey_and_says_why_objects_leave() -> None:
    embed = alert_embed(event(EventKind.REMOVED), reference="r")
    assert embed.title == "P21abcd has left the NEOCP"
    assert embed.colour == COLOUR_UNKNOWN
    assert embed.description is not None and "designated" in embed.description


def test_the_mention_is_the_role_or_nothing() -> None:
    assert alert_content(None) is None
    assert alert_content(7001) == "<@&7001>"


def test_changes_use_each_quantitys_format() -> None:
    assert format_change(Change(field="vmag", label="V", before=19.24, after=20.0)) == "19.2 → 20.0"
    assert format_change(Change(field="arc_hours", label="arc", before=1.09, after=30)) == (
        "1.1 h → 1.2 d"
    )


def subscription(**extra: object) -> Subscription:
    values: dict[str, object] = {
        "id": 1,
        "guild_id": 1,
        "channel_id": 5001,
        "filter": AlertFilter(min_neo_score=80),
        "mention_role_id": 7001,
        "created_by": 2,
        "created_at": T0,
        "state": SubscriptionState.ACTIVE,
        "last_delivery_at": T0,
        **extra,
    }
    return Subscription.model_validate(values)


def test_list_shows_filter_mention_and_last_delivery_or_failure() -> None:
    embed = subscriptions_embed(
        [
            subscription(),
            subscription(
                id=2,
                channel_id=5002,
                state=SubscriptionState.DISABLED,
                last_failure="404 Not Found (error code: 10003): Unknown Channel",
                last_failure_at=T0,
            ),
        ]
    )
    first, second = embed.fields
    assert "active" in str(first.name)
    assert "<#5001>: NEO ≥ 80" in str(first.value) and "<@&7001>" in str(first.value)
    # UTC, as the tables are, and Discord's relative time beside it.
    assert f"last alert: 2026-07-12 19:30 UTC (<t:{STAMP}:R>)" in str(first.value)
    assert "stopped" in str(second.name) and "Unknown Channel" in str(second.value)
    assert f"last failure 2026-07-12 19:30 UTC (<t:{STAMP}:R>): 404" in str(second.value)
    assert "/alerts subscribe" in str(second.value)


def test_a_channel_never_alerted_says_so() -> None:
    (entry,) = subscriptions_embed([subscription(last_delivery_at=None)]).fields
    assert "last alert: none yet" in str(entry.value)


def test_an_empty_list_says_how_to_start() -> None:
    assert "/alerts subscribe" in str(subscriptions_embed([]).description)


def test_preview_counts_and_names_the_passing_objects() -> None:
    objects = recorded.summary().objects
    embed = preview_embed(5001, AlertFilter(max_vmag=19.5), objects)
    passing = [o for o in objects if o.vmag is not None and o.vmag <= 19.5]
    assert f"**{len(passing)}** of the 33 objects" in str(embed.description)
    assert "Nothing was posted" in str(embed.footer.text)


def test_status_shows_polls_tracking_queue_and_last_error() -> None:
    status = WatcherStatus(
        enabled=True,
        poll_interval_seconds=120,
        last_poll_at=T0,
        last_poll_ok=False,
        last_poll_note="Scout: 503 Service Unavailable",
        next_poll_at=T0 + timedelta(minutes=2),
        objects_tracked=33,
        last_error="Scout: 503 Service Unavailable",
        last_error_at=T0,
    )
    embed = status_embed(
        status,
        running=True,
        subscriptions=3,
        outbox=OutboxCounts(pending=2, sent=10, failed=1),
        scout=ServiceHealth("JPL Scout"),
    )
    shown = fields(embed)
    assert "every 120 s" in str(embed.description)
    assert "503" in shown["Last poll"] and "503" in shown["Last upstream error"]
    assert shown["Objects tracked"] == "33"
    assert "2 queued · 10 sent · 1 failed" in shown["Alerts"]
    assert list(shown) == [
        "Last poll",
        "Next poll",
        "Objects tracked",
        "Alerts",
        "Last upstream error",
    ]
    assert shown["Last poll"].startswith(f"⚠️ 2026-07-12 19:30 UTC (<t:{STAMP}:R>): ")
    assert shown["Next poll"] == f"2026-07-12 19:32 UTC (<t:{STAMP + 120}:R>)"
    assert shown["Last upstream error"].startswith(f"2026-07-12 19:30 UTC (<t:{STAMP}:R>): ")
    assert not embed.fields[1].inline  # a third of an embed would wrap it
    assert embed.colour == discord.Colour.red()


def test_status_when_alerts_are_off() -> None:
    embed = status_embed(
        WatcherStatus(enabled=False, poll_interval_seconds=120),
        running=False,
        subscriptions=0,
        outbox=OutboxCounts(),
        scout=ServiceHealth("JPL Scout"),
    )
    assert "turned off" in str(embed.description)
