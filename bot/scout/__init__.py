"""JPL CNEOS Scout client (placeholder: issue 3 replaces this with the real client)."""

from __future__ import annotations

import httpx

from bot.config import ScoutSettings
from bot.health import UpstreamHealth


class ScoutClient:
    def __init__(
        self, http: httpx.AsyncClient, settings: ScoutSettings, *, health: UpstreamHealth
    ) -> None:
        self.http = http
        self.settings = settings
        self.health = health
