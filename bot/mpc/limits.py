"""The two limits that keep /actioncode from becoming a way to flood someone's inbox.

Every accepted request makes the MPC send an e-mail to a submitter, so the bot limits
how many requests each person may make in an hour, and spaces all requests so that the
whole bot stays well below the MPC's 5 a second (the MPC may block an address that
floods it). Both take a clock (and the pacer a sleep) so that tests can move time
instead of waiting.

Times are ``time.monotonic()`` seconds.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class PerUserLimit:
    """At most ``limit`` requests per user in any sliding window of ``window_seconds``."""

    def __init__(self, limit: int, window_seconds: float, clock: Clock) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._sent: dict[int, deque[float]] = {}

    def retry_after(self, user_id: int) -> float:
        """Seconds until ``user_id`` may ask again; 0 if they may ask now."""
        now = self._clock()
        self._forget_expired(now)
        sent = self._sent.get(user_id)
        if sent is None or len(sent) < self.limit:
            return 0.0
        return sent[0] + self.window_seconds - now

    def record(self, user_id: int) -> None:
        self._sent.setdefault(user_id, deque()).append(self._clock())

    def refund(self, user_id: int) -> None:
        """Take back the latest request of ``user_id``: it was never sent."""
        sent = self._sent.get(user_id)
        if sent:
            sent.pop()

    def _forget_expired(self, now: float) -> None:
        # Sweeping every user keeps memory bounded by the users of the last window
        # (at most the global rate times the window), which is cheap to walk.
        for user_id in list(self._sent):
            sent = self._sent[user_id]
            while sent and sent[0] + self.window_seconds <= now:
                sent.popleft()
            if not sent:
                del self._sent[user_id]


class GlobalPacer:
    """Spaces all requests to the MPC at least ``1 / per_second`` seconds apart.

    The spacing is enforced when a request is about to go, not when it was admitted, so a
    request that was held up (a slow acknowledgement to Discord) can never go out in the
    same instant as the next one. Requests take their turns one at a time, in order; a
    request whose turn would come later than it may wait gives up without sending. After
    a 429 the MPC's Retry-After holds every turn until it has passed.
    """

    def __init__(self, per_second: float, clock: Clock, sleep: Sleep) -> None:
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next_free = -math.inf
        self._paused_until = -math.inf
        self._turns = asyncio.Lock()  # FIFO: requests go in the order they asked
        self._waiting = 0

    def expected_wait(self) -> float:
        """About how long a request asking now would wait for its turn."""
        now = self._clock()
        start = max(now, self._next_free, self._paused_until)
        return start - now + self._waiting * self.interval

    async def take_turn(self, *, max_wait: float, not_before: float | None = None) -> bool:
        """Wait for this request's turn and claim it; False, claiming nothing, if the turn
        would come more than ``max_wait`` seconds from now."""
        deadline = self._clock() + max_wait
        earliest = -math.inf if not_before is None else not_before
        self._waiting += 1
        try:
            async with self._turns:
                # A loop, because a 429 elsewhere may extend the pause while this one sleeps.
                while True:
                    now = self._clock()
                    turn = max(now, earliest, self._next_free, self._paused_until)
                    if turn > deadline:
                        return False
                    if turn <= now:
                        break
                    await self._sleep(turn - now)
                self._next_free = self._clock() + self.interval
                return True
        finally:
            self._waiting -= 1

    def pause_until(self, until: float) -> None:
        """The MPC said to slow down: no turn before ``until``."""
        self._paused_until = max(self._paused_until, until)

    @property
    def paused(self) -> bool:
        return self._paused_until > self._clock()
