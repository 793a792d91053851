"""The JPL Scout client: one typed method per mode, cached, single-flight and polite."""

from __future__ import annotations

from collections.abc import Collection

import httpx

from bot.config import ScoutSettings
from bot.health import UpstreamHealth
from bot.scout.models import (
    Ephemeris,
    ObjectFileList,
    ObjectObservations,
    ObjectOrbits,
    ObjectPlots,
    ScoutObject,
    Summary,
)
from bot.scout.validation import EphemerisQuery


class ScoutClient:
    def __init__(
        self, http: httpx.AsyncClient, settings: ScoutSettings, *, health: UpstreamHealth
    ) -> None:
        self.http = http
        self.settings = settings
        self.health = health

    async def summary(self) -> Summary:
        """Every NEOCP object Scout has computed (cached about summary_ttl_seconds)."""
        raise NotImplementedError

    def cached_summary(self) -> Summary | None:
        """The last good summary, without I/O (for autocomplete); None before the first."""
        raise NotImplementedError

    async def object(self, designation: str) -> ScoutObject:
        """One object's record. ObjectNotFound if Scout does not know it."""
        raise NotImplementedError

    async def plots(self, designation: str, kinds: Collection[str]) -> ObjectPlots:
        """The object's plots of these kinds (el, ca, sr), decoded PNG keyed by *_fig key."""
        raise NotImplementedError

    async def observations(self, designation: str) -> ObjectObservations:
        """The object's observations as an MPC 80-column file (file=mpc)."""
        raise NotImplementedError

    async def file_list(self, designation: str) -> ObjectFileList:
        """The data files Scout has for the object (file=list)."""
        raise NotImplementedError

    async def orbits(self, designation: str, count: int = 1000) -> ObjectOrbits:
        """The object's sampled orbits, at most ``count`` (1..1000)."""
        raise NotImplementedError

    async def ephemeris(self, query: EphemerisQuery) -> Ephemeris:
        """The ephemeris a validated query describes (build it with EphemerisQuery.build)."""
        raise NotImplementedError
