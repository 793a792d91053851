"""A Scout client wired to a fake clock, so retries and TTLs run without waiting."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.config import ScoutSettings
from bot.health import UpstreamHealth
from bot.scout import ScoutClient
from tests.conftest import FIXTURES

BASE_URL = "https://scout.test/scout.api"


class FakeClock:
    """Monotonic time that only moves when the client sleeps or a test advances it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / "scout" / name).read_text())


def object_sample(designation: str) -> dict[str, Any]:
    for line in (FIXTURES / "scout" / "object_samples.jsonl").read_text().splitlines():
        payload: dict[str, Any] = json.loads(line)
        if payload["objectName"] == designation:
            return payload
    raise KeyError(designation)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def health() -> UpstreamHealth:
    return UpstreamHealth()


@pytest.fixture
def settings() -> ScoutSettings:
    return ScoutSettings(base_url=BASE_URL, retry_budget_seconds=30.0, max_in_flight=4)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def scout(
    http: httpx.AsyncClient, settings: ScoutSettings, health: UpstreamHealth, clock: FakeClock
) -> ScoutClient:
    return ScoutClient(
        http, settings, health=health, sleep=clock.sleep, clock=clock, rng=random.Random(7)
    )
