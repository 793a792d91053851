"""What can go wrong talking to Scout, each with a sentence for the person who asked."""

from __future__ import annotations

from bot.errors import NotFound, UpstreamError, shorten
from bot.health import SCOUT

# Scout's own words are shown to the user up to this length (the log keeps all of them):
# a longer one is a dump, not a sentence, and would not fit in a Discord message.
MAX_SHOWN_REFUSAL_CHARS = 300

UNAVAILABLE_MESSAGE = "JPL Scout is not answering right now; try again in a few minutes."


class ObjectNotFound(NotFound):
    """Scout has no object with this designation (it may have left the NEOCP)."""

    def __init__(self, designation: str) -> None:
        super().__init__(
            f"Scout has no object {designation}: it may have been designated or removed "
            "from the NEOCP. Check the spelling (designations are case-sensitive)."
        )
        self.designation = designation


class ScoutUnavailable(UpstreamError):
    """Scout did not answer usefully within the retry budget (timeouts, 429, 5xx)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(UNAVAILABLE_MESSAGE, service=SCOUT, detail=detail)


class ScoutRequestRefused(UpstreamError):
    """Scout answered 400: it refused the request; ``detail`` is its own words."""

    def __init__(self, scout_message: str) -> None:
        shown = shorten(scout_message, MAX_SHOWN_REFUSAL_CHARS) or "no reason given"
        super().__init__(
            f"JPL Scout refused the request: {shown}", service=SCOUT, detail=scout_message
        )


class ScoutBadResponse(UpstreamError):
    """Scout answered something we cannot read (HTML, cut JSON, an unexpected shape)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "JPL Scout sent an answer the bot cannot read; try again in a few minutes.",
            service=SCOUT,
            detail=detail,
        )
