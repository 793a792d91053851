"""The message a channel gets for one poll's (or one backlog's) NEOCP events.

One object: the full alert embed. Several: one digest embed with a compact line per
object, ranked (new, then updated, then removed; riskiest first), as many as Discord's
limits let through, and a last line that counts the rest; the detail of each object is a
`/scout object` or a Scout link away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final

import discord

from bot.alerts.sites import SiteFigures
from bot.neocp.digest import DigestEntry, merge_events
from bot.neocp.events import EventKind, NeocpEvent
from bot.render import safe
from bot.render.alerts import alert_embed, format_change, reference_text
from bot.render.common import (
    COLOUR_UNKNOWN,
    DATA_FOOTER,
    EMBED_DESCRIPTION_LIMIT,
    fmt_mag,
    fmt_rating,
    fmt_scores,
    object_colour,
    scout_url,
    shown_code,
)
from bot.render.tonight import site_figures_line, site_note

_WORDS: Final[dict[EventKind, str]] = {
    EventKind.NEW: "new",
    EventKind.UPDATED: "updated",
    EventKind.REMOVED: "removed",
}
_MARKS: Final[dict[EventKind, str]] = {
    EventKind.NEW: "🆕",
    EventKind.UPDATED: "🔄",
    EventKind.REMOVED: "✖️",
}
# Room kept in the description for the line that counts what did not fit.
_MORE_ROOM: Final = 80
_CHANGES_SHOWN: Final = 2


def delivery_embed(
    events: Sequence[NeocpEvent],
    *,
    reference: str,
    site_figures: Mapping[str, SiteFigures] | None = None,
) -> discord.Embed:
    """The one embed a channel's message carries for these events.

    ``site_figures``: for a subscription with a site, that site's figures per designation:
    one line in a single alert, a short note on each line of a digest.
    """
    figures = site_figures or {}
    entries = merge_events(events)
    if len(entries) == 1 and entries[0].merged == 1:
        entry = entries[0]
        seen = figures.get(entry.designation)
        line = None if seen is None else site_figures_line(seen, entry.object)
        return alert_embed(entry.event, reference=reference, site_line=line)
    return digest_embed(entries, reference=reference, site_figures=figures)


def digest_embed(
    entries: Sequence[DigestEntry],
    *,
    reference: str,
    site_figures: Mapping[str, SiteFigures] | None = None,
) -> discord.Embed:
    counts = Counter(entry.kind for entry in entries)
    title = "NEOCP: " + ", ".join(
        f"{counts[kind]} {_WORDS[kind]}" for kind in _WORDS if counts[kind]
    )
    figures = site_figures or {}
    lines = [digest_line(entry) + site_note(figures.get(entry.designation)) for entry in entries]
    shown = safe.fit_lines(lines, EMBED_DESCRIPTION_LIMIT - _MORE_ROOM).split("\n")
    # A line cut short still names its object; count only the ones left out entirely.
    left_out = len(entries) - len(shown)
    if left_out > 0:
        shown.append(f"… and {left_out} more: `/scout list` shows every object.")
    top = entries[0]
    embed = discord.Embed(
        title=title,
        description="\n".join(shown),
        colour=COLOUR_UNKNOWN if top.kind is EventKind.REMOVED else object_colour(top.object),
        timestamp=max(entry.event.detected_at for entry in entries),
    )
    embed.set_footer(text=f"{DATA_FOOTER} · {reference_text(reference)}")
    return safe.clamp_embed(embed)


def digest_line(entry: DigestEntry) -> str:
    """``🆕 [`P21abc`](…) NEO 98 · PHA 2 · rating 1 · V 20.3`` and, for an update, what
    moved."""
    obj = entry.object
    line = (
        f"{_MARKS[entry.kind]} [`{shown_code(entry.designation)}`]({scout_url(entry.designation)}) "
        f"{fmt_scores(obj)} · rating {fmt_rating(obj.rating)} · V {fmt_mag(obj.vmag)}"
    )
    if entry.kind is EventKind.UPDATED and entry.changes:
        moved = [
            f"{change.label} {format_change(change)}" for change in entry.changes[:_CHANGES_SHOWN]
        ]
        more = len(entry.changes) - _CHANGES_SHOWN
        line += " · " + ", ".join(moved) + (f" (+{more})" if more > 0 else "")
    elif entry.kind is EventKind.REMOVED:
        line += " · left the NEOCP"
    return line
