"""What the team's follow-up looks like: the alert's status buttons and "Follow-up" field,
the private answers to a press, `/followup mine`, and the one-line status for lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import discord

from bot.followup import FollowupStatus, ObjectKey, StatusRecord, TeamStatus
from bot.followup.buttons import ButtonAction, digest_custom_id, option_value, status_custom_id
from bot.followup.team import clock
from bot.neocp.digest import DigestEntry, merge_events
from bot.neocp.events import EventKind, NeocpEvent
from bot.render import safe
from bot.render.alerts import alert_embed, last_run_sentence
from bot.render.common import (
    DATA_FOOTER,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    relative_time,
    scout_url,
    shown,
    truncate,
    utc_and_relative,
)
from bot.render.tonight import hhmm
from bot.scout.models import ScoutObject
from bot.sky import Visibility

FOLLOWUP_FIELD: Final = "Follow-up"
DIGEST_MENU_PLACEHOLDER: Final = "Record follow-up for…"
SELECT_OPTIONS_LIMIT: Final = 25  # Discord's limits for a select menu
SELECT_LABEL_LIMIT: Final = 100
DIGEST_MENUS_LIMIT: Final = 5  # a message has five rows of components
_RANK: Final = re.compile(r"^\d+\.\s+")

_BUTTONS: Final[tuple[tuple[ButtonAction, str, discord.ButtonStyle, str], ...]] = (
    (ButtonAction.TARGETING, "Targeting", discord.ButtonStyle.primary, "🎯"),
    (ButtonAction.FOUND, "Found", discord.ButtonStyle.success, "✅"),
    (ButtonAction.NOT_FOUND, "Not found", discord.ButtonStyle.secondary, "❌"),
    (ButtonAction.REPORTED, "Reported", discord.ButtonStyle.secondary, "📨"),
    (ButtonAction.UNDO, "Undo", discord.ButtonStyle.secondary, "↩️"),
)


def escape(value: str) -> str:
    """A member's name or a designation as typed: no Markdown, no mention."""
    return safe.text(value, limit=100)


def escape_note(text: str) -> str:
    """The at-risk note (its designation already escaped), within one post's length."""
    return safe.fit(safe.strip_controls(text), safe.CONTENT_LIMIT)


def status_view(key: ObjectKey, role_id: int | None) -> discord.ui.View:
    """The five status buttons of a new-object alert.

    Plain buttons: the follow-up cog's dynamic item answers them by their custom_id. The
    view is stopped before it is sent so that discord.py does not keep it in memory for
    every alert ever posted (a stopped view is sent as components but never stored).
    """
    view = discord.ui.View(timeout=None)
    for action, label, style, emoji in _BUTTONS:
        view.add_item(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                custom_id=status_custom_id(action, key, role_id),
            )
        )
    view.stop()
    return view


def digest_followup_view(
    events: Sequence[NeocpEvent], role_id: int | None
) -> discord.ui.View | None:
    """A digest's "Record follow-up for…" menus: one option per new object, in the digest's
    order, 25 a menu (Discord's limit) and up to five menus. Choosing one answers privately
    with its status buttons. None when the digest has no new object. Stopped, as
    ``status_view`` is."""
    new = [entry for entry in merge_events(events) if entry.kind is EventKind.NEW]
    if not new:
        return None
    view = discord.ui.View(timeout=None)
    offered = new[: SELECT_OPTIONS_LIMIT * DIGEST_MENUS_LIMIT]
    for part, first in enumerate(range(0, len(offered), SELECT_OPTIONS_LIMIT)):
        chunk = offered[first : first + SELECT_OPTIONS_LIMIT]
        view.add_item(
            discord.ui.Select(
                custom_id=digest_custom_id(role_id, part),
                placeholder=digest_menu_placeholder(first, len(chunk), len(new)),
                options=[
                    discord.SelectOption(
                        label=option_label(entry.object),
                        value=option_value(entry_key(entry)),
                        emoji="🎯",
                    )
                    for entry in chunk
                ],
            )
        )
    view.stop()
    return view


def digest_menu_placeholder(first: int, count: int, total: int) -> str:
    """ "Record follow-up for…" alone; "Record follow-up for… (26–50 of 140)" for a part,
    and the last of five says how many have no menu. (125 options reach further than a
    digest's lines: its embed lists about 60.)"""
    if total <= SELECT_OPTIONS_LIMIT:
        return DIGEST_MENU_PLACEHOLDER
    placeholder = f"{DIGEST_MENU_PLACEHOLDER} ({first + 1}–{first + count} of {total})"
    beyond = total - SELECT_OPTIONS_LIMIT * DIGEST_MENUS_LIMIT
    if first + count == SELECT_OPTIONS_LIMIT * DIGEST_MENUS_LIMIT and beyond > 0:
        # Discord allows five menus; say so rather than let the rest look forgotten.
        placeholder += f"; {beyond} more have no menu (Discord's limit)"
    return placeholder


def entry_key(entry: DigestEntry) -> ObjectKey:
    return ObjectKey(designation=entry.designation, first_seen=entry.event.first_seen)


def option_label(obj: ScoutObject) -> str:
    """``P21abcd · NEO 98 · V 20.3`` (plain text: a menu shows no Markdown)."""
    parts = [obj.designation]
    if obj.neo_score is not None:
        parts.append(f"NEO {obj.neo_score}")
    if obj.vmag is not None:
        parts.append(f"V {obj.vmag:.1f}")
    return safe.fit(safe.strip_controls(" · ".join(parts)), SELECT_LABEL_LIMIT)


def digest_choice_answer(designation: str) -> str:
    """The private answer to choosing an object in a digest's menu, above its buttons."""
    return (
        f"Your follow-up of **{escape(designation)}**: press a status. The first status "
        "posts the team's follow-up card in this channel (with its thread), where the team's "
        "status shows."
    )


def no_card_answer(designation: str) -> str:
    """After a press from a digest's menu when the object's card is not in the channel."""
    return (
        f"The card of **{escape(designation)}** is not in the channel yet (it is being "
        "posted, or Discord refused it): your status is recorded, and the card will show it. "
        "Your next press tries again."
    )


def card_embed(key: ObjectKey, obj: ScoutObject, *, reference: str) -> discord.Embed:
    """The team's follow-up card of an object first listed in a digest, posted when the
    team acts on it (maybe hours later): the alert's figures, under a title that says
    what it is."""
    event = NeocpEvent(
        kind=EventKind.NEW,
        designation=key.designation,
        first_seen=key.first_seen,
        detected_at=key.first_seen,
        object=obj,
    )
    embed = alert_embed(event, reference=reference)
    embed.title = truncate(f"🎯 {shown(key.designation)}: the team's follow-up", EMBED_TITLE_LIMIT)
    embed.description = truncate(
        f"First listed in a digest; on the NEOCP since {utc_and_relative(key.first_seen)}. "
        f"{last_run_sentence(obj)}",
        EMBED_DESCRIPTION_LIMIT,
    )
    return safe.clamp_embed(embed)


def followup_value(team: TeamStatus) -> str | None:
    """The alert's "Follow-up" field: one line per member; None when nobody pressed yet."""
    lines = team.member_lines(escape)
    if not lines:
        return None
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index
        candidate = "\n".join([*kept, line])
        if len(candidate) > EMBED_FIELD_VALUE_LIMIT - 20:
            kept.append(f"… and {rest} more")
            break
        kept.append(line)
    return "\n".join(kept)


def with_team(embed: discord.Embed, team: TeamStatus) -> discord.Embed:
    """The alert embed with its "Follow-up" field set to the team's status now."""
    updated = discord.Embed.from_dict(embed.to_dict())
    kept = [field for field in updated.fields if field.name != FOLLOWUP_FIELD]
    updated.clear_fields()
    for field in kept[: EMBED_FIELD_LIMIT - 1]:
        updated.add_field(name=field.name, value=field.value, inline=bool(field.inline))
    value = followup_value(team)
    if value is not None:
        updated.add_field(name=FOLLOWUP_FIELD, value=value, inline=False)
    return updated


def team_line(team: TeamStatus) -> str | None:
    """``👥 2 targeting, found by Bob (I41)`` for lists and object answers."""
    summary = team.summary(escape)
    return f"👥 {summary}" if summary else None


def add_team_field(embed: discord.Embed, team: TeamStatus | None) -> discord.Embed:
    """`/scout object`: a "Team follow-up" line when the team has a status on it."""
    line = None if team is None else team_line(team)
    if line is not None and len(embed) + len(line) + 20 <= EMBED_TOTAL_LIMIT:
        embed.add_field(name="Team follow-up", value=line, inline=False)
    return embed


def page_designations(page: discord.Embed) -> list[str]:
    """The designations of a `/scout list` or `/scout tonight` page, from its fields'
    names (``"P21abcd · ..."``, or ranked: ``"3. P21abcd · ..."``)."""
    return [
        _RANK.sub("", (field.name or "").split(" · ", 1)[0]).replace("\\", "")
        for field in page.fields
    ]


def add_team_lines(page: discord.Embed, teams: Mapping[str, TeamStatus]) -> discord.Embed:
    """`/scout list`: the team's status under each object of a page that has one.

    The list's fields are named ``"<designation> · ..."``; a line is added only while
    the page stays within Discord's limits.
    """
    for index, (field, designation) in enumerate(
        zip(page.fields, page_designations(page), strict=True)
    ):
        team = teams.get(designation)
        line = None if team is None else team_line(team)
        if line is None or field.value is None:
            continue
        value = f"{field.value}\n{truncate(line, 200)}"
        if len(value) > EMBED_FIELD_VALUE_LIMIT or len(page) + len(line) + 1 > EMBED_TOTAL_LIMIT:
            continue
        page.set_field_at(index, name=field.name or "", value=value, inline=bool(field.inline))
    return page


def press_answer(record: StatusRecord, team: TeamStatus) -> str:
    """The private answer to a status press."""
    verb = record.status.verb.replace("is ", "are ", 1)
    return (
        f"Recorded: you {verb} {escape(record.object.designation)} "
        f"(as {escape(record.who)}, {clock(record.at)}).\n"
        f"Team: {team.summary(escape)}."
    )


def undo_answer(designation: str, now_current: StatusRecord | None, team: TeamStatus) -> str:
    mine = (
        f"you are back to {now_current.status.label.lower()}"
        if now_current is not None
        else "you have no status on it now"
    )
    summary = team.summary(escape) or "nobody has a status on it"
    return f"Undone: {mine} for {escape(designation)}.\nTeam: {summary}."


def no_press_role_answer(role_id: int) -> str:
    return (
        f"Only members with the <@&{role_id}> role record follow-up on these alerts "
        "(chosen when the alerts were set up)."
    )


def gone_answer(designation: str, left_at: str | None) -> str:
    """The private answer to a press on an object no longer on the NEOCP."""
    when = f" {left_at}" if left_at else ""
    return (
        f"{escape(designation)} has left the NEOCP{when}: designated, identified with a "
        "known object, or withdrawn (Scout does not say which; the MPC's MPECs and its "
        "list of previous NEOCP objects do). Nothing was recorded."
    )


def window_note(site_code: str, seen: Visibility | None, *, now: datetime, hours: float) -> str:
    """Where the member observes: ``G96: up 02:10-05:40 UTC (in 3 hours), highest 62° at
    03:55``; "up now until ..." inside the window; "not up in the dark" without one."""
    if seen is None:
        return f"{site_code}: not up in the dark in the next {hours:g} h"
    if seen.start <= now:
        return f"{site_code}: up now until {hhmm(seen.end)} UTC ({relative_time(seen.end)})"
    return (
        f"{site_code}: up {hhmm(seen.start)}-{hhmm(seen.end)} UTC ({relative_time(seen.start)}), "
        f"highest {seen.best_altitude:.0f}° at {hhmm(seen.best_time)}"
    )


@dataclass(frozen=True)
class MineWindows:
    """The observing windows `/followup mine` shows: at the member's site (their own
    default, else the server's; None: no site set), per object still on the NEOCP."""

    site_code: str | None
    windows: Mapping[ObjectKey, Visibility | None]
    now: datetime
    hours: float

    def note(self, key: ObjectKey) -> str:
        if self.site_code is None:
            return "no site set"
        if key not in self.windows:
            return f"{self.site_code}: no position (not on the watcher's NEOCP list)"
        return window_note(self.site_code, self.windows[key], now=self.now, hours=self.hours)


_NO_SITE: Final = (
    "No site set for you or this server, so no observing windows: choose yours among the "
    "server's with `/site mine`, or someone with Manage Server adds one with `/site add`."
)


def mine_embed(
    targets: Sequence[tuple[StatusRecord, TeamStatus]], windows: MineWindows | None = None
) -> discord.Embed:
    """`/followup mine`: the member's objects still to observe or report, each with the
    team's status and its observing window at the member's site."""
    embed = discord.Embed(title="Your follow-up", colour=discord.Colour.dark_teal())
    if not targets:
        embed.description = (
            "You have no open targets here. Press **Targeting** on a new-object alert to add one."
        )
        return embed
    lines = [_NO_SITE] if windows is not None and windows.site_code is None else []
    for record, team in targets:
        designation = record.object.designation
        todo = "found: report it" if record.status is FollowupStatus.FOUND else "targeting"
        line = (
            f"[`{escape(designation)}`]({scout_url(designation)}) {todo} since "
            f"{clock(record.at)} ({relative_time(record.at)}) · team: {team.summary(escape)}"
        )
        if windows is not None and windows.site_code is not None:
            line += f"\n ↳ {windows.note(record.object)}"
        lines.append(line)
    embed.description = safe.fit_lines(lines, EMBED_DESCRIPTION_LIMIT)
    embed.set_footer(text=f"Only you see this. {DATA_FOOTER}")
    return embed
