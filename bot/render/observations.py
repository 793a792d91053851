"""``/scout observations``: the MPC 80-column file, byte for byte, with a preview."""

from __future__ import annotations

from typing import Final

import discord

from bot.render import safe
from bot.render.common import (
    DATA_FOOTER,
    EMBED_TITLE_LIMIT,
    MESSAGE_CONTENT_LIMIT,
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
    """The file as Scout sent it, and its first lines in a code block in the message body,
    where the 80 columns fit on a desktop (an embed, about 55, would break every line)."""
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
    shown_lines = min(len(lines), preview_lines)
    embed.description = (
        f"{len(lines)} observation lines"
        + (f"; the first {shown_lines} are above." if len(lines) > shown_lines else ", above.")
        + " All of them are in the attached file, unchanged (80 columns, MPC format)."
    )
    # Encoded as UTF-8 without any rewriting: the file must reach the observer unchanged.
    attachment = Attachment(
        observations_filename(obj.designation),
        result.text.encode(),
        "MPC 80-column observations",
    )
    return Reply(content=_preview(lines[:shown_lines]), embeds=[embed], attachments=[attachment])


def _preview(head: list[str]) -> str:
    """A code block within the 2000 characters of a message's text."""
    room = MESSAGE_CONTENT_LIMIT - len("```\n\n```")
    body = "\n".join(safe.code(line) for line in head)
    return f"```\n{truncate(body, room)}\n```"
