"""Asks the MPC to e-mail a lost action code to the original submitter.

``POST {"label": ...}`` to ``mpc.action_codes_url``. The MPC never returns the code: on
success it answers with an intentionally vacuous body and e-mails the code to the address
of the original submission, so any 2xx is "accepted" whatever its body says.

Use in two steps so that a refusal comes before the caller acknowledges anything:
``reserve()`` (synchronous, raises ``RateLimited``) then ``await request(reservation)``
(or ``release(reservation)`` if it will not be sent after all). Every request sent counts
against the user's hour whatever the MPC answers, because each one may send an e-mail.

The log keeps the user id, the label's format and the outcome, never the label.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from bot import health as services
from bot.config import MpcSettings
from bot.errors import RateLimited, UpstreamError
from bot.health import UpstreamHealth
from bot.http import retry_after_seconds
from bot.mpc.labels import Label
from bot.mpc.limits import Clock, GlobalPacer, PerUserLimit, Sleep

log = logging.getLogger(__name__)

HOUR = 3600.0
# Longest a request may queue behind others for its turn before it is refused instead.
MAX_QUEUE_SECONDS = 10.0
# The one retry after a timeout or a 5xx waits this long first.
RETRY_BACKOFF_SECONDS = 2.0
# A 429 without a usable Retry-After pauses the bot's MPC requests this long.
DEFAULT_429_PAUSE_SECONDS = 60.0
MAX_429_PAUSE_SECONDS = 3600.0
# A 4xx's message is shown to the user; a longer one is an error page, not a sentence.
MAX_MESSAGE_CHARS = 300
# These 4xx mean "I do not take this label": the MPC itself is answering normally.
LABEL_REFUSALS = frozenset({400, 404, 422})


class MpcRefused(UpstreamError):
    """The MPC answered 4xx: it will not send a code for this request."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message, service=services.MPC, detail=f"HTTP {status_code}")
        self.status_code = status_code


class MpcUnavailable(UpstreamError):
    """The MPC could not be reached, timed out, or failed (5xx), retry included."""

    def __init__(self, message: str) -> None:
        super().__init__(message, service=services.MPC)


@dataclass(frozen=True, slots=True)
class Reservation:
    """A request that passed both limits and counts against the user's hour."""

    label: Label
    user_id: int


@dataclass(frozen=True, slots=True)
class ActionCodeResult:
    """The MPC accepted the request (any 2xx); the code, if any, goes by e-mail."""

    label: Label
    status_code: int


class MpcErrorBody(BaseModel):
    """The parts of a 4xx body that may carry a sentence (frameworks differ in the key)."""

    model_config = ConfigDict(extra="ignore")

    message: str | None = None
    detail: str | list[Any] | None = None
    error: str | None = None


class _Transient(Exception):
    """A failure worth one retry: no answer, or a 5xx."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ActionCodeClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: MpcSettings,
        *,
        health: UpstreamHealth,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.http = http
        self.settings = settings
        self.health = health
        self._clock = clock
        self._wall_clock = wall_clock
        self._per_user = PerUserLimit(settings.per_user_per_hour, HOUR, clock)
        self._pacer = GlobalPacer(settings.global_per_second, clock, sleep)
        # A very low global rate spaces requests further apart than the queue limit;
        # the next request in line must still be able to wait its turn.
        self._max_wait = max(MAX_QUEUE_SECONDS, self._pacer.interval)

    def reserve(self, label: Label, *, user_id: int) -> Reservation:
        """Count this request against both limits, or raise RateLimited saying when to retry."""
        wait = self._per_user.retry_after(user_id)
        if wait > 0:
            self._log(user_id, label, "refused: per-user limit")
            raise RateLimited(
                f"You have asked for {self._per_user.limit} action codes in the last hour, "
                "the most allowed (each request may send someone an e-mail); "
                f"try again {self._when(wait)}.",
                retry_after=wait,
            )
        wait = self._pacer.expected_wait()
        if wait > self._max_wait:
            raise self._busy(user_id, label, wait)
        self._per_user.record(user_id)
        return Reservation(label, user_id)

    def release(self, reservation: Reservation) -> None:
        """Give the user back a reserved request that will not be sent after all."""
        self._per_user.refund(reservation.user_id)

    async def request(self, reservation: Reservation) -> ActionCodeResult:
        """Send the reserved request when its turn comes; one retry after a timeout or 5xx.

        Raises MpcRefused (4xx), RateLimited (429, or a queue that grew meanwhile) or
        MpcUnavailable. Waiting, sending and the retry end within ``deadline_seconds``:
        a server that trickles its answer never trips a per-read timeout.
        """
        limit = self.settings.deadline_seconds
        try:
            async with asyncio.timeout(limit):
                return await self._request(reservation)
        except TimeoutError:
            raise self._unavailable(
                reservation, f"no complete answer within {limit:g} s", tries=1
            ) from None

    async def _request(self, reservation: Reservation) -> ActionCodeResult:
        # The admission check estimated the wait; allow for the time since (the defer).
        if not await self._pacer.take_turn(max_wait=2 * self._max_wait):
            self.release(reservation)
            raise self._busy(reservation.user_id, reservation.label, self._pacer.expected_wait())
        try:
            response = await self._post_once(reservation.label)
        except _Transient as first:
            log.info("MPC action codes: %s; retrying once", first.reason)
            retried = await self._pacer.take_turn(
                max_wait=RETRY_BACKOFF_SECONDS + self._max_wait,
                not_before=self._clock() + RETRY_BACKOFF_SECONDS,
            )
            if not retried:  # paused by a 429 meanwhile, or the queue is full
                raise self._unavailable(reservation, first.reason, tries=1) from None
            try:
                response = await self._post_once(reservation.label)
            except _Transient as second:
                raise self._unavailable(reservation, second.reason, tries=2) from None
        return self._accepted_or_raise(reservation, response)

    async def _post_once(self, label: Label) -> httpx.Response:
        """One POST; no answer or a 5xx raises _Transient, any other status is returned."""
        timeout = httpx.Timeout(
            self.settings.timeout_seconds, connect=min(10.0, self.settings.timeout_seconds)
        )
        try:
            response = await self.http.post(
                str(self.settings.action_codes_url), json={"label": label.text}, timeout=timeout
            )
        except httpx.TimeoutException:
            raise _Transient(f"no answer within {self.settings.timeout_seconds:g} s") from None
        except httpx.TransportError as exc:
            raise _Transient(f"connection failed ({type(exc).__name__})") from None
        if response.is_server_error:
            raise _Transient(f"it answered HTTP {response.status_code}")
        return response

    def _accepted_or_raise(
        self, reservation: Reservation, response: httpx.Response
    ) -> ActionCodeResult:
        status = response.status_code
        if response.is_success:
            self.health.record_success(services.MPC)
            self._log(reservation.user_id, reservation.label, f"accepted (HTTP {status})")
            return ActionCodeResult(reservation.label, status)
        if status == 429:
            pause = _retry_after_seconds(response, now=self._wall_clock())
            self._pacer.pause_until(self._clock() + pause)
            self.health.record_failure(services.MPC, "HTTP 429: asked us to slow down")
            self._log(reservation.user_id, reservation.label, "MPC answered 429", logging.WARNING)
            raise self._slow_down(pause)
        if response.is_client_error:
            if status in LABEL_REFUSALS:
                self.health.record_success(services.MPC)
            else:  # 401, 403, 405...: something is wrong with us, not with the label
                self.health.record_failure(services.MPC, f"HTTP {status}")
            self._log(reservation.user_id, reservation.label, f"refused by the MPC (HTTP {status})")
            raise MpcRefused(_refusal_sentence(response), status_code=status)
        # 1xx or a redirect not followed: not an answer we know how to read.
        self.health.record_failure(services.MPC, f"unexpected HTTP {status}")
        self._log(
            reservation.user_id, reservation.label, f"unexpected HTTP {status}", logging.WARNING
        )
        raise MpcUnavailable(
            f"The MPC answered in a way the bot does not understand (HTTP {status}); "
            "try again later."
        )

    def _unavailable(self, reservation: Reservation, reason: str, *, tries: int) -> MpcUnavailable:
        self.health.record_failure(services.MPC, reason)
        self._log(reservation.user_id, reservation.label, f"unreachable: {reason}", logging.WARNING)
        return MpcUnavailable(
            f"The MPC could not be reached ({reason}{', twice' if tries > 1 else ''}); "
            "try again later. If the request did get through, the e-mail will still arrive."
        )

    def _busy(self, user_id: int, label: Label, wait: float) -> RateLimited:
        if self._pacer.paused:
            self._log(user_id, label, "refused: MPC asked us to slow down")
            return self._slow_down(wait)
        self._log(user_id, label, "refused: global limit")
        return RateLimited(
            "Too many action-code requests are waiting for the MPC right now; "
            f"try again {self._when(wait)}.",
            retry_after=wait,
        )

    def _slow_down(self, wait: float) -> RateLimited:
        return RateLimited(
            f"The MPC has asked the bot to slow down; try again {self._when(wait)}.",
            retry_after=wait,
        )

    def _when(self, seconds: float) -> str:
        """Discord's relative timestamp markup: each reader sees "in 5 minutes" in their own
        clock. Plain text in the core; Discord renders it."""
        return f"<t:{math.ceil(self._wall_clock() + seconds)}:R>"

    @staticmethod
    def _log(user_id: int, label: Label, outcome: str, level: int = logging.INFO) -> None:
        log.log(level, "action code: user=%d format=%s outcome=%s", user_id, label.kind, outcome)


def _retry_after_seconds(response: httpx.Response, *, now: float) -> float:
    """Retry-After in seconds (delta or HTTP date), within sane bounds."""
    seconds = retry_after_seconds(response.headers.get("Retry-After"), now=now)
    if seconds is None:
        return DEFAULT_429_PAUSE_SECONDS
    return min(max(seconds, 1.0), MAX_429_PAUSE_SECONDS)


def _refusal_sentence(response: httpx.Response) -> str:
    reason = _error_message(response)
    status = response.status_code
    if reason is None:
        return f"The MPC refused the request (HTTP {status}) without saying why."
    return f"The MPC refused the request (HTTP {status}): {reason}"


def _error_message(response: httpx.Response) -> str | None:
    """The sentence in a 4xx body, cleaned for showing; None if there is none."""
    content_type = response.headers.get("Content-Type", "")
    text: str | None = None
    if "json" in content_type:
        try:
            text = _message_from_json(response.json())
        except ValueError:
            text = None
    elif content_type.startswith("text/plain"):
        text = response.text
    # An HTML error page (or anything else) says nothing a user can act on.
    if text is None:
        return None
    cleaned = " ".join(text.replace("`", "'").split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_MESSAGE_CHARS:
        cleaned = cleaned[: MAX_MESSAGE_CHARS - 1].rstrip() + "…"
    return cleaned


def _message_from_json(data: Any) -> str | None:
    if isinstance(data, str):
        return data
    try:
        body = MpcErrorBody.model_validate(data)
    except ValidationError:
        return None
    if isinstance(body.detail, list):  # FastAPI-style validation errors
        messages = [item.get("msg") for item in body.detail if isinstance(item, dict)]
        detail = "; ".join(str(m) for m in messages if m) or None
    else:
        detail = body.detail
    return body.message or detail or body.error
