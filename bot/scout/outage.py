"""Scout marked down: after a call gave up on it, commands are answered at once.

A command's call that ends in ScoutUnavailable has already spent the retry budget (about
40 s of a public "thinking…"). For ``scout.down_pause_seconds`` after it, a command that would need
Scout again is told so privately at once, with the time the bot will ask again and
Scout's own page, instead of waiting as long for the same failure. Any good answer (the
watcher keeps polling in its own lane) ends the outage early.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.scout.errors import ScoutUnavailable

SCOUT_PAGE = "https://cneos.jpl.nasa.gov/scout/"


class ScoutDown(ScoutUnavailable):
    """Scout gave up on a call lately; the message says since when and when the bot asks
    again, and points to Scout's page (the bot's only view of Scout is its answers)."""

    def __init__(self, failed_at: datetime, retry_at: datetime, now: datetime, detail: str) -> None:
        super().__init__(detail)
        self.failed_at = failed_at
        self.retry_at = retry_at
        self.message = (
            f"JPL Scout did not answer at {failed_at:%H:%M} UTC. I'll ask it again from "
            f"{retry_at:%H:%M} UTC ({in_minutes(retry_at - now)}): try then. Scout's own "
            f"page shows whether it is up: <{SCOUT_PAGE}>"
        )


def in_minutes(left: timedelta) -> str:
    """``"in 2 min"``, ``"in under a minute"``: a countdown to read at a glance."""
    minutes = round(left.total_seconds() / 60)
    return "in under a minute" if minutes < 1 else f"in {minutes} min"


class Outage:
    """Whether Scout is marked down now, by the client's monotonic clock."""

    def __init__(
        self,
        clock: Callable[[], float],
        pause_seconds: float,
        *,
        utc: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``pause_seconds``: long enough that a person retrying at once is not kept
        waiting again, short enough that the first command after a brief outage asks anew."""
        self._clock = clock
        self._pause = pause_seconds
        self._utc = utc
        self._until: float | None = None
        self._failed_at: datetime | None = None
        self._detail = ""

    def gave_up(self, detail: str) -> ScoutDown:
        """Mark Scout down after a call gave up; the error to answer that call with."""
        now = self._utc()
        self._until = self._clock() + self._pause
        self._failed_at = now
        self._detail = detail
        return ScoutDown(now, now + timedelta(seconds=self._pause), now, detail)

    def answered(self) -> None:
        self._until = None

    @property
    def down(self) -> bool:
        return self._until is not None and self._clock() < self._until

    def error(self) -> ScoutDown | None:
        """The answer for a call made now, while Scout is marked down; None if it is not."""
        if not self.down or self._until is None or self._failed_at is None:
            return None
        now = self._utc()
        retry_at = now + timedelta(seconds=self._until - self._clock())
        return ScoutDown(self._failed_at, retry_at, now, self._detail)
