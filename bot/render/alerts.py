"""Alert embeds and the /alerts answers (list, preview, status), as pure functions.

Shared formats come from ``bot.render.common`` so an alert reads like ``/scout object``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Final

import discord

from bot.alerts.status import KEEP_HISTORY, WatcherStatus
from bot.health import ServiceHealth
from bot.neocp.events import Change, EventKind, NeocpEvent
from bot.neocp.filters import AlertFilter
from bot.render import safe
from bot.render.common import (
    COLOUR_UNKNOWN,
    DATA_FOOTER,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    NA,
    fmt_approach,
    fmt_arc,
    fmt_arcmin,
    fmt_elong,
    fmt_mag,
    fmt_number,
    fmt_radec,
    fmt_rate,
    fmt_rating,
    fmt_score,
    fmt_scores,
    fmt_uncertainty,
    object_colour,
    object_links,
    removal_links,
    scout_url,
    shown,
    shown_code,
    truncate,
    utc_and_relative,
    utc_time,
)
from bot.scout.models import ScoutObject
from bot.store.models import OutboxCounts, Subscription, SubscriptionState

_TITLES: Final[dict[EventKind, str]] = {
    EventKind.NEW: "{} is new on the NEOCP",
    EventKind.UPDATED: "{} updated",
    EventKind.REMOVED: "{} has left the NEOCP",
}

# The alert's footer carries its delivery reference: after a crash the bot finds an alert
# it already posted by this text in the channel's recent messages.
REFERENCE_PREFIX: Final = "alert "


def reference_text(reference: str) -> str:
    return f"{REFERENCE_PREFIX}{reference}"


def alert_content(mention_role_id: int | None) -> str | None:
    """The message text beside the embed: the subscription's role, or nothing."""
    return None if mention_role_id is None else f"<@&{mention_role_id}>"


def alert_embed(
    event: NeocpEvent, *, reference: str, site_line: str | None = None
) -> discord.Embed:
    """An event as observers read it: what happened, the figures, links, coloured by interest.

    ``site_line``: for a subscription with a site, that site's figures, shown first.
    """
    obj = event.object
    description = _description(event)
    if site_line is not None:
        description = f"**{site_line}**\n{description}"
    embed = discord.Embed(
        title=truncate(_TITLES[event.kind].format(shown(event.designation)), EMBED_TITLE_LIMIT),
        url=scout_url(event.designation),
        description=truncate(description, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR_UNKNOWN if event.kind is EventKind.REMOVED else object_colour(obj),
        timestamp=event.detected_at,
    )
    embed.add_field(name="Scores (0-100)", value=fmt_scores(obj))
    embed.add_field(name="Impact rating", value=fmt_rating(obj.rating))
    embed.add_field(name="Brightness", value=f"V {fmt_mag(obj.vmag)} · H {fmt_mag(obj.h)}")
    # What decides urgency: an object passing 3 LD must say so in its alert.
    embed.add_field(name="Earth approach", value=fmt_approach(obj), inline=False)
    n_obs = NA if obj.n_obs is None else str(obj.n_obs)
    embed.add_field(name="Observations", value=f"{n_obs} obs · arc {fmt_arc(obj.arc_hours)}")
    embed.add_field(name="1-σ uncertainty", value=fmt_uncertainty(obj))
    # One line, not inline: "elong. 96° · 22.4″/min" split across columns read as two.
    embed.add_field(name="Position (coarse)", value=_position(obj), inline=False)
    if event.kind is EventKind.REMOVED:
        embed.add_field(name="Links", value=removal_links(event.designation), inline=False)
    else:
        embed.add_field(name="Links", value=object_links(event.designation), inline=False)
    embed.set_footer(text=f"{DATA_FOOTER} · {reference_text(reference)}")
    return embed


def _position(obj: ScoutObject) -> str:
    """Scout's coarse position with its epoch: ``"20h25m -47° at 2026-07-12 08:30 UTC"``."""
    epoch = "" if obj.ephemeris_time is None else f" at {utc_time(obj.ephemeris_time)}"
    return f"{fmt_radec(obj)}{epoch} · elong. {fmt_elong(obj.elong)} · rate {fmt_rate(obj.rate)}"


def _description(event: NeocpEvent) -> str:
    if event.kind is EventKind.NEW:
        return f"Scout has assessed a new NEOCP object. {last_run_sentence(event.object)}"
    if event.kind is EventKind.REMOVED:
        return (
            "No longer on Scout's list: designated, identified with a known object, or "
            f"withdrawn. Figures as last listed. {last_run_sentence(event.object)}"
        )
    lines = [f"**{change_label(change)}**: {format_change(change)}" for change in event.changes]
    return "\n".join([*lines, last_run_sentence(event.object)])


def last_run_sentence(obj: ScoutObject) -> str:
    return f"Scout ran {utc_and_relative(obj.last_run)}."


def _format_plain(value: float | None) -> str:
    return fmt_number(value)


def _format_ld(value: float | None) -> str:
    return fmt_number(value, 3, " LD")


_CHANGE_FORMATS: Final[dict[str, Callable[[float | None], str]]] = {
    "n_obs": lambda value: NA if value is None else f"{value:.0f}",
    "arc_hours": fmt_arc,
    "neo_score": lambda value: fmt_score(None if value is None else int(value)),
    "pha_score": lambda value: fmt_score(None if value is None else int(value)),
    "geocentric_score": lambda value: fmt_score(None if value is None else int(value)),
    "ieo_score": lambda value: fmt_score(None if value is None else int(value)),
    "rating": lambda value: fmt_rating(None if value is None else int(value)),
    "ca_dist": _format_ld,
    "vmag": fmt_mag,
    "unc": fmt_arcmin,
}


# The values are formatted with their units ("24 min", "0.4 LD"), so the label must not
# repeat them: the core's "arc (h)" read "arc (h): 0.4 h".
_CHANGE_LABELS: Final[dict[str, str]] = {
    "arc_hours": "arc",
    "ca_dist": "closest approach",
    "unc": "1-σ uncertainty",
}


def change_label(change: Change) -> str:
    return _CHANGE_LABELS.get(change.field, change.label)


def format_change(change: Change) -> str:
    """``"4 → 7"`` in the quantity's own format."""
    fmt = _CHANGE_FORMATS.get(change.field, _format_plain)
    return f"{fmt(change.before)} → {fmt(change.after)}"


# --- /alerts list -------------------------------------------------------------------------


_LIST_TITLE: Final = "NEOCP alerts in this server"
# Kept free of the 6000 characters for the title, the description and the footer.
_LIST_OVERHEAD: Final = 700


def subscriptions_embed(subscriptions: Sequence[Subscription]) -> discord.Embed:
    """This server's subscriptions: channel, filter, mention, state, last delivery or failure.

    Each entry gets an equal share of the 6000 characters an embed may hold, so 25 entries
    with long failures still fit: a failure is cut before anything else is.
    """
    embed = discord.Embed(title=_LIST_TITLE, colour=discord.Colour.dark_blue())
    if not subscriptions:
        embed.description = (
            "No channel gets alerts yet. `/alerts subscribe` in a channel starts them."
        )
        return embed
    shown_here = subscriptions[:EMBED_FIELD_LIMIT]
    share = min(EMBED_FIELD_VALUE_LIMIT, (EMBED_TOTAL_LIMIT - _LIST_OVERHEAD) // len(shown_here))
    for index, subscription in enumerate(shown_here, start=1):
        name = f"{index}. {_state_word(subscription)}"
        embed.add_field(
            name=name,
            value=safe.fit_lines(_subscription_lines(subscription), share - len(name)),
            inline=False,
        )
    if any(s.state is SubscriptionState.DISABLED for s in shown_here):
        embed.description = (
            "A stopped channel: fix its permissions, then `/alerts subscribe` there again; "
            f"otherwise its entry is forgotten after {KEEP_HISTORY.days} days."
        )
    if len(subscriptions) > EMBED_FIELD_LIMIT:
        embed.set_footer(text=f"and {len(subscriptions) - EMBED_FIELD_LIMIT} more")
    return embed


def _state_word(subscription: Subscription) -> str:
    if subscription.state is SubscriptionState.DISABLED:
        return "🔴 stopped"
    return "🟢 active"


def _subscription_lines(subscription: Subscription) -> list[str]:
    """Most important first: ``fit_lines`` cuts from the end."""
    lines = [f"<#{subscription.channel_id}>: {subscription.filter.describe()}"]
    if subscription.mention_role_id is not None:
        lines.append(f"mentions <@&{subscription.mention_role_id}>")
    last = subscription.last_delivery_at
    lines.append(f"last alert: {'none yet' if last is None else utc_and_relative(last)}")
    if subscription.last_failure is not None:
        lines.append(
            f"last failure {utc_and_relative(subscription.last_failure_at)}: "
            f"{safe.text(subscription.last_failure)}"
        )
    if subscription.state is SubscriptionState.DISABLED:
        lines.append("Fix its permissions, then `/alerts subscribe` there again.")
    return lines


# --- /alerts preview ----------------------------------------------------------------------

_PREVIEW_LINES: Final = 30


def preview_embed(
    channel_id: int, alert_filter: AlertFilter, objects: Sequence[ScoutObject]
) -> discord.Embed:
    """The current objects the channel's filter lets through (nothing is posted)."""
    passing = [obj for obj in objects if alert_filter.admits(obj)]
    embed = discord.Embed(
        title="Alert filter preview",
        colour=discord.Colour.dark_blue(),
    )
    header = (
        f"<#{channel_id}>: {alert_filter.describe()}\n"
        f"**{len(passing)}** of the {len(objects)} objects on Scout's list pass now:"
    )
    lines = [_preview_line(obj) for obj in passing[:_PREVIEW_LINES]]
    if len(passing) > _PREVIEW_LINES:
        lines.append(f"… and {len(passing) - _PREVIEW_LINES} more")
    if not passing:
        lines.append("none: this channel would get no alert for the current objects.")
    embed.description = truncate("\n".join([header, *lines]), EMBED_DESCRIPTION_LIMIT)
    embed.set_footer(text=f"Nothing was posted. {DATA_FOOTER}")
    return embed


def _preview_line(obj: ScoutObject) -> str:
    return (
        f"[`{shown_code(obj.designation)}`]({scout_url(obj.designation)}) {fmt_scores(obj)} · "
        f"rating {fmt_rating(obj.rating)} · V {fmt_mag(obj.vmag)}"
    )


# --- /alerts status -----------------------------------------------------------------------


def status_embed(
    status: WatcherStatus,
    *,
    running: bool,
    subscriptions: int,
    outbox: OutboxCounts,
    scout: ServiceHealth,
    now: datetime | None = None,
) -> discord.Embed:
    """The watcher: last and next poll, objects tracked, the queue, the last upstream error."""
    now = now or datetime.now(UTC)
    healthy = running and status.last_poll_ok is not False and not status.poll_overdue(now)
    embed = discord.Embed(
        title="NEOCP watcher",
        colour=discord.Colour.green() if healthy else discord.Colour.red(),
    )
    embed.description = _watcher_state(status, running=running, now=now)
    embed.add_field(name="Last poll", value=_last_poll(status), inline=False)
    # Full width: "2026-07-12 23:37 UTC (in 2 minutes)" does not fit a third of an embed.
    next_poll = utc_and_relative(status.next_poll_at) if running else NA
    embed.add_field(name="Next poll", value=next_poll, inline=False)
    tracked = NA if status.objects_tracked is None else str(status.objects_tracked)
    embed.add_field(name="Objects tracked", value=tracked)
    embed.add_field(
        name="Alerts",
        value=(
            f"{subscriptions} subscriptions (all servers)\n"
            f"{outbox.pending} queued · {outbox.sent} sent · {outbox.failed} failed "
            f"(last {KEEP_HISTORY.days} days)"
        ),
        inline=False,
    )
    embed.add_field(
        name="Last upstream error",
        value=truncate(_last_error(status, scout), EMBED_FIELD_VALUE_LIMIT),
        inline=False,
    )
    return embed


def _watcher_state(status: WatcherStatus, *, running: bool, now: datetime) -> str:
    if not status.enabled:
        return "⚪ Alerts are turned off in the bot's configuration (`alerts.enabled`)."
    if not running:
        return "🔴 The watcher is not running; the bot's operator should check its log."
    if status.poll_overdue(now):
        return (
            f"🟠 A poll has been running since {utc_and_relative(status.poll_started_at)}, "
            f"longer than the {status.poll_interval_seconds:.0f} s between polls: "
            "JPL Scout is slow to answer. Alerts are late until it ends."
        )
    return f"🟢 Polling JPL Scout every {status.poll_interval_seconds:.0f} s."


def _last_poll(status: WatcherStatus) -> str:
    if status.last_poll_at is None:
        return "not yet"
    mark = "✅" if status.last_poll_ok else "⚠️"
    note = f": {safe.text(status.last_poll_note)}" if status.last_poll_note else ""
    return truncate(
        f"{mark} {utc_and_relative(status.last_poll_at)}{note}", EMBED_FIELD_VALUE_LIMIT
    )


def _last_error(status: WatcherStatus, scout: ServiceHealth) -> str:
    if status.last_error is None and scout.last_error is None:
        return "none"
    if status.last_error is not None and (
        scout.last_failure is None
        or (status.last_error_at is not None and status.last_error_at >= scout.last_failure)
    ):
        return f"{utc_and_relative(status.last_error_at)}: {safe.text(status.last_error)}"
    return (
        f"{utc_and_relative(scout.last_failure)}: {scout.service}: "
        f"{safe.text(scout.last_error or NA)}"
    )


def followup_message(threads: bool, role: str | None, *, missing: Sequence[str] = ()) -> str:
    """What /alerts subscribe says about follow-up on the new-object alerts, and what the
    bot lacks to open threads (the alerts still post, flat, until it has it)."""
    where = "a thread per new object" if threads else "flat posts (no threads)"
    who = f"members with {role}" if role else "everyone who can see the channel"
    line = f"Follow-up: {where}; the status buttons are for {who}."
    if missing:
        line += (
            f"\n⚠️ To open threads here I need {' and '.join(missing)}; until I have that, "
            "alerts post flat (or subscribe with `threads: False` to keep them flat)."
        )
    return line


def subscribed_message(
    channel: str,
    alert_filter: AlertFilter,
    *,
    mention: str | None,
    replaced: bool,
    enabled: bool,
    can_read_history: bool,
) -> str:
    """What the subscriber reads after /alerts subscribe."""
    lines = [
        f"{'Updated' if replaced else 'Done'}: NEOCP alerts in {channel} from now on, "
        f"for {alert_filter.describe()}.",
        f"Each alert mentions {mention}." if mention else "Alerts mention no one.",
        "`/alerts preview` shows which current objects pass; `/alerts list` shows how "
        "each channel fares.",
    ]
    if not can_read_history:
        lines.append(
            "Tip: give me Read Message History there, so that after a restart I can tell "
            "whether an alert was already posted."
        )
    if not enabled:
        lines.append(
            "⚠️ The bot's operator has turned alerts off (`alerts.enabled`): nothing is "
            "posted until they turn them on."
        )
    return "\n".join(lines)
