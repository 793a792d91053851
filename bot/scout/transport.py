"""Sending one request to Scout: the lanes, retries with backoff, the whole call's
deadline, reading the answer, and recording how Scout is doing.

In the order a request meets them:

1. it is validated against the API document once more (nothing outside it leaves the bot);
2. it waits for a slot in its lane: at most ``max_in_flight`` requests go to the host at
   once, one slot the background watcher's, the others the commands', so neither waits
   behind the other;
3. 429, 5xx, timeouts and connection errors are retried with exponential backoff and
   jitter, honouring ``Retry-After``, within ``retry_budget_seconds``; then one
   ScoutUnavailable;
4. the whole call, queueing and retries included, ends within ``deadline_seconds``: a
   server that trickles its answer a byte at a time never trips a per-read timeout.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from bot.config import ScoutSettings
from bot.health import SCOUT, UpstreamHealth
from bot.http import retry_after_seconds
from bot.scout import parse
from bot.scout.errors import (
    ObjectNotFound,
    ScoutBadResponse,
    ScoutRequestRefused,
    ScoutUnavailable,
)
from bot.scout.outage import Outage
from bot.scout.validation import validate_params

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 20.0
MIN_ATTEMPT_TIMEOUT_SECONDS = 2.0

Sleep = Callable[[float], Awaitable[None]]


class Lane(enum.Enum):
    """Who is waiting for an answer: a person (a command) or the background watcher."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


@dataclass(frozen=True)
class Pace:
    """How the client waits and draws its jitter: injectable, so tests never wait."""

    sleep: Sleep = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)


class ScoutTransport:
    def __init__(
        self, http: httpx.AsyncClient, settings: ScoutSettings, health: UpstreamHealth, pace: Pace
    ) -> None:
        self.http = http
        self.settings = settings
        self.health = health
        self._url = str(settings.base_url)
        self._sleep = pace.sleep
        self._clock = pace.clock
        self._rng = pace.rng
        self._lanes = lane_semaphores(settings.max_in_flight)
        # Marked down after a command gave up on Scout: commands answered at once, not in 40 s.
        self.outage = Outage(pace.clock, settings.down_pause_seconds)
        self.upstream_calls = 0  # HTTP requests actually sent (for benchmarks and tests)

    async def get(
        self,
        params: dict[str, str],
        read: Callable[[dict[str, Any]], T],
        *,
        designation: str | None = None,
        lane: Lane = Lane.INTERACTIVE,
    ) -> tuple[T, int]:
        """Scout's answer read into a model, and its size in bytes; every outcome is recorded.

        Reading is part of the outcome: an answer the models cannot take is a failure of
        the service for /about and /alerts status, not a success.
        """
        validate_params(params)  # last guard: nothing outside the document leaves the bot
        try:
            response = await self._send_within_deadline(params, lane)
            answer = read(self._read(response, params, designation))
        except ObjectNotFound:
            self.health.record_success(SCOUT)  # Scout answered; the object is gone
            self.outage.answered()
            raise
        except ScoutBadResponse as exc:
            log.warning("Scout answer to %s unreadable: %s", params, exc.detail)
            self.health.record_failure(SCOUT, exc.detail)
            raise
        except ScoutUnavailable as exc:  # logged where the retries gave up
            self.health.record_failure(SCOUT, exc.detail)
            if lane is Lane.BACKGROUND:
                raise  # a slow poll (the whole list) is no reason to refuse commands
            raise self.outage.gave_up(exc.detail) from None
        except ScoutRequestRefused as exc:  # logged where the refusal was read
            self.health.record_failure(SCOUT, f"refused: {exc.detail}")
            raise
        self.health.record_success(SCOUT)
        self.outage.answered()
        return answer, len(response.content)

    async def _send_within_deadline(self, params: dict[str, str], lane: Lane) -> httpx.Response:
        limit = self.settings.deadline_seconds
        try:
            async with asyncio.timeout(limit):
                return await self._send_with_retries(params, lane, self._clock() + limit)
        except TimeoutError:
            reason = f"no complete answer within {limit:g} s"
            log.warning("Scout gave up on %s: %s", params, reason)
            raise ScoutUnavailable(reason) from None

    async def _send_with_retries(
        self, params: dict[str, str], lane: Lane, deadline_at: float
    ) -> httpx.Response:
        deadline = min(self._clock() + self.settings.retry_budget_seconds, deadline_at)
        attempt = 0
        while True:
            timeout = self.settings.timeout_seconds
            if attempt:
                timeout = max(min(timeout, deadline - self._clock()), MIN_ATTEMPT_TIMEOUT_SECONDS)
            retry_after: float | None = None
            try:
                async with self._lanes[lane]:
                    self.upstream_calls += 1
                    response = await self.http.get(self._url, params=params, timeout=timeout)
            except httpx.TimeoutException as exc:
                failure = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:
                failure = f"connection failed ({type(exc).__name__}: {exc})"
            except httpx.RequestError as exc:  # an undecodable body, a redirect loop
                raise ScoutBadResponse(f"{type(exc).__name__}: {exc}") from None
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                failure = f"HTTP {response.status_code}"
                retry_after = retry_after_seconds(
                    response.headers.get("Retry-After"), now=time.time()
                )
            delay = self._backoff(attempt, retry_after)
            if self._clock() + delay > deadline:
                log.warning(
                    "Scout unavailable after %d attempt(s), last: %s (params %s)",
                    attempt + 1,
                    failure,
                    params,
                )
                raise ScoutUnavailable(failure)
            log.info("Scout %s; retry %d in %.1f s", failure, attempt + 1, delay)
            await self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; never sooner than the server's Retry-After."""
        ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** min(attempt, 30))
        delay = ceiling * (0.5 + 0.5 * self._rng.random())  # jitter spreads retrying callers
        return delay if retry_after is None else max(delay, retry_after)

    def _read(
        self, response: httpx.Response, params: Mapping[str, str], designation: str | None
    ) -> dict[str, Any]:
        status = response.status_code
        if status == 400:
            message = _refusal_message(response.content)
            log.warning("Scout refused %s: %s", dict(params), message)
            raise ScoutRequestRefused(message)
        if status != 200:
            log.warning("Scout answered HTTP %d to %s", status, dict(params))
            raise ScoutBadResponse(f"HTTP {status}")
        payload = parse.decode_json(response.content)
        parse.check_signature(payload)
        if "error" in payload:
            error = str(payload["error"])
            if designation is not None and ("exist" in error or "not found" in error):
                log.info("Scout has no object %s (%s)", designation, error)
                raise ObjectNotFound(designation)
            log.warning("Scout answered an error to %s: %s", dict(params), error)
            raise ScoutRequestRefused(error)
        return payload


def lane_semaphores(max_in_flight: int) -> dict[Lane, asyncio.Semaphore]:
    """One request slot for the watcher (one request a poll), the rest for commands; with
    a single slot in all, both lanes share it."""
    if max_in_flight < 2:
        shared = asyncio.Semaphore(1)
        return {Lane.INTERACTIVE: shared, Lane.BACKGROUND: shared}
    return {
        Lane.INTERACTIVE: asyncio.Semaphore(max_in_flight - 1),
        Lane.BACKGROUND: asyncio.Semaphore(1),
    }


def _refusal_message(body: bytes) -> str:
    """The ``message`` of a 400 body, whatever else the body holds."""
    try:
        payload = parse.decode_json(body)
    except ScoutBadResponse:
        return "no reason given"
    message = payload.get("message") or payload.get("error")
    return str(message) if message else "no reason given"
