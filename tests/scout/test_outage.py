"""Scout marked down: after a call gave up, commands are answered at once, not after 40 s."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx

from bot.scout import ScoutClient, ScoutUnavailable
from bot.scout.outage import Outage, ScoutDown, in_minutes
from tests.fakes import T0, FakeClock
from tests.recorded import object_sample, payload
from tests.scout.conftest import BASE_URL

SUMMARY = payload("summary.json")
PAUSE = 120.0  # scout.down_pause_seconds, as configured by default


@pytest.fixture
def mock() -> Iterator[Any]:
    with respx.mock(assert_all_called=False) as router:
        yield router


async def _gives_up(scout: ScoutClient, mock: Any) -> Any:
    route = mock.get(BASE_URL).mock(return_value=httpx.Response(503))
    with pytest.raises(ScoutDown):
        await scout.summary()
    return route


async def test_after_a_call_gave_up_the_next_command_is_refused_without_asking(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    route = await _gives_up(scout, mock)
    sent = route.call_count
    slept = len(clock.slept)

    with pytest.raises(ScoutDown) as caught:
        await scout.object("ZTF10DD")

    assert route.call_count == sent and len(clock.slept) == slept  # no request, no wait
    assert isinstance(caught.value, ScoutUnavailable)  # answered as any outage is
    assert scout.outage.down


async def test_a_fresh_cached_answer_is_still_given_while_scout_is_down(
    mock: Any, scout: ScoutClient
) -> None:
    route = mock.get(BASE_URL)
    route.mock(return_value=httpx.Response(200, json=SUMMARY))
    listed = await scout.summary()
    route.mock(return_value=httpx.Response(503))
    with pytest.raises(ScoutDown):
        await scout.object("NOTLIST")

    assert await scout.summary() is listed


async def test_the_watchers_lane_keeps_asking_and_its_answer_ends_the_outage(
    mock: Any, scout: ScoutClient
) -> None:
    route = await _gives_up(scout, mock)
    route.mock(return_value=httpx.Response(200, json=SUMMARY))

    await scout.background().summary(fresh=True)

    assert not scout.outage.down
    route.mock(return_value=httpx.Response(200, json=object_sample("ZTF10DD")))
    assert (await scout.object("ZTF10DD")).designation == "ZTF10DD"


async def test_after_the_pause_a_command_asks_scout_again(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    route = await _gives_up(scout, mock)
    clock.advance(PAUSE)
    route.mock(return_value=httpx.Response(200, json=object_sample("ZTF10DD")))

    assert (await scout.object("ZTF10DD")).designation == "ZTF10DD"
    assert not scout.outage.down


def test_the_answer_says_since_when_until_when_and_where_to_look() -> None:
    clock = FakeClock()
    outage = Outage(clock.monotonic, PAUSE, utc=clock.utc)
    outage.gave_up("HTTP 503")
    clock.advance(minutes=1)

    error = outage.error()

    assert error is not None
    assert error.message == (
        f"JPL Scout did not answer at {T0:%H:%M} UTC. I'll ask it again from "
        f"{T0 + timedelta(seconds=PAUSE):%H:%M} UTC (in 1 min): try then. "
        "Scout's own page shows whether it is up: <https://cneos.jpl.nasa.gov/scout/>"
    )
    assert error.detail == "HTTP 503"  # for the log, not the person


def test_not_down_before_any_failure_nor_once_the_pause_is_over() -> None:
    clock = FakeClock()
    outage = Outage(clock.monotonic, PAUSE, utc=clock.utc)
    assert outage.error() is None
    outage.gave_up("timed out")
    clock.advance(PAUSE)
    assert not outage.down and outage.error() is None


@pytest.mark.parametrize(
    ("seconds", "shown"), [(20, "in under a minute"), (60, "in 1 min"), (119, "in 2 min")]
)
def test_the_countdown_reads_at_a_glance(seconds: float, shown: str) -> None:
    assert in_minutes(timedelta(seconds=seconds)) == shown


async def test_a_poll_that_gave_up_does_not_refuse_commands(mock: Any, scout: ScoutClient) -> None:
    route = mock.get(BASE_URL).mock(return_value=httpx.Response(503))
    with pytest.raises(ScoutUnavailable):
        await scout.background().summary(fresh=True)
    route.mock(return_value=httpx.Response(200, json=object_sample("ZTF10DD")))

    assert not scout.outage.down
    assert (await scout.object("ZTF10DD")).designation == "ZTF10DD"
