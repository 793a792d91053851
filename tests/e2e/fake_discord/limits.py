"""Discord's size limits on what a bot sends, as the fake Discord enforces them.

Real Discord refuses a message, an interaction response, a webhook message or an
autocomplete answer that breaks any of these with HTTP 400, code 50035 ("Invalid Form
Body") and a tree of errors naming each offending key; the bot's user then sees nothing.
The fake does the same, so an e2e test fails wherever the bot would be refused.

Sources: https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
.../interactions/message-components, .../interactions/receiving-and-responding.
Nothing here imports discord.py (the fake must not share the bot's assumptions).
"""

from __future__ import annotations

import re
from typing import Any

INVALID_FORM_BODY = 50035

CONTENT = 2000
EMBEDS = 10
EMBED_TOTAL = 6000  # across all the embeds of one message
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
URL = 2048
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45
TEXT_INPUT_LABEL = 45

# The routes whose JSON body is a message (or an interaction response carrying one).
_MESSAGE_ROUTES = (
    ("POST", re.compile(r"/webhooks/\d+/[^/]+")),
    ("PATCH", re.compile(r"/webhooks/\d+/[^/]+/messages/(@original|\d+)")),
    ("POST", re.compile(r"/channels/\d+/messages")),
    ("PATCH", re.compile(r"/channels/\d+/messages/\d+")),
)
_CALLBACK_ROUTE = re.compile(r"/interactions/\d+/[^/]+/callback")
# Interaction callback types whose data is a message, autocomplete choices, a modal.
_MESSAGE_CALLBACKS = {4, 7}
_AUTOCOMPLETE_RESULT = 8
_MODAL = 9


def refusal(method: str, path: str, body: Any) -> dict[str, Any] | None:
    """Discord's 400 body for this request, or None when Discord would accept it."""
    if not isinstance(body, dict):
        return None
    errors: dict[str, Any] = {}
    if method == "POST" and _CALLBACK_ROUTE.fullmatch(path):
        data = body.get("data") or {}
        kind = body.get("type")
        if kind in _MESSAGE_CALLBACKS:
            errors = _nest("data", message_errors(data))
        elif kind == _AUTOCOMPLETE_RESULT:
            errors = _nest("data", choices_errors(data.get("choices") or []))
        elif kind == _MODAL:
            errors = _nest("data", modal_errors(data))
    elif any(m == method and p.fullmatch(path) for m, p in _MESSAGE_ROUTES):
        errors = message_errors(body)
    if not errors:
        return None
    return {"code": INVALID_FORM_BODY, "errors": errors, "message": "Invalid Form Body"}


def message_errors(message: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    content = message.get("content")
    if isinstance(content, str) and len(content) > CONTENT:
        errors["content"] = _too_long(CONTENT)
    embeds = message.get("embeds") or []
    if len(embeds) > EMBEDS:
        errors["embeds"] = _error("BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS} or fewer in length.")
    else:
        per_embed = {str(i): e for i, embed in enumerate(embeds) if (e := embed_errors(embed))}
        if per_embed:
            errors["embeds"] = per_embed
        elif sum(embed_length(embed) for embed in embeds) > EMBED_TOTAL:
            errors["embeds"] = _error(
                "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL}"
            )
    components = components_errors(message.get("components") or [])
    if components:
        errors["components"] = components
    return errors


def embed_errors(embed: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for key, limit in (("title", TITLE), ("description", DESCRIPTION), ("url", URL)):
        if len(str(embed.get(key) or "")) > limit:
            errors[key] = _too_long(limit)
    for part, key, limit in (("footer", "text", FOOTER), ("author", "name", AUTHOR)):
        if len(str((embed.get(part) or {}).get(key) or "")) > limit:
            errors[part] = {key: _too_long(limit)}
    for part in ("image", "thumbnail"):
        if len(str((embed.get(part) or {}).get("url") or "")) > URL:
            errors[part] = {"url": _too_long(URL)}
    fields = embed.get("fields") or []
    if len(fields) > FIELDS:
        errors["fields"] = _too_long(FIELDS)
    else:
        field_errors: dict[str, Any] = {}
        for index, field in enumerate(fields):
            problems = {}
            for key, limit in (("name", FIELD_NAME), ("value", FIELD_VALUE)):
                text = str(field.get(key) or "")
                if not text:
                    problems[key] = _error("BASE_TYPE_REQUIRED", "This field is required")
                elif len(text) > limit:
                    problems[key] = _too_long(limit)
            if problems:
                field_errors[str(index)] = problems
        if field_errors:
            errors["fields"] = field_errors
    if not errors and embed_length(embed) > EMBED_TOTAL:
        errors["_errors"] = _error("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size")[
            "_errors"
        ]
    return errors


def embed_length(embed: dict[str, Any]) -> int:
    """Title, description, field names and values, footer text and author name."""
    parts = [
        embed.get("title"),
        embed.get("description"),
        (embed.get("footer") or {}).get("text"),
        (embed.get("author") or {}).get("name"),
    ]
    for field in embed.get("fields") or []:
        parts += [field.get("name"), field.get("value")]
    return sum(len(str(part)) for part in parts if part)


def components_errors(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if len(rows) > ACTION_ROWS:
        return _too_long(ACTION_ROWS)
    errors: dict[str, Any] = {}
    for row_index, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > ROW_BUTTONS:
            errors[str(row_index)] = {"components": _too_long(ROW_BUTTONS)}
            continue
        item_errors = {str(i): e for i, item in enumerate(items) if (e := _component(item))}
        if item_errors:
            errors[str(row_index)] = {"components": item_errors}
    return errors


def _component(item: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    custom_id = item.get("custom_id")
    if isinstance(custom_id, str) and len(custom_id) > CUSTOM_ID:
        errors["custom_id"] = _too_long(CUSTOM_ID)
    label = item.get("label")
    label_limit = TEXT_INPUT_LABEL if item.get("type") == 4 else BUTTON_LABEL
    if isinstance(label, str) and len(label) > label_limit:
        errors["label"] = _too_long(label_limit)
    if len(item.get("options") or []) > SELECT_OPTIONS:
        errors["options"] = _too_long(SELECT_OPTIONS)
    return errors


def choices_errors(choices: list[dict[str, Any]]) -> dict[str, Any]:
    if len(choices) > CHOICES:
        return {"choices": _too_long(CHOICES)}
    errors: dict[str, Any] = {}
    for index, choice in enumerate(choices):
        problems = {}
        name = str(choice.get("name") or "")
        if not 1 <= len(name) <= CHOICE_NAME:
            problems["name"] = _too_long(CHOICE_NAME)
        value = choice.get("value")
        if isinstance(value, str) and not 1 <= len(value) <= CHOICE_VALUE:
            problems["value"] = _too_long(CHOICE_VALUE)
        if problems:
            errors[str(index)] = problems
    return {"choices": errors} if errors else {}


def modal_errors(modal: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if len(str(modal.get("title") or "")) > MODAL_TITLE:
        errors["title"] = _too_long(MODAL_TITLE)
    if len(str(modal.get("custom_id") or "")) > CUSTOM_ID:
        errors["custom_id"] = _too_long(CUSTOM_ID)
    components = components_errors(modal.get("components") or [])
    if components:
        errors["components"] = components
    return errors


def _too_long(limit: int) -> dict[str, Any]:
    return _error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _nest(key: str, errors: dict[str, Any]) -> dict[str, Any]:
    return {key: errors} if errors else {}
