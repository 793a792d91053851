"""``python -m bench.screens``: one example of each answer as text, from the real renderers.

Writes docs/screens.md (or prints with ``--stdout``) so a reviewer can read what observers
see without running Discord: embeds as title, description, fields (inline ones marked
``│``), footer; attachments by name. The data are the recorded Scout payloads in
tests/fixtures and a few made-up records; times are fixed so the output is stable.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord

from bench.screens_sites import LEMMON, site_alerts, site_screens
from bot.alerts.watcher import WatcherStatus
from bot.errors import InvalidInput
from bot.followup.significance import significant_new
from bot.followup.status import FollowupStatus, ObjectKey, StatusRecord
from bot.followup.team import TeamStatus
from bot.health import MPC, SCOUT, ServiceHealth
from bot.neocp import AlertFilter, Change, EventKind, NeocpEvent
from bot.neocp.filters import ListOptions, select_objects
from bot.render.about import about_embed
from bot.render.alerts import alert_embed, status_embed, subscriptions_embed
from bot.render.digest import delivery_embed
from bot.render.ephemeris import ephemeris_reply
from bot.render.followup import (
    MineWindows,
    card_embed,
    digest_choice_answer,
    digest_followup_view,
    mine_embed,
    status_view,
)
from bot.render.forget import CONFIRM_LABEL, forget_question, forgotten_message
from bot.render.fov import fov_reply
from bot.render.listing import list_page
from bot.render.objects import object_embed
from bot.render.observations import observations_reply
from bot.render.orbits import orbits_reply
from bot.render.reply import Reply
from bot.render.tonight import tonight_embed
from bot.scout.models import Ephemeris, FieldOfView, ScoutObject
from bot.scout.outage import Outage
from bot.scout.validation import EphemerisQuery, FieldOfViewRequest
from bot.sky import Visibility, plan_tonight
from bot.sky.code_suggestions import ephemeris_code
from bot.store import GuildDataRemoved, OutboxCounts, Subscription, SubscriptionState
from tests.recorded import ephemeris, observations, orbits, summary

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screens.md"
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
# /scout tonight is planned when the recorded summary's positions were fresh (its tEphem):
# planned months later, every object's motion allowance would be the 20 degree cap.
SUMMARY_EPOCH = datetime(2026, 7, 12, 19, 30, tzinfo=UTC)


def embed_text(embed: discord.Embed) -> str:
    lines = []
    if embed.title:
        lines.append(f"# {embed.title}")
    if embed.url:
        lines.append(f"<{embed.url}>")
    if embed.description:
        lines += ["", embed.description]
    for field in embed.fields:
        mark = "│ " if field.inline else ""
        lines += [
            "",
            f"{mark}**{field.name}**",
            *(f"{mark}{line}" for line in str(field.value).splitlines()),
        ]
    if embed.footer.text:
        lines += ["", f"_{embed.footer.text}_"]
    return "\n".join(lines)


def reply_text(reply: Reply) -> str:
    parts = []
    if reply.content:
        parts.append(reply.content)
    parts += [embed_text(embed) for embed in reply.embeds]
    if reply.attachments:
        parts.append("Attached: " + ", ".join(a.filename for a in reply.attachments))
    return "\n\n".join(parts)


def view_text(view: discord.ui.View | None) -> str:
    """A message's components: a menu's placeholder and options, buttons by label."""
    lines = []
    for item in [] if view is None else view.children:
        if isinstance(item, discord.ui.Select):
            lines.append(f"[▾ {item.placeholder}]")
            lines += [f"   {option.emoji or ''} {option.label}" for option in item.options]
        elif isinstance(item, discord.ui.Button):
            lines.append(f"[{item.emoji or ''} {item.label}]")
    return "\n".join(lines)


def followup_screens(objects: list[ScoutObject]) -> list[tuple[str, str]]:
    """A digest with its follow-up menu, /followup mine, /alerts forget."""
    events = [
        NeocpEvent.first_listed(o, NOW)
        # A busy cycle's digest: objects below the significance bar (those above it get
        # alerts of their own).
        for o in [o for o in objects if not significant_new(o)][:3]
    ]
    digest = embed_text(delivery_embed(events, reference="0123abcd"))
    first = events[0]
    key = ObjectKey(designation=first.designation, first_seen=NOW)
    record = StatusRecord(
        guild_id=1,
        object=key,
        member_id=1,
        member_name="Alice",
        site_code="G96",
        status=FollowupStatus.TARGETING,
        at=NOW - timedelta(minutes=20),
    )
    seen = Visibility(
        designation=first.designation,
        start=NOW + timedelta(hours=1, minutes=10),
        end=NOW + timedelta(hours=4, minutes=40),
        best_altitude=62.0,
        best_time=NOW + timedelta(hours=2, minutes=55),
        moon_distance=80.0,
        margin=0.0,
    )
    windows = MineWindows("G96", {key: seen}, NOW, 24)
    team = TeamStatus.from_records([record])
    removed = GuildDataRemoved(
        statuses=14,
        alert_messages=6,
        threads=4,
        channel_settings=2,
        sites=2,
        member_sites=3,
        subscriptions=2,
        delivery_records=120,
    )
    return [
        (
            "Alert: a digest, with its follow-up menu",
            f"{digest}\n\n{view_text(digest_followup_view(events, None))}",
        ),
        (
            "The menu's choice (private)",
            f"{digest_choice_answer(first.designation)}\n\n{view_text(status_view(key, None))}",
        ),
        (
            "The object's card, posted at the first press",
            f"{embed_text(card_embed(key, first.object, reference='0123abce'))}\n\n"
            f"{view_text(status_view(key, None))}",
        ),
        (
            "/followup mine, at your site",
            embed_text(mine_embed([(record, team)], windows)),
        ),
        (
            "/followup mine, no site set",
            embed_text(mine_embed([(record, team)], MineWindows(None, {}, NOW, 24))),
        ),
        ("/alerts forget", f"{forget_question()}\n\n[{CONFIRM_LABEL}]"),
        ("/alerts forget, confirmed", forgotten_message(removed)),
    ]


def day_later(obj: ScoutObject) -> datetime:
    return (obj.last_run or NOW) + timedelta(hours=26)


def field_of_view() -> Ephemeris:
    """The recorded ephemeris as a /scout fov answer: Scout's field block as the issue
    quotes it, and 1000 made-up sampled positions strung along the line of motion."""
    eph = ephemeris()
    record = eph.records[0]
    ra, dec = record.ra or 0.0, record.dec or 0.0
    rng = random.Random(15)
    rows = []
    for _ in range(1000):
        along, across = rng.gauss(0, 25 / 60), rng.gauss(0, 4 / 60)  # degrees
        rows.append({"ra": ra + along + across, "dec": dec + along - across, "vmag": 19.8})
    fov = FieldOfView.from_payload({"diam": "30", "prob": "0.168"})
    # The 1-sigma that goes with that spread (about 36' along the motion), not the recorded
    # object's 0.02', so the screen's odds and its uncertainty tell one story.
    first = record.model_copy(update={"orbit_rows": rows, "fov": fov, "sigma_pos": 36.0})
    return eph.model_copy(update={"records": [first]})


def errors() -> str:
    """Three refusals that teach: a time to copy, the codes meant, when Scout is asked again."""
    answers = []
    for attempt in (
        lambda: EphemerisQuery.build("6J12821", start="tomorrow 9pm", now=NOW),
        lambda: ephemeris_code("G69x"),
    ):
        try:
            attempt()
        except InvalidInput as refusal:
            answers.append(str(refusal))
    down = Outage(lambda: 0.0, 120.0, utc=lambda: NOW).gave_up("HTTP 503")
    answers.append(down.message)
    return "\n\n".join(answers)


def watcher_status() -> discord.Embed:
    status = WatcherStatus(
        enabled=True,
        poll_interval_seconds=120,
        last_poll_at=NOW,
        last_poll_ok=True,
        last_poll_note="33 objects, 2 events queued",
        last_success_at=NOW,
        next_poll_at=NOW + timedelta(minutes=2),
        objects_tracked=33,
    )
    scout = ServiceHealth(SCOUT, last_success=NOW, last_failure=NOW - timedelta(hours=3),
                          last_error="HTTP 503")  # fmt: skip
    return status_embed(
        status,
        running=True,
        subscriptions=3,
        outbox=OutboxCounts(pending=0, sent=41, failed=1),
        scout=scout,
        now=NOW,
    )


def about() -> discord.Embed:
    return about_embed(
        [
            ServiceHealth(SCOUT, last_success=NOW - timedelta(minutes=1)),
            ServiceHealth(MPC, last_failure=NOW - timedelta(hours=2), last_error="HTTP 502"),
        ]
    )


def followup_mine(objects: list[ScoutObject]) -> discord.Embed:
    targets = []
    for obj, status, hours in (
        (objects[0], FollowupStatus.TARGETING, 1),
        (objects[1], FollowupStatus.FOUND, 3),
    ):
        key = ObjectKey(designation=obj.designation, first_seen=NOW - timedelta(days=1))
        mine = StatusRecord(
            guild_id=1, object=key, member_id=9, member_name="Ada", site_code="G96",
            status=status, at=NOW - timedelta(hours=hours),
        )  # fmt: skip
        other = mine.model_copy(update={"member_id": 10, "member_name": "Ben", "site_code": "F51"})
        targets.append((mine, TeamStatus.from_records([mine, other])))
    return mine_embed(targets)


def screens() -> list[tuple[str, str]]:
    listed = summary()
    objects = listed.objects
    options = ListOptions.build()
    selected = select_objects(objects, options)
    rated = next(obj for obj in selected)
    new = NeocpEvent.first_listed(rated, NOW)
    update = NeocpEvent(
        kind=EventKind.UPDATED,
        designation=rated.designation,
        first_seen=NOW - timedelta(hours=3),
        detected_at=NOW,
        object=rated,
        previous=rated,
        changes=(
            Change(field="n_obs", label="observations", before=4, after=9),
            Change(field="arc_hours", label="arc (h)", before=0.4, after=1.6),
            Change(field="ca_dist", label="close approach (LD)", before=25, after=3.1),
        ),
    )
    removed = NeocpEvent(
        kind=EventKind.REMOVED,
        designation=rated.designation,
        first_seen=NOW - timedelta(days=2),
        detected_at=NOW,
        object=rated,
    )
    subscription = Subscription(
        id=1,
        guild_id=1,
        channel_id=5001,
        filter=AlertFilter(min_neo_score=80),
        mention_role_id=None,
        created_by=9,
        created_at=NOW,
        state=SubscriptionState.ACTIVE,
        last_delivery_at=NOW,
    )
    tonight = plan_tonight(objects, LEMMON, SUMMARY_EPOCH)
    return [
        ("/scout list", embed_text(list_page(selected, options, total=len(objects)).embed)),
        ("/scout object", embed_text(object_embed(rated, now=rated.last_run))),
        ("/scout object, a day later", embed_text(object_embed(rated, now=day_later(rated)))),
        ("/scout ephemeris", reply_text(ephemeris_reply(ephemeris()))),
        ("/scout orbits", reply_text(orbits_reply(orbits()))),
        ("/scout observations", reply_text(observations_reply(observations()))),
        ("Alert: new object", embed_text(alert_embed(new, reference="0123abcd"))),
        ("Alert: update", embed_text(alert_embed(update, reference="0123abcd"))),
        ("Alert: removal", embed_text(alert_embed(removed, reference="0123abcd"))),
        ("/alerts list", embed_text(subscriptions_embed([subscription]))),
        ("/alerts status", embed_text(watcher_status())),
        ("/scout fov, low odds", reply_text(fov_reply(field_of_view(), FieldOfViewRequest(30)))),
        ("/scout tonight", embed_text(tonight_embed(tonight, 0))),
        ("/followup mine", embed_text(followup_mine(selected))),
        *followup_screens(list(selected)),
        ("/about", embed_text(about())),
        ("Errors that teach", errors()),
        *((name, embed_text(embed)) for name, embed in site_alerts(new, NOW)),
        *((name, shown_text(shown)) for name, shown in site_screens(NOW)),
    ]


def shown_text(shown: discord.Embed | str) -> str:
    return shown if isinstance(shown, str) else embed_text(shown)


def document() -> str:
    parts = [
        "# What observers see",
        "",
        "Produced by `python -m bench.screens` from the real render functions and the",
        "recorded Scout payloads (do not edit by hand). Inline fields are marked `│`;",
        "`<t:…:R>` is Discord's relative time, shown in the reader's locale.",
    ]
    for name, text in screens():
        # Four backticks: the answers hold code blocks of their own.
        parts += ["", f"## {name}", "", "````text", text, "````"]
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stdout", action="store_true")
    args = parser.parse_args()
    text = document()
    if args.stdout:
        sys.stdout.write(text)
    else:
        OUTPUT.write_text(text)
        print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
