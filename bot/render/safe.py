"""One place that makes every payload safe: upstream text escaped, every length capped.

Two layers, so that no code path can build a message Discord refuses (it answers 400 and
the observer sees nothing):

- Where upstream text enters a renderer, ``text`` (Markdown context) or ``code`` (inside a
  code span or block) neutralises it: control characters and bidi overrides go, Markdown and
  mention syntax are escaped, so "**P21** @everyone [link](http://…)" reads as typed.
  Numbers out of their domain (``score``, ``rating``, ``finite``) become None, shown "n/a".
- At the sending boundary, ``message_kwargs`` (interaction answers), ``clamp_embed`` and
  ``clamp_choices`` cut whatever is still too long to Discord's limits. A cut is a rendering
  bug to fix at its source, so it is logged; it is never a reason to send nothing.

Lengths are counted in UTF-16 code units, which is never less than Python's ``len``: a
string within the limit by that count is within it however Discord counts.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Final, TypeVar

import discord

log = logging.getLogger(__name__)

# Discord's limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
# and the component and interaction-response pages.
CONTENT_LIMIT: Final = 2000
TITLE_LIMIT: Final = 256
DESCRIPTION_LIMIT: Final = 4096
FIELD_NAME_LIMIT: Final = 256
FIELD_VALUE_LIMIT: Final = 1024
FOOTER_LIMIT: Final = 2048
AUTHOR_LIMIT: Final = 256
FIELDS_LIMIT: Final = 25
EMBEDS_TOTAL_LIMIT: Final = 6000  # across all the embeds of one message
EMBEDS_LIMIT: Final = 10
FILES_LIMIT: Final = 10
CUSTOM_ID_LIMIT: Final = 100
BUTTON_LABEL_LIMIT: Final = 80
CHOICES_LIMIT: Final = 25
CHOICE_LIMIT: Final = 100  # a choice's name and its string value
URL_LIMIT: Final = 2048

ELLIPSIS: Final = "…"
# What Discord accepts where a field name or value must not be empty, and shows as nothing.
BLANK: Final = "\u200b"

# Bidi embeddings, overrides and isolates, and the marks: they reorder what follows them.
_BIDI: Final = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEPT_CONTROLS: Final = frozenset("\n\t")
# Characters that start Markdown anywhere in a line, and those that do only at its start.
_INLINE_MARKDOWN: Final = re.compile(r"([\\*_~|`\[\]<>])")
_LINE_START_MARKDOWN: Final = re.compile(r"^(\s*)([#>\-+]|\d+\.)", re.MULTILINE)
_MASS_MENTION: Final = re.compile(r"@(everyone|here)", re.IGNORECASE)
_BACKTICK_RUN: Final = re.compile(r"`+")

ChoiceValue = TypeVar("ChoiceValue", str, int, float)


# --- text ---------------------------------------------------------------------------------


def strip_controls(value: str, *, one_line: bool = False) -> str:
    """Without NUL and other control characters, bidi overrides, BOM; tabs become spaces.

    Newlines stay unless ``one_line`` (a designation or a title has no business spanning
    lines); a run of blanks left behind is one space.
    """
    kept = []
    for char in value:
        if char in _KEPT_CONTROLS:
            kept.append(" " if one_line or char == "\t" else char)
        elif char in _BIDI or char == "\ufeff" or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    return "".join(kept)


def text(value: object, *, limit: int | None = None, one_line: bool = True) -> str:
    """Upstream text for a Markdown context (titles, descriptions, fields, content).

    Escaped so that it shows as sent: no bold, links, headings or quotes, and no mention
    (``@everyone`` gets a zero-width space; ``<@1>`` and ``<#1>`` a backslash).
    """
    cleaned = strip_controls(str(value), one_line=one_line)
    escaped = _INLINE_MARKDOWN.sub(r"\\\1", cleaned)
    escaped = _LINE_START_MARKDOWN.sub(r"\1\\\2", escaped)
    escaped = _MASS_MENTION.sub("@\u200b\\1", escaped)
    return escaped if limit is None else fit(escaped, limit)


def code(value: object, *, limit: int | None = None, one_line: bool = True) -> str:
    """Upstream text for inside a code span or block, where Markdown and mentions do not
    render and a backslash would show: only the backticks that would close it are changed."""
    cleaned = strip_controls(str(value), one_line=one_line)
    cleaned = _BACKTICK_RUN.sub(lambda run: "ʼ" * len(run.group()), cleaned)
    return cleaned if limit is None else fit(cleaned, limit)


def length(value: str) -> int:
    """Discord's count of ``value``, as UTF-16 code units (an emoji may count two)."""
    if value.isascii():
        return len(value)
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def fit(value: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """``value`` cut to at most ``limit`` (Discord's count), marked with ``ellipsis``."""
    if length(value) <= limit:
        return value
    room = max(0, limit - length(ellipsis))
    cut = value[:room]
    while length(cut) > room:
        cut = cut[:-1]
    # Never leave a lone escaping backslash at the end: it would escape the ellipsis.
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]
    return cut + ellipsis if limit >= length(ellipsis) else cut


def fit_lines(lines: Sequence[str], limit: int) -> str:
    """Whole lines while they fit in ``limit``; the first that does not is cut (never
    in the middle of a ``<#…>`` or ``<t:…>`` tag), and the rest left out."""
    kept: list[str] = []
    used = 0
    for line in lines:
        room = limit - used - (1 if kept else 0)
        if length(line) <= room:
            kept.append(line)
            used += length(line) + (1 if len(kept) > 1 else 0)
            continue
        cut = fit(line, room)
        tag = cut.rfind("<")
        if tag > cut.rfind(">"):
            cut = cut[:tag].rstrip(" \\") + ELLIPSIS
        if room >= 2 and cut.strip(ELLIPSIS + " "):
            kept.append(cut)
        break
    return "\n".join(kept) or fit(lines[0] if lines else BLANK, limit)


def url(value: str | None) -> str | None:
    """A link Discord accepts, or None: http(s) or attachment://, at most 2048 characters."""
    if not value or length(value) > URL_LIMIT:
        return None
    if not value.startswith(("https://", "http://", "attachment://")):
        return None
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        return None
    return value


# --- numbers ------------------------------------------------------------------------------


def finite(value: float | None) -> float | None:
    """The value, or None for NaN, infinities and None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def within(value: float | None, low: float, high: float) -> float | None:
    """The value if it is finite and in [low, high]; else None (shown as unknown)."""
    number = finite(value)
    return number if number is not None and low <= number <= high else None


def score(value: int | None) -> int | None:
    """A Scout score (0-100), or None."""
    number = within(value, 0, 100)
    return None if number is None else int(number)


def rating(value: int | None) -> int | None:
    """Scout's impact rating (0-4), or None."""
    number = within(value, 0, 4)
    return None if number is None or number != int(number) else int(number)


def non_negative(value: float | None) -> float | None:
    """A distance, an arc, a count: finite and not below zero, or None."""
    return within(value, 0, math.inf)


# --- the sending boundary -----------------------------------------------------------------


def clamp_embed(embed: discord.Embed) -> discord.Embed:
    """A copy of ``embed`` within every per-embed limit (fields beyond 25 dropped)."""
    data: dict[str, Any] = dict(embed.to_dict())
    report: list[str] = []
    _clamp_key(data, "title", TITLE_LIMIT, report)
    _clamp_key(data, "description", DESCRIPTION_LIMIT, report)
    for key in ("url",):
        if key in data and url(data[key]) is None:
            report.append(key)
            del data[key]
    for part, key, limit in (
        ("footer", "text", FOOTER_LIMIT),
        ("author", "name", AUTHOR_LIMIT),
    ):
        if isinstance(data.get(part), dict):
            _clamp_key(data[part], key, limit, report)
    for part in ("image", "thumbnail"):
        if isinstance(data.get(part), dict) and url(data[part].get("url")) is None:
            report.append(part)
            del data[part]
    author = data.get("author")
    if isinstance(author, dict) and "url" in author and url(author["url"]) is None:
        del author["url"]
    fields = data.get("fields") or []
    if len(fields) > FIELDS_LIMIT:
        report.append(f"{len(fields)} fields")
        fields = fields[:FIELDS_LIMIT]
    for embed_field in fields:
        embed_field["name"] = _non_empty(embed_field.get("name"), FIELD_NAME_LIMIT, report)
        embed_field["value"] = _non_empty(embed_field.get("value"), FIELD_VALUE_LIMIT, report)
    if fields:
        data["fields"] = fields
    result = discord.Embed.from_dict(data)
    _shrink_to(result, EMBEDS_TOTAL_LIMIT, report)
    if report:
        log.warning("cut an embed to Discord's limits: %s", ", ".join(report))
    return result


def clamp_embeds(embeds: Sequence[discord.Embed]) -> list[discord.Embed]:
    """At most 10 embeds, each within its limits, together within 6000 characters."""
    if len(embeds) > EMBEDS_LIMIT:
        log.warning("dropped %d embeds over Discord's 10", len(embeds) - EMBEDS_LIMIT)
    clamped = [clamp_embed(embed) for embed in embeds[:EMBEDS_LIMIT]]
    excess = sum(embed_length(embed) for embed in clamped) - EMBEDS_TOTAL_LIMIT
    if excess <= 0:
        return clamped
    report: list[str] = []
    # Cut from the last embed backwards: the first is what the observer reads first.
    for embed in reversed(clamped):
        if excess <= 0:
            break
        before = embed_length(embed)
        _shrink_to(embed, max(0, before - excess), report)
        excess -= before - embed_length(embed)
    log.warning("cut a message's embeds to 6000 characters: %s", ", ".join(report))
    return clamped


def clamp_content(content: str | None) -> str | None:
    if content is None:
        return None
    cleaned = strip_controls(content)
    if length(cleaned) > CONTENT_LIMIT:
        log.warning("cut a message's text of %d characters to %d", len(cleaned), CONTENT_LIMIT)
    return fit(cleaned, CONTENT_LIMIT) or None


def clamp_view(view: discord.ui.View | None) -> discord.ui.View | None:
    """Buttons whose label fits; a button whose custom_id is too long is dropped (it could
    not be pressed); None when nothing is left."""
    if view is None:
        return None
    for item in list(view.children):
        custom_id = getattr(item, "custom_id", None)
        if isinstance(custom_id, str) and length(custom_id) > CUSTOM_ID_LIMIT:
            log.warning("dropped a component whose custom_id is %d characters", len(custom_id))
            view.remove_item(item)
            continue
        label = getattr(item, "label", None)
        if isinstance(item, discord.ui.Button) and label and length(label) > BUTTON_LABEL_LIMIT:
            item.label = fit(label, BUTTON_LABEL_LIMIT)
    return view if view.children else None


def message_kwargs(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments for ``send_message``, ``followup.send`` or ``edit_*``, clamped.

    ``embed`` stays ``embed`` unless ``embeds`` are given too; a view left empty (or
    ``view=None``) is kept out rather than sent (a followup refuses ``view=None``).
    """
    out = dict(kwargs)
    if "content" in out:
        out["content"] = clamp_content(out["content"])
    single = out.pop("embed", None)
    embeds = [single] if single is not None else []
    embeds += out.pop("embeds", None) or []
    if embeds:
        clamped = clamp_embeds(embeds)
        if single is not None and len(clamped) == 1 and "embeds" not in kwargs:
            out["embed"] = clamped[0]
        else:
            out["embeds"] = clamped
    if "view" in out:
        view = clamp_view(out["view"])
        if view is None:
            del out["view"]
        else:
            out["view"] = view
    if out.get("files") and len(out["files"]) > FILES_LIMIT:
        log.warning("dropped %d files over Discord's 10", len(out["files"]) - FILES_LIMIT)
        out["files"] = out["files"][:FILES_LIMIT]
    return out


def clamp_choices(
    choices: Iterable[discord.app_commands.Choice[ChoiceValue]],
) -> list[discord.app_commands.Choice[ChoiceValue]]:
    """At most 25 autocomplete choices; names cut to 100; a string value over 100 (which
    could not be cut without changing what it means) leaves its choice out."""
    kept: list[discord.app_commands.Choice[ChoiceValue]] = []
    for choice in choices:
        if len(kept) >= CHOICES_LIMIT:
            break
        if isinstance(choice.value, str) and not 0 < length(choice.value) <= CHOICE_LIMIT:
            continue
        name = fit(strip_controls(choice.name, one_line=True), CHOICE_LIMIT) or "?"
        kept.append(discord.app_commands.Choice(name=name, value=choice.value))
    return kept


def embed_length(embed: discord.Embed) -> int:
    """What Discord counts against an embed's share of the 6000 characters."""
    parts = [embed.title, embed.description, embed.footer.text, embed.author.name]
    parts += [text for field in embed.fields for text in (field.name, field.value)]
    return sum(length(part) for part in parts if part)


def _clamp_key(data: dict[str, Any], key: str, limit: int, report: list[str]) -> None:
    value = data.get(key)
    if not isinstance(value, str):
        return
    cleaned = strip_controls(value)
    if length(cleaned) > limit:
        report.append(f"{key} {len(cleaned)}")
    data[key] = fit(cleaned, limit)


def _non_empty(value: object, limit: int, report: list[str]) -> str:
    cleaned = strip_controls(str(value or ""))
    if length(cleaned) > limit:
        report.append(f"field {len(cleaned)}")
    return fit(cleaned, limit) if cleaned.strip() else BLANK


def _shrink_to(embed: discord.Embed, target: int, report: list[str]) -> None:
    """Cut ``embed`` until ``length(embed) <= target``: field values from the last, then the
    description, then field names, the footer and the title."""
    excess = embed_length(embed) - target
    if excess <= 0:
        return
    report.append(f"{excess} over")
    for index in reversed(range(len(embed.fields))):
        if excess <= 0:
            return
        field = embed.fields[index]
        old_value = field.value or ""
        value = fit(old_value, max(1, length(old_value) - excess)) or BLANK
        excess -= length(old_value) - length(value)
        embed.set_field_at(index, name=field.name, value=value, inline=field.inline)
    if excess > 0 and embed.description:
        keep = max(0, length(embed.description) - excess)
        description = fit(embed.description, keep)
        excess -= length(embed.description) - length(description)
        embed.description = description or None
    for index in reversed(range(len(embed.fields))):
        if excess <= 0:
            return
        field = embed.fields[index]
        old_name = field.name or ""
        name = fit(old_name, max(1, length(old_name) - excess)) or BLANK
        excess -= length(old_name) - length(name)
        embed.set_field_at(index, name=name, value=field.value, inline=field.inline)
    if excess > 0 and embed.footer.text:
        footer = fit(embed.footer.text, max(0, length(embed.footer.text) - excess))
        excess -= length(embed.footer.text) - length(footer)
        embed.set_footer(text=footer or None, icon_url=embed.footer.icon_url)
    if excess > 0 and embed.title:
        title = fit(embed.title, max(0, length(embed.title) - excess))
        excess -= length(embed.title) - length(title)
        embed.title = title or None
    while excess > 0 and embed.fields:
        last = embed.fields[-1]
        excess -= length(last.name or "") + length(last.value or "")
        embed.remove_field(len(embed.fields) - 1)
    if excess > 0 and embed.author.name:
        embed.remove_author()
