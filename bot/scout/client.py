"""The JPL Scout client: one typed method per mode, cached, single-flight and polite.

Politeness and economy, in the order a call meets them:

1. a fresh cached answer is returned without I/O (TTLs follow how Scout updates,
   ``cache.py``);
2. while Scout is marked down, a command is answered at once (``outage.py``);
3. identical requests already in flight share that one upstream call (``flights.py``);
4. the request is sent (``transport.py``): validated against the API document, in its lane
   (the watcher's slot or the commands'), retried with backoff within
   ``retry_budget_seconds``, and ended within ``deadline_seconds`` whatever happens.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from typing import Any, TypeVar, cast

import httpx

from bot.config import ScoutSettings
from bot.health import UpstreamHealth
from bot.scout import parse
from bot.scout.cache import ScoutCache
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
from bot.scout.transport import Lane, Pace, ScoutTransport, Sleep
from bot.scout.validation import EphemerisQuery, ObjectRequest
from bot.scout.values import validate_designation, validate_orbit_count, validate_plot_kinds

T = TypeVar("T")


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
        pace = Pace(sleep, clock, rng or random.Random())
        self._transport = ScoutTransport(http, settings, health, pace)
        self.settings = settings
        self.outage = self._transport.outage
        self._cache = ScoutCache(settings.cache_max_entries, clock=clock)
        self._fetches = SharedFetches("scout")
        self._last_summary: Summary | None = None

    @property
    def upstream_calls(self) -> int:
        """HTTP requests actually sent (for benchmarks and tests)."""
        return self._transport.upstream_calls

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
        summary, size = await self._transport.get({}, parse.parse_summary, lane=lane)
        self._last_summary = summary
        for obj in summary.objects:
            self._cache.note_last_run(obj.designation, obj.last_run)
        self._cache.forget_objects_not_in({obj.designation for obj in summary.objects})
        self._cache.put(("summary",), summary, self.settings.summary_ttl_seconds, size=size)
        return summary

    async def _load_object(self, request: ObjectRequest, read: Callable[[dict[str, Any]], T]) -> T:
        params = request.params()
        answer, size = await self._transport.get(params, read, designation=request.designation)
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
        ephemeris, size = await self._transport.get(
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


def _key(params: Mapping[str, str]) -> Hashable:
    return tuple(sorted(params.items()))
