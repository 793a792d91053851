"""An MPC that trickles its answer a byte at a time is given up on at the deadline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import respx

from bot import health as services
from bot.config import MpcSettings
from bot.health import UpstreamHealth
from bot.mpc import ActionCodeClient, MpcUnavailable, parse_label
from tests.fakes import FakeClock

URL = "https://mpc.test/api/action-codes/retrieve"
# Longer than the test may take: a request that is not cut off fails it, never hangs it.
GIVE_UP_SECONDS = 10.0


class Trickle(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        while True:
            await asyncio.sleep(0.02)
            yield b" "


async def test_a_trickled_answer_ends_in_a_clear_failure_at_the_deadline() -> None:
    clock = FakeClock()
    health = UpstreamHealth()
    settings = MpcSettings(action_codes_url=URL, timeout_seconds=3, deadline_seconds=0.3)
    async with httpx.AsyncClient() as http, respx.mock() as mock:
        route = mock.post(URL).mock(
            side_effect=lambda request: httpx.Response(
                200, headers={"Content-Type": "application/json"}, stream=Trickle()
            )
        )
        mpc = ActionCodeClient(
            http, settings, health=health, clock=clock.monotonic, wall_clock=clock.wall
        )
        reservation = mpc.reserve(parse_label("A10cnQO"), user_id=42)

        try:
            await asyncio.wait_for(mpc.request(reservation), GIVE_UP_SECONDS)
        except MpcUnavailable as exc:
            failure = exc
        else:
            raise AssertionError("a trickled answer was taken for an answer")

    assert "no complete answer within 0.3 s" in str(failure)
    assert route.call_count == 1
    assert health.get(services.MPC).ok is False
