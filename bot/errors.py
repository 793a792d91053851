"""Errors whose message is meant for the person who ran a command.

The core raises these with a sentence a user understands; the command tree's error
handler (bot.client) shows that sentence ephemerally. Anything else is our bug and is
answered with a reference to quote, never with a traceback.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose ``str()`` is safe and useful to show to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(UserFacingError):
    """The user's arguments are wrong; nothing was sent upstream."""


class NotFound(UserFacingError):
    """The upstream service does not know what was asked for."""


class UpstreamError(UserFacingError):
    """An upstream service failed or answered something we cannot read.

    ``message`` is shown to the user; ``detail`` (what exactly went wrong: "HTTP 503", the
    service's own words) goes to the logs and to health, never to the user.
    """

    def __init__(self, message: str, *, service: str, detail: str = "") -> None:
        super().__init__(message)
        self.service = service
        self.detail = detail or message


class RateLimited(UserFacingError):
    """The user (or the whole bot) must wait before trying again."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CannotSave(UserFacingError):
    """The database refuses changes (disk full, read-only file): nothing was saved.

    ``detail`` (the database's own words) goes to the log, once, not to the user.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(
            "I can't save anything right now (the bot's database is not accepting "
            "changes), so nothing was changed. Please try again later; if it lasts, "
            "tell the bot's operator."
        )
        self.detail = detail


class NotAllowedHere(UserFacingError):
    """The command was used where the bot does not serve (a DM, a server not allowed)."""


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis if longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
