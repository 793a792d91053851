"""The JPL Scout client: one typed method per mode, cached, single-flight and polite.

Politeness and economy, in the order a call meets them:

1. every request is validated against the API document before anything is sent;
2. a fresh cached answer is returned without I/O (TTLs follow how Scout updates);
3. identical requests already in flight share that one upstream call;
4. at most ``max_in_flight`` requests go to the host at once, in two lanes: one slot is
   the background watcher's, the others are the commands', so neither waits behind the other;
5. 429, 5xx, timeouts and connection errors are retried with exponential backoff and
   jitter, honouring ``Retry-After``, within ``retry_budget_seconds``; then one
   ScoutUnavailable;
6. the whole call, queueing and retries included, ends within ``deadline_seconds``: a
   server that trickles its answer a byte at a time never trips a per-read timeout.
"""

from __future__ import annotations

import asyncio
import email.utils
import enum
import logging
import random
import time
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import httpx

from bot.config import ScoutSettings
from bot.health import SCOUT, UpstreamHealth
from bot.scout import parse
from bot.scout.cache import ScoutCache
from bot.scout.errors import (
    ObjectNotFound,
    ScoutBadResponse,
    ScoutRequestRefused,
    ScoutUnavailable,
)
from bot.scout.flights import SharedFetches
from bot.scout.models import (
    Ephemeris,
    ObjectFileList,
    ObjectObservations,
    ObjectOrbits,
    ObjectPlots,
    ScoutObject,
    Summary,
)
from bot.scout.outage import Outage
from bot.scout.validation import EphemerisQuery, ObjectRequest, validate_params
from bot.scout.values import validate_designation, validate_orbit_count, validate_plot_kinds

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


class ScoutClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: ScoutSettings,
        *,
        health: UpstreamHealth,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        """``sleep``, ``clock`` and ``rng`` are injectable so tests never wait."""
        self.http = http
        self.settings = settings
        self.health = health
        self._url = str(settings.base_url)
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._cache = ScoutCache(settings.cache_max_entries, clock=clock)
        self._fetches = SharedFetches("scout")
        self._lanes = _lane_semaphores(settings.max_in_flight)
        self._last_summary: Summary | None = None
        # Marked down after a command gave up on Scout: commands answered at once, not in 40 s.
        self.outage = Outage(clock, settings.down_pause_seconds)
        self.upstream_calls = 0  # HTTP requests actually sent (for benchmarks and tests)

    # --- public API ----------------------------------------------------------------------

    async def summary(self, *, fresh: bool = False) -> Summary:
        """Every NEOCP object Scout has computed (cached about summary_ttl_seconds).

        ``fresh`` skips the cache (the alert watcher must see each poll's own list) but
        still shares a fetch already under way, which is as fresh as it gets.
        """
        return await self._summary(fresh=fresh, lane=Lane.INTERACTIVE)

    def background(self) -> BackgroundScout:
        """This client as the background watcher uses it: its own lane to Scout."""
        return BackgroundScout(self)

    async def _summary(self, *, fresh: bool, lane: Lane) -> Summary:
        return await self._answer(
            ("summary",), lambda: self._load_summary(lane), use_cache=not fresh, lane=lane
        )

    def cached_summary(self) -> Summary | None:
        """The last good summary, without I/O (for autocomplete); None before the first."""
        return self._last_summary

    async def object(self, designation: str) -> ScoutObject:
        """One object's record. ObjectNotFound if Scout does not know it.

        A fresh summary already holds every object's record, so it is used when it has one.
        """
        designation = validate_designation(designation)
        fresh = self._cache.get(("summary",))
        if isinstance(fresh, Summary) and (found := fresh.find(designation)) is not None:
            return found
        request = ObjectRequest(designation)
        return await self._answer(
            _key(request.params()), lambda: self._load_object(request, parse.parse_object)
        )

    async def plots(self, designation: str, kinds: Collection[str]) -> ObjectPlots:
        """The object's plots of these kinds (el, ca, sr), decoded PNG keyed by *_fig key."""
        request = ObjectRequest(validate_designation(designation), validate_plot_kinds(kinds))
        return await self._answer(
            _key(request.params()),
            lambda: self._load_object(
                request, lambda payload: parse.parse_plots(payload, request.plot_kinds)
            ),
        )

    async def observations(self, designation: str) -> ObjectObservations:
        """The object's observations as an MPC 80-column file (file=mpc)."""
        request = ObjectRequest(validate_designation(designation), file="mpc")
        return await self._answer(
            _key(request.params()), lambda: self._load_object(request, parse.parse_observations)
        )

    async def file_list(self, designation: str) -> ObjectFileList:
        """The data files Scout has for the object (file=list)."""
        request = ObjectRequest(validate_designation(designation), file="list")
        return await self._answer(
            _key(request.params()), lambda: self._load_object(request, parse.parse_file_list)
        )

    async def orbits(self, designation: str, count: int = 1000) -> ObjectOrbits:
        """The object's sampled orbits, at most ``count`` (1..1000)."""
        request = ObjectRequest(
            validate_designation(designation), orbits=True, n_orbits=validate_orbit_count(count)
        )
        return await self._answer(
            _key(request.params()), lambda: self._load_object(request, parse.parse_orbits)
        )

    async def ephemeris(self, query: EphemerisQuery) -> Ephemeris:
        """The ephemeris a validated query describes (build it with EphemerisQuery.build)."""
        return await self._ephemeris(query, lane=Lane.INTERACTIVE)

    async def _ephemeris(self, query: EphemerisQuery, *, lane: Lane) -> Ephemeris:
        return await self._answer(
            _key(query.params()), lambda: self._load_ephemeris(query, lane), lane=lane
        )

    # --- loading and caching -------------------------------------------------------------

    async def _answer(
        self,
        key: Hashable,
        load: Callable[[], Awaitable[T]],
        *,
        use_cache: bool = True,
        lane: Lane = Lane.INTERACTIVE,
    ) -> T:
        """The cached answer, the answer already being fetched, or a new fetch (single flight,
        see ``bot.scout.flights``). A command may share the watcher's fetch; the watcher
        never joins a command's, which may be queued."""
        cached = self._cache.get(key) if use_cache else None
        if cached is not None:
            return cast(T, cached)
        if lane is Lane.INTERACTIVE and (down := self.outage.error()) is not None:
            raise down  # the watcher's lane keeps polling: its answer ends the outage
        joinable = (Lane.BACKGROUND,) if lane is Lane.BACKGROUND else (Lane.BACKGROUND, lane)
        return await self._fetches.share(
            (lane, key), load, join_any_of=[(kind, key) for kind in joinable]
        )

    async def aclose(self) -> None:
        """End the fetches under way, before the HTTP client they use is closed."""
        await self._fetches.cancel_all()

    async def _load_summary(self, lane: Lane) -> Summary:
        summary, size = await self._get({}, parse.parse_summary, lane=lane)
        self._last_summary = summary
        for obj in summary.objects:
            self._cache.note_last_run(obj.designation, obj.last_run)
        self._cache.forget_objects_not_in({obj.designation for obj in summary.objects})
        self._cache.put(("summary",), summary, self.settings.summary_ttl_seconds, size=size)
        return summary

    async def _load_object(self, request: ObjectRequest, read: Callable[[dict[str, Any]], T]) -> T:
        params = request.params()
        answer, size = await self._get(params, read, designation=request.designation)
        head = cast(Any, answer)
        obj = head if isinstance(head, ScoutObject) else head.object
        self._cache.put(
            _key(params),
            answer,
            self.settings.object_ttl_seconds,
            designation=request.designation,
            last_run=obj.last_run,
            size=size,
        )
        return answer

    async def _load_ephemeris(self, query: EphemerisQuery, lane: Lane) -> Ephemeris:
        params = query.params()
        ephemeris, size = await self._get(
            params, parse.parse_ephemeris, designation=query.designation, lane=lane
        )
        # "now" moves on; an ephemeris for fixed times only changes when Scout re-runs.
        ttl = (
            self.settings.now_ephemeris_ttl_seconds
            if query.starts_now
            else self.settings.object_ttl_seconds
        )
        self._cache.put(
            _key(params),
            ephemeris,
            ttl,
            designation=query.designation,
            last_run=ephemeris.object.last_run,
            size=size,
        )
        return ephemeris

    # --- HTTP ----------------------------------------------------------------------------

    async def _get(
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
                retry_after = _retry_after(response.headers.get("Retry-After"))
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
        return delay if retry_after is None else max(delay, float(retry_after))

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


class BackgroundScout:
    """Scout as the watcher asks it: in the background lane, so that a poll never queues
    behind slow commands, and commands never queue behind a slow poll. Its ephemerides
    (an alert's site figures) share the commands' cache."""

    def __init__(self, client: ScoutClient) -> None:
        self._client = client

    async def summary(self, *, fresh: bool = False) -> Summary:
        return await self._client._summary(fresh=fresh, lane=Lane.BACKGROUND)

    async def ephemeris(self, query: EphemerisQuery) -> Ephemeris:
        return await self._client._ephemeris(query, lane=Lane.BACKGROUND)


def _lane_semaphores(max_in_flight: int) -> dict[Lane, asyncio.Semaphore]:
    """One request slot for the watcher (one request a poll), the rest for commands; with
    a single slot in all, both lanes share it."""
    if max_in_flight < 2:
        shared = asyncio.Semaphore(1)
        return {Lane.INTERACTIVE: shared, Lane.BACKGROUND: shared}
    return {
        Lane.INTERACTIVE: asyncio.Semaphore(max_in_flight - 1),
        Lane.BACKGROUND: asyncio.Semaphore(1),
    }


def _key(params: Mapping[str, str]) -> Hashable:
    return tuple(sorted(params.items()))


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _refusal_message(body: bytes) -> str:
    """The ``message`` of a 400 body, whatever else the body holds."""
    try:
        payload = parse.decode_json(body)
    except ScoutBadResponse:
        return "no reason given"
    message = payload.get("message") or payload.get("error")
    return str(message) if message else "no reason given"
