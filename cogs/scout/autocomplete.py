"""Designation autocomplete for every /scout command that takes one."""

from __future__ import annotations

from typing import Final

from discord import app_commands

from bot.client import Interaction
from bot.render import safe
from bot.render.common import NA, fmt_mag, fmt_score
from bot.render.listing import interest_order
from bot.render.safe import clamp_choices
from bot.scout import Summary
from bot.scout.models import ScoutObject

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices

# Characters a proportional font makes look alike; designations are case-sensitive, so
# the label spells out those a designation holds.
_LOOK_ALIKES: Final = {
    "I": "I=cap i",
    "l": "l=small L",
    "1": "1=one",
    "O": "O=cap o",
    "o": "o=small o",
    "0": "0=zero",
}


def spelled(designation: str) -> str:
    """``"l=small L, 1=one"`` for the look-alike characters in ``designation``."""
    return ", ".join(note for char, note in _LOOK_ALIKES.items() if char in designation)


def choice_label(obj: ScoutObject) -> str:
    """``"P1lO0x (1=one, l=small L, O=cap o, 0=zero) · rating 2 · NEO 97 · V 20.1"``:
    the look-alike characters spelled out first, then what the list ranks by."""
    note = spelled(obj.designation)
    name = f"{obj.designation} ({note})" if note else obj.designation
    rating = safe.rating(obj.rating)
    return (
        f"{name} · rating {NA if rating is None else rating} · "
        f"NEO {fmt_score(obj.neo_score)} · V {fmt_mag(obj.vmag)}"
    )


def designation_choices(summary: Summary | None, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 designations from the cached list: prefix matches first, then substrings,
    each group ranked by interest as /scout list is (rating, closest approach, NEO score).

    Case-insensitive, because people type "a11ebek"; the value is Scout's own spelling,
    and the label spells out the characters a proportional font makes look alike.
    """
    if summary is None:
        return []
    typed = current.strip().lower()
    prefix, inside = [], []
    for obj in summary.objects:
        name = obj.designation.lower()
        if name.startswith(typed):
            prefix.append(obj)
        elif typed in name:
            inside.append(obj)
    choices = [
        app_commands.Choice(
            name=choice_label(obj),
            value=obj.designation,
        )
        for obj in [*sorted(prefix, key=interest_order), *sorted(inside, key=interest_order)]
    ]
    # A designation over 100 characters cannot be a value: left out, not cut into another.
    return clamp_choices(choices)[:AUTOCOMPLETE_LIMIT]


async def designation_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Answered from memory only: autocomplete must answer within 3 s and never call Scout."""
    return designation_choices(interaction.client.scout_client.cached_summary(), current)
