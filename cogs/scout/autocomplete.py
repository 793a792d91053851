"""Designation autocomplete for every /scout command that takes one."""

from __future__ import annotations

from discord import app_commands

from bot.render.common import fmt_mag, fmt_score
from bot.render.safe import clamp_choices
from bot.scout import Summary
from cogs.scout.answers import Interaction

AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices


def designation_choices(summary: Summary | None, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 designations from the cached list: prefix matches first, then substrings.

    Case-insensitive, because people type "a11ebek"; the value is Scout's own spelling.
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
    choices = []
    for obj in prefix + inside:
        label = f"{obj.designation} · NEO {fmt_score(obj.neo_score)} · V {fmt_mag(obj.vmag)}"
        choices.append(app_commands.Choice(name=label, value=obj.designation))
    # A designation over 100 characters cannot be a value: left out, not cut into another.
    return clamp_choices(choices)[:AUTOCOMPLETE_LIMIT]


async def designation_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Answered from memory only: autocomplete must answer within 3 s and never call Scout."""
    return designation_choices(interaction.client.scout.cached_summary(), current)
