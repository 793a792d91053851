"""A slow Scout cannot hold a call, a command or the watcher's poll past its deadline.

A server that sends its headers and then one byte at a time never trips a per-read
timeout; only a deadline on the whole call ends it. The watcher's polls and the commands
go to Scout in separate lanes, so a few slow commands cannot hold a poll back (and the
reverse).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from bot.config import ScoutSettings
from bot.health import SCOUT, UpstreamHealth
from bot.scout import EphemerisQuery, ScoutClient, ScoutUnavailable
from tests.fakes import FakeClock
from tests.recorded import object_sample, payload
from tests.scout.conftest import BASE_URL
from tests.scout.helpers import InFlight

SUMMARY = payload("summary.json")
ZTF10DD = object_sample("ZTF10DD")
# Longer than any test may take: a call that is not cut off fails the test, never hangs it.
GIVE_UP_SECONDS = 10.0


class Trickle(httpx.AsyncByteStream):
    """A body that arrives one byte every ``interval`` seconds, for ever."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        while True:
            await asyncio.sleep(self.interval)
            yield b" "


def trickling(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=Trickle())


def client(
    http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth, **settings: Any
) -> ScoutClient:
    return ScoutClient(
        http,
        ScoutSettings(base_url=BASE_URL, **settings),
        health=health,
        sleep=clock.sleep,
        clock=clock.monotonic,
        rng=random.Random(7),
    )


@pytest.fixture
def mock() -> Any:
    with respx.mock(assert_all_called=False) as router:
        yield router


async def test_an_answer_trickled_a_byte_at_a_time_is_given_up_at_the_deadline(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, timeout_seconds=3, deadline_seconds=0.3)
    mock.get(BASE_URL).mock(side_effect=trickling)

    with pytest.raises(ScoutUnavailable) as caught:
        await asyncio.wait_for(scout.object("ZTF10DD"), GIVE_UP_SECONDS)

    assert caught.value.detail == "no complete answer within 0.3 s"
    assert health.get(SCOUT).ok is False
    assert health.get(SCOUT).last_error == "no complete answer within 0.3 s"


async def test_the_deadline_covers_the_retries(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, retry_budget_seconds=300, deadline_seconds=5)
    mock.get(BASE_URL).mock(return_value=httpx.Response(503))
    started = clock.monotonic()

    with pytest.raises(ScoutUnavailable):
        await scout.object("ZTF10DD")

    assert clock.monotonic() - started <= 5
    assert clock.slept  # it did retry, within the deadline


async def test_every_caller_of_a_shared_call_is_answered_at_its_deadline(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, deadline_seconds=0.3)
    route = mock.get(BASE_URL).mock(side_effect=trickling)

    results = await asyncio.wait_for(
        asyncio.gather(*(scout.summary() for _ in range(5)), return_exceptions=True),
        GIVE_UP_SECONDS,
    )

    assert all(isinstance(result, ScoutUnavailable) for result in results)
    assert route.call_count == 1


async def test_the_watchers_poll_is_not_queued_behind_slow_commands(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, max_in_flight=4, deadline_seconds=GIVE_UP_SECONDS)
    stuck = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        if "tdes" in request.url.params:
            await stuck.wait()  # every command's request hangs
            return httpx.Response(503)
        return httpx.Response(200, json=SUMMARY)

    mock.get(BASE_URL).mock(side_effect=answer)
    commands = [asyncio.create_task(scout.object(f"OBJ{n}")) for n in range(6)]
    await asyncio.sleep(0.05)

    summary = await asyncio.wait_for(scout.background().summary(fresh=True), 2.0)

    assert len(summary.objects) == 33
    stuck.set()
    await asyncio.gather(*commands, return_exceptions=True)


@pytest.mark.parametrize("watchers_request", ["poll", "site figures"])
async def test_commands_are_not_queued_behind_the_watchers_slow_requests(
    mock: Any,
    http: httpx.AsyncClient,
    clock: FakeClock,
    health: UpstreamHealth,
    watchers_request: str,
) -> None:
    """The watcher's polls and its alerts' site figures take its own lane."""
    scout = client(http, clock, health, max_in_flight=2, deadline_seconds=GIVE_UP_SECONDS)
    stuck = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("tdes") in (None, "P21abcd"):
            await stuck.wait()  # the watcher's request hangs
            return httpx.Response(503)
        return httpx.Response(200, json=ZTF10DD)

    mock.get(BASE_URL).mock(side_effect=answer)
    watcher = scout.background()
    if watchers_request == "poll":
        slow = asyncio.create_task(watcher.summary(fresh=True))
    else:
        query = EphemerisQuery.build("P21abcd", obs_code="G96")
        slow = asyncio.create_task(watcher.ephemeris(query))
    await asyncio.sleep(0.05)

    obj = await asyncio.wait_for(scout.object("ZTF10DD"), 2.0)

    assert obj.designation == "ZTF10DD"
    stuck.set()
    await asyncio.gather(slow, return_exceptions=True)


async def test_a_poll_does_not_join_a_commands_fetch_but_a_command_joins_a_polls(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, max_in_flight=4)
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=SUMMARY)

    route = mock.get(BASE_URL).mock(side_effect=slow)
    command = asyncio.create_task(scout.summary())
    await asyncio.sleep(0.01)
    poll = asyncio.create_task(scout.background().summary(fresh=True))
    await asyncio.sleep(0.01)
    second_command = asyncio.create_task(scout.summary())
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(command, poll, second_command)

    assert route.call_count == 2  # the poll asked on its own; the second command joined


async def test_all_lanes_together_stay_within_max_in_flight(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, max_in_flight=3)
    in_flight = InFlight()
    mock.get(BASE_URL).mock(side_effect=in_flight)
    await asyncio.gather(
        *(scout.object(f"OBJ{n}") for n in range(8)), scout.background().summary(fresh=True)
    )

    assert in_flight.peak == 3


async def test_with_a_single_slot_both_lanes_share_it(
    mock: Any, http: httpx.AsyncClient, clock: FakeClock, health: UpstreamHealth
) -> None:
    scout = client(http, clock, health, max_in_flight=1)
    in_flight = InFlight()
    mock.get(BASE_URL).mock(side_effect=in_flight)
    await asyncio.gather(scout.object("ZTF10DD"), scout.background().summary(fresh=True))

    assert in_flight.peak == 1
