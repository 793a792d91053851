"""What a render function hands to a cog: embeds, attachments and text for one message.

Attachments are kept as bytes, not ``discord.File``: a ``discord.File`` is a stream that
can be sent once, while a ``Reply`` can be inspected by tests and sent again.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.render.common import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    MESSAGE_CONTENT_LIMIT,
    MESSAGE_EMBEDS_LIMIT,
    MESSAGE_FILES_LIMIT,
)
from bot.render.safe import message_kwargs

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_FILENAME = 100


def safe_filename(name: str) -> str:
    """A file name Discord keeps as it is (it rewrites spaces and odd characters itself)."""
    cleaned = _UNSAFE_FILENAME.sub("_", name).strip("._") or "file"
    if len(cleaned) <= _MAX_FILENAME:
        return cleaned
    # Cut the stem, never the extension: Discord shows a ".png" only if it ends so.
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or len(suffix) > 8:
        return cleaned[:_MAX_FILENAME]
    return stem[: _MAX_FILENAME - len(suffix) - 1] + "." + suffix


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    description: str | None = None

    def to_file(self) -> discord.File:
        return discord.File(
            io.BytesIO(self.data), filename=self.filename, description=self.description
        )

    @property
    def url(self) -> str:
        """How an embed in the same message refers to this file (``set_image``)."""
        return f"attachment://{self.filename}"


@dataclass(frozen=True)
class Reply:
    """One Discord message. ``check_limits`` holds it to what Discord accepts."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def check_limits(self) -> None:
        """AssertionError if Discord would refuse this message (a rendering bug, not input)."""
        if self.content is not None:
            assert len(self.content) <= MESSAGE_CONTENT_LIMIT, "message content too long"
        assert len(self.embeds) <= MESSAGE_EMBEDS_LIMIT, "too many embeds"
        assert len(self.attachments) <= MESSAGE_FILES_LIMIT, "too many attachments"
        assert sum(len(embed) for embed in self.embeds) <= EMBED_TOTAL_LIMIT, "embeds too long"
        for embed in self.embeds:
            problems = embed_problems(embed)
            assert not problems, "; ".join(problems)

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``followup.send`` / ``send_message``, with fresh files,
        held to Discord's limits (``bot.render.safe``)."""
        kwargs: dict[str, Any] = {}
        if self.content is not None:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = list(self.embeds)
        if self.attachments:
            kwargs["files"] = [attachment.to_file() for attachment in self.attachments]
        return message_kwargs(**kwargs)


def embed_problems(embed: discord.Embed) -> list[str]:
    """Each of Discord's per-embed limits this embed breaks (empty when it fits)."""
    problems = []
    if embed.title and len(embed.title) > EMBED_TITLE_LIMIT:
        problems.append("title too long")
    if embed.description and len(embed.description) > EMBED_DESCRIPTION_LIMIT:
        problems.append("description too long")
    if len(embed.fields) > EMBED_FIELD_LIMIT:
        problems.append("too many fields")
    for embed_field in embed.fields:
        if not embed_field.name or len(embed_field.name) > EMBED_FIELD_NAME_LIMIT:
            problems.append(f"field name empty or too long: {embed_field.name!r:.40}")
        if not embed_field.value or len(embed_field.value) > EMBED_FIELD_VALUE_LIMIT:
            problems.append(f"field value empty or too long in {embed_field.name!r:.40}")
    if embed.footer.text and len(embed.footer.text) > EMBED_FOOTER_LIMIT:
        problems.append("footer too long")
    if len(embed) > EMBED_TOTAL_LIMIT:
        problems.append("embed longer than 6000 characters")
    return problems
