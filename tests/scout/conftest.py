"""A Scout client wired to a fake clock, so retries and TTLs run without waiting."""

from __future__ import annotations

import random

import httpx
import pytest

from bot.config import ScoutSettings
from bot.health import UpstreamHealth
from bot.scout import ScoutClient
from tests.fakes import FakeClock

BASE_URL = "https://scout.test/scout.api"


@pytest.fixture
def settings() -> ScoutSettings:
    return ScoutSettings(base_url=BASE_URL, retry_budget_seconds=30.0, max_in_flight=4)


@pytest.fixture
def scout(
    http: httpx.AsyncClient, settings: ScoutSettings, health: UpstreamHealth, clock: FakeClock
) -> ScoutClient:
    return ScoutClient(
        http,
        settings,
        health=health,
        sleep=clock.sleep,
        clock=clock.monotonic,
        rng=random.Random(7),
    )
