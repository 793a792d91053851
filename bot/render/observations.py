"""``/scout observations``: the MPC 80-column file, byte for byte, with a preview."""

from __future__ import annotations

from typing import Final

import discord

from bot.render import safe
from bot.render.common import (
    DATA_FOOTER,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TITLE_LIMIT,
    object_colour,
    scout_url,
    shown,
    truncate,
)
from bot.render.reply import Attachment, Reply, safe_filename
from bot.scout.models import ObjectObservations

PREVIEW_LINES: Final = 8


def observations_filename(designation: str) -> str:
    return safe_filename(f"{designation}_observations.txt")


def observations_reply(result: ObjectObservations, *, preview_lines: int = PREVIEW_LINES) -> Reply:
    """The file as Scout sent it, and its first lines in a code block."""
    obj = result.object
    embed = discord.Embed(
        title=truncate(f"Observations of {shown(obj.designation)}", EMBED_TITLE_LIMIT),
        url=scout_url(obj.designation),
        colour=object_colour(obj),
    )
    embed.set_footer(text=DATA_FOOTER)
    lines = result.lines
    if result.text is None or not lines:
        embed.description = f"Scout has no MPC observation file for {shown(obj.designation)}."
        return Reply(embeds=[embed])
    embed.description = _preview(lines, preview_lines)
    # Encoded as UTF-8 without any rewriting: the file must reach the observer unchanged.
    attachment = Attachment(
        observations_filename(obj.designation),
        result.text.encode(),
        "MPC 80-column observations",
    )
    return Reply(embeds=[embed], attachments=[attachment])


def _preview(lines: list[str], count: int) -> str:
    head = lines[:count]
    # A stray backtick run would close the code block early.
    body = "\n".join(safe.code(line) for line in head)
    summary = f"{len(lines)} observation lines" + (
        f"; the first {len(head)}:" if len(lines) > len(head) else ":"
    )
    tail = "\nAll of them are in the attached file, unchanged."
    room = EMBED_DESCRIPTION_LIMIT - len(summary) - len(tail) - len("\n```\n\n```")
    return f"{summary}\n```\n{truncate(body, room)}\n```{tail}"
