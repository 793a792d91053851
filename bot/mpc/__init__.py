"""MPC action-code client (placeholder: issue 5 replaces this with the real client)."""

from __future__ import annotations

import httpx

from bot.config import MpcSettings
from bot.health import UpstreamHealth


class ActionCodeClient:
    def __init__(
        self, http: httpx.AsyncClient, settings: MpcSettings, *, health: UpstreamHealth
    ) -> None:
        self.http = http
        self.settings = settings
        self.health = health
