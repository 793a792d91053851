"""``python -m bench.screens``: one example of each answer as text, from the real renderers.

Writes docs/screens.md (or prints with ``--stdout``) so a reviewer can read what observers
see without running Discord: embeds as title, description, fields (inline ones marked
``│``), footer; attachments by name. The data are the recorded Scout payloads in
tests/fixtures and a few made-up records; times are fixed so the output is stable.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord

from bot.neocp import AlertFilter, Change, EventKind, NeocpEvent
from bot.neocp.filters import ListOptions, select_objects
from bot.render.alerts import alert_embed, subscriptions_embed
from bot.render.ephemeris import ephemeris_reply
from bot.render.listing import list_page
from bot.render.objects import object_embed
from bot.render.observations import observations_reply
from bot.render.orbits import orbits_reply
from bot.render.reply import Reply
from bot.scout.models import ScoutObject
from bot.store import Subscription, SubscriptionState
from tests.recorded import ephemeris, observations, orbits, summary

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screens.md"
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


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


def day_later(obj: ScoutObject) -> datetime:
    return (obj.last_run or NOW) + timedelta(hours=26)


def screens() -> list[tuple[str, str]]:
    listed = summary()
    objects = listed.objects
    options = ListOptions.build()
    selected = select_objects(objects, options)
    rated = next(obj for obj in selected)
    new = NeocpEvent(
        kind=EventKind.NEW,
        designation=rated.designation,
        first_seen=NOW,
        detected_at=NOW,
        object=rated,
    )
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
    ]


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
