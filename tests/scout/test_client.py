"""The client against a mocked Scout: every error path, retries, cache and single flight."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from bot.config import ScoutSettings
from bot.errors import InvalidInput, NotFound, UpstreamError
from bot.health import SCOUT, UpstreamHealth
from bot.scout import (
    EphemerisQuery,
    ObjectNotFound,
    ScoutBadResponse,
    ScoutClient,
    ScoutRequestRefused,
    ScoutUnavailable,
    parse,
)
from tests.fakes import FakeClock
from tests.recorded import object_sample, payload
from tests.scout.conftest import BASE_URL
from tests.scout.helpers import InFlight

SUMMARY = payload("summary.json")
ORBITS = payload("object_A11EBEK_orbits_first50.json")
EPHEMERIS = payload("ephemeris_6J12821.json")
ZTF10DD = object_sample("ZTF10DD")
NOT_FOUND = {"error": "specified object does not exist"}


def _json(payload: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


@pytest.fixture
def mock() -> Any:
    with respx.mock(assert_all_called=False) as router:
        yield router


# --- answers ---------------------------------------------------------------------------------


async def test_summary_is_typed_and_kept_for_autocomplete(mock: Any, scout: ScoutClient) -> None:
    mock.get(BASE_URL).mock(return_value=_json(SUMMARY))
    assert scout.cached_summary() is None

    summary = await scout.summary()

    assert len(summary.objects) == 33
    assert scout.cached_summary() is summary
    assert mock.calls.last.request.url.params == httpx.QueryParams()  # summary: no parameters


async def test_object_is_served_from_a_fresh_summary(mock: Any, scout: ScoutClient) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(SUMMARY))
    await scout.summary()

    obj = await scout.object("A11EvW3")

    assert obj.rating == 3
    assert route.call_count == 1


async def test_object_asks_scout_when_the_summary_lacks_it(mock: Any, scout: ScoutClient) -> None:
    route = mock.get(BASE_URL, params={"tdes": "ZTF10DD"}).mock(return_value=_json(ZTF10DD))

    obj = await scout.object("  ZTF10DD ")

    assert obj.designation == "ZTF10DD" and obj.ca_dist == pytest.approx(0.92)
    assert dict(route.calls.last.request.url.params) == {"tdes": "ZTF10DD"}


async def test_plots_send_the_kinds_and_decode_the_images(mock: Any, scout: ScoutClient) -> None:
    png = b"\x89PNG fake"
    answer = {**ZTF10DD, "qr_e_fig": base64.b64encode(png).decode(), "moid_hist_fig": None}
    route = mock.get(BASE_URL).mock(return_value=_json(answer))

    plots = await scout.plots("ZTF10DD", ["el", "ca", "el"])

    assert route.calls.last.request.url.params["plot"] == "ca:el"
    assert plots.plots["qr_e_fig"] == png and plots.plots["moid_hist_fig"] is None


async def test_orbits_send_the_count(mock: Any, scout: ScoutClient) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(ORBITS))

    orbits = await scout.orbits("A11EBEK", count=50)

    params = route.calls.last.request.url.params
    assert (params["tdes"], params["orbits"], params["n-orbits"]) == ("A11EBEK", "1", "50")
    assert len(orbits.orbits) == 50


async def test_observations_and_file_list(mock: Any, scout: ScoutClient) -> None:
    mock.get(BASE_URL, params={"file": "mpc"}).mock(
        return_value=_json(payload("object_ZTF10DD_file_mpc.json"))
    )
    mock.get(BASE_URL, params={"file": "list"}).mock(
        return_value=_json(payload("object_ZTF10DC_file_list.json"))
    )

    observations = await scout.observations("ZTF10DD")
    files = await scout.file_list("ZTF10DC")

    assert len(observations.lines) == 4
    assert files.files[0].size == 486


async def test_ephemeris_sends_the_validated_query(mock: Any, scout: ScoutClient) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(EPHEMERIS))
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    query = EphemerisQuery.build(
        "6J12821", start=start, stop=start + timedelta(minutes=2), step="1m", obs_code="500"
    )

    eph = await scout.ephemeris(query)

    params = route.calls.last.request.url.params
    assert params["eph-start"] == start.strftime("%Y-%m-%dT%H:%M:%S")
    assert params["eph-step"] == "1m" and "obs-code" not in params  # 500 is the default
    assert len(eph.records) == 3


# --- bad input never reaches Scout -----------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.object("not a designation"),
        lambda s: s.object(""),
        lambda s: s.plots("P10vY9r", ["el", "xx"]),
        lambda s: s.plots("P10vY9r", []),
        lambda s: s.orbits("P10vY9r", count=0),
        lambda s: s.orbits("P10vY9r", count=1001),
    ],
    ids=["spaces", "empty", "plot-kind", "no-kinds", "zero-orbits", "too-many-orbits"],
)
async def test_bad_input_is_refused_before_any_request(
    mock: Any, scout: ScoutClient, call: Any
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(ZTF10DD))
    with pytest.raises(InvalidInput):
        await call(scout)
    assert route.call_count == 0


# --- Scout's own refusals --------------------------------------------------------------------


async def test_unknown_object_is_not_found(
    mock: Any, scout: ScoutClient, health: UpstreamHealth
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(NOT_FOUND))

    with pytest.raises(ObjectNotFound) as caught:
        await scout.object("ZZZZZZZ")

    assert isinstance(caught.value, NotFound)
    assert "ZZZZZZZ" in str(caught.value)
    assert route.call_count == 1  # not retried
    assert health.get(SCOUT).ok is True  # Scout answered; the object is simply gone


async def test_a_400_surfaces_scouts_message(
    mock: Any, scout: ScoutClient, health: UpstreamHealth, clock: FakeClock
) -> None:
    body = payload("error_400_bad_file_param.json")
    route = mock.get(BASE_URL).mock(return_value=_json(body, status=400))

    with pytest.raises(ScoutRequestRefused) as caught:
        await scout.observations("ZTF10DD")

    assert caught.value.detail == body["message"]
    assert body["message"] in str(caught.value)
    assert route.call_count == 1 and clock.slept == []
    assert health.get(SCOUT).ok is False


async def test_a_400_without_json_still_answers(mock: Any, scout: ScoutClient) -> None:
    mock.get(BASE_URL).mock(return_value=httpx.Response(400, text="<html>bad</html>"))
    with pytest.raises(ScoutRequestRefused, match="no reason given"):
        await scout.object("ZTF10DD")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<!DOCTYPE html><html>Maintenance</html>"),
        httpx.Response(200, content=b'{"objectName": "ZTF10DD", "nObs": 4, "ar'),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"nObs": 4}),
        httpx.Response(404, text="Not Found"),
        httpx.Response(405, text="Method Not Allowed"),
    ],
    ids=["html", "truncated", "array", "no-objectName", "404", "405"],
)
async def test_unreadable_answers_are_bad_responses_not_crashes(
    mock: Any, scout: ScoutClient, health: UpstreamHealth, response: httpx.Response
) -> None:
    route = mock.get(BASE_URL).mock(return_value=response)

    with pytest.raises(ScoutBadResponse) as caught:
        await scout.object("ZTF10DD")

    assert isinstance(caught.value, UpstreamError)
    assert "cannot read" in str(caught.value)  # the user's sentence, not the parser's
    assert route.call_count == 1
    assert health.get(SCOUT).ok is False


@pytest.mark.parametrize(
    "failure", [httpx.DecodingError("bad gzip"), httpx.TooManyRedirects("loop")]
)
async def test_request_errors_that_retrying_cannot_mend_are_bad_responses(
    mock: Any, scout: ScoutClient, clock: FakeClock, failure: Exception
) -> None:
    route = mock.get(BASE_URL).mock(side_effect=failure)

    with pytest.raises(ScoutBadResponse):
        await scout.object("ZTF10DD")
    assert route.call_count == 1 and clock.slept == []


# --- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503),
        httpx.Response(500),
        httpx.Response(502),
        httpx.Response(429),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("cut"),
    ],
    ids=["503", "500", "502", "429", "read-timeout", "connect-timeout", "connect", "protocol"],
)
async def test_transient_failures_are_retried(
    mock: Any, scout: ScoutClient, clock: FakeClock, health: UpstreamHealth, failure: Any
) -> None:
    route = mock.get(BASE_URL).mock(side_effect=[failure, failure, _json(ZTF10DD)])

    obj = await scout.object("ZTF10DD")

    assert obj.designation == "ZTF10DD"
    assert route.call_count == 3
    assert len(clock.slept) == 2
    assert health.get(SCOUT).ok is True


async def test_backoff_grows_with_jitter(mock: Any, scout: ScoutClient, clock: FakeClock) -> None:
    mock.get(BASE_URL).mock(side_effect=[httpx.Response(503)] * 4 + [_json(ZTF10DD)])

    await scout.object("ZTF10DD")

    # Each delay lies in [half, all] of 1, 2, 4, 8 seconds.
    for attempt, delay in enumerate(clock.slept):
        assert 2**attempt / 2 <= delay <= 2**attempt
    assert clock.slept == sorted(clock.slept)


async def test_jitter_spreads_the_delays(
    http: httpx.AsyncClient, settings: ScoutSettings, mock: Any
) -> None:
    delays = set()
    for seed in range(5):
        clock = FakeClock()
        client = ScoutClient(
            http,
            settings,
            health=UpstreamHealth(),
            sleep=clock.sleep,
            clock=clock.monotonic,
            rng=random.Random(seed),
        )
        mock.get(BASE_URL).mock(side_effect=[httpx.Response(503), _json(ZTF10DD)])
        await client.object("ZTF10DD")
        delays.add(clock.slept[0])
    assert len(delays) > 1


async def test_retry_after_seconds_is_honoured(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    mock.get(BASE_URL).mock(side_effect=[_json({}, 429, **{"Retry-After": "7"}), _json(ZTF10DD)])

    await scout.object("ZTF10DD")

    assert clock.slept[0] >= 7


async def test_retry_after_date_is_honoured(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    later = (datetime.now(UTC) + timedelta(seconds=12)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    mock.get(BASE_URL).mock(side_effect=[_json({}, 503, **{"Retry-After": later}), _json(ZTF10DD)])

    await scout.object("ZTF10DD")

    assert 9 <= clock.slept[0] <= 13


async def test_retry_after_beyond_the_budget_gives_up_at_once(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json({}, 503, **{"Retry-After": "3600"}))

    with pytest.raises(ScoutUnavailable):
        await scout.object("ZTF10DD")

    assert route.call_count == 1 and clock.slept == []


async def test_a_failing_scout_is_unavailable_within_the_budget(
    mock: Any,
    scout: ScoutClient,
    clock: FakeClock,
    health: UpstreamHealth,
    settings: ScoutSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    route = mock.get(BASE_URL).mock(return_value=httpx.Response(503))
    started = clock.monotonic()

    with caplog.at_level(logging.WARNING), pytest.raises(ScoutUnavailable) as caught:
        await scout.summary()

    assert str(caught.value).startswith("JPL Scout did not answer at ")
    assert "(in 2 min)" in str(caught.value) and "<https://cneos.jpl.nasa.gov/scout/>" in str(
        caught.value
    )
    assert caught.value.detail == "HTTP 503"
    assert clock.monotonic() - started <= settings.retry_budget_seconds
    assert route.call_count == len(clock.slept) + 1 >= 3
    assert health.get(SCOUT).ok is False and health.get(SCOUT).last_error == "HTTP 503"
    assert any("unavailable" in record.getMessage() for record in caplog.records)


async def test_a_zero_budget_means_one_attempt(
    http: httpx.AsyncClient, clock: FakeClock, mock: Any
) -> None:
    settings = ScoutSettings(base_url=BASE_URL, retry_budget_seconds=0)
    client = ScoutClient(
        http, settings, health=UpstreamHealth(), sleep=clock.sleep, clock=clock.monotonic
    )
    route = mock.get(BASE_URL).mock(side_effect=httpx.ConnectError("down"))

    with pytest.raises(ScoutUnavailable):
        await client.summary()
    assert route.call_count == 1


# --- economy ---------------------------------------------------------------------------------


async def test_identical_requests_in_flight_share_one_call(mock: Any, scout: ScoutClient) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return _json(SUMMARY)

    route = mock.get(BASE_URL).mock(side_effect=slow)
    callers = [asyncio.create_task(scout.summary()) for _ in range(100)]
    await asyncio.sleep(0)
    release.set()
    answers = await asyncio.gather(*callers)

    assert route.call_count == 1
    assert all(answer is answers[0] for answer in answers)


async def test_a_shared_failure_reaches_every_caller_once(mock: Any, scout: ScoutClient) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return _json(NOT_FOUND)

    route = mock.get(BASE_URL).mock(side_effect=slow)
    callers = [asyncio.create_task(scout.object("ZZZZZZZ")) for _ in range(10)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*callers, return_exceptions=True)

    assert route.call_count == 1
    assert all(isinstance(result, ObjectNotFound) for result in results)


async def test_a_caller_that_gives_up_does_not_cancel_the_others(
    mock: Any, scout: ScoutClient
) -> None:
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return _json(SUMMARY)

    route = mock.get(BASE_URL).mock(side_effect=slow)
    impatient = asyncio.create_task(scout.summary())
    patient = asyncio.create_task(scout.summary())
    await asyncio.sleep(0)
    impatient.cancel()
    release.set()

    summary = await patient
    assert len(summary.objects) == 33 and route.call_count == 1
    with pytest.raises(asyncio.CancelledError):
        await impatient


def _tasks_left() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


async def _until(condition: Any) -> None:
    for _ in range(50):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


async def test_a_poll_cancelled_during_its_retry_backoff_ends_there(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    # The watcher's poll is cancelled when the bot stops. Its fetch must end with it, not
    # go on retrying a failing Scout on its own after the bot has closed.
    route = mock.get(BASE_URL).mock(side_effect=httpx.ConnectError("refused"))
    clock.gate = asyncio.Event()  # the back-off lasts until the gate opens
    poll = asyncio.create_task(scout.background().summary(fresh=True))
    await _until(lambda: clock.slept)

    poll.cancel()
    with pytest.raises(asyncio.CancelledError):
        await poll
    clock.gate.set()  # a fetch still alive would wake from its back-off and retry now
    for _ in range(20):
        await asyncio.sleep(0)

    assert not _tasks_left()
    assert route.call_count == 1


async def test_a_caller_after_the_last_gave_up_starts_a_fetch_of_its_own(
    mock: Any, scout: ScoutClient
) -> None:
    release = asyncio.Event()
    asked: list[httpx.Request] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        await release.wait()
        return _json(SUMMARY)

    mock.get(BASE_URL).mock(side_effect=slow)
    impatient = asyncio.create_task(scout.summary())
    await _until(lambda: len(asked) == 1)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    later = asyncio.create_task(scout.summary())
    await _until(lambda: len(asked) == 2)
    release.set()

    assert len((await later).objects) == 33


async def test_closing_the_client_ends_the_fetches_under_way(
    mock: Any, scout: ScoutClient, clock: FakeClock
) -> None:
    route = mock.get(BASE_URL).mock(side_effect=httpx.ConnectError("refused"))
    clock.gate = asyncio.Event()
    command = asyncio.create_task(scout.summary())
    await _until(lambda: clock.slept)

    await scout.aclose()

    assert not _tasks_left() - {command}
    with pytest.raises(asyncio.CancelledError):
        await command
    assert route.call_count == 1


async def test_commands_use_all_but_the_watchers_slot_of_max_in_flight(
    http: httpx.AsyncClient, clock: FakeClock, mock: Any
) -> None:
    settings = ScoutSettings(base_url=BASE_URL, max_in_flight=2)
    client = ScoutClient(
        http, settings, health=UpstreamHealth(), sleep=clock.sleep, clock=clock.monotonic
    )
    in_flight = InFlight()
    mock.get(BASE_URL).mock(side_effect=in_flight)
    names = [f"OBJ{i}" for i in range(8)]
    answers = await asyncio.gather(*(client.object(name) for name in names))

    assert [answer.designation for answer in answers] == names
    assert in_flight.peak == 1  # the other slot is kept for the watcher's polls


async def test_a_fresh_summary_skips_the_cache_and_refreshes_it(
    mock: Any, scout: ScoutClient
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(SUMMARY))

    await scout.summary()
    await scout.summary(fresh=True)
    assert route.call_count == 2
    await scout.summary()
    assert route.call_count == 2


async def test_summary_lives_for_its_ttl(
    mock: Any, scout: ScoutClient, clock: FakeClock, settings: ScoutSettings
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(SUMMARY))

    await scout.summary()
    clock.advance(settings.summary_ttl_seconds - 1)
    await scout.summary()
    assert route.call_count == 1

    clock.advance(2)
    await scout.summary()
    assert route.call_count == 2


def _summary_with_last_run(designation: str, last_run: str) -> dict[str, Any]:
    payload = json.loads(json.dumps(SUMMARY))
    for row in payload["data"]:
        if row["objectName"] == designation:
            row["lastRun"] = last_run
    return payload


async def test_object_data_is_refetched_when_scout_reruns_the_object(
    mock: Any, scout: ScoutClient, clock: FakeClock, settings: ScoutSettings
) -> None:
    orbits_route = mock.get(BASE_URL, params={"orbits": "1"}).mock(return_value=_json(ORBITS))
    summary_route = mock.get(BASE_URL, params={}).mock(
        side_effect=[
            _json(SUMMARY),  # A11EBEK lastRun 2026-07-12 08:42, as in the orbits answer
            _json(_summary_with_last_run("A11EBEK", "2026-07-12 09:30")),
        ]
    )

    await scout.orbits("A11EBEK")
    await scout.summary()  # same lastRun: the orbits stay cached
    await scout.orbits("A11EBEK")
    assert orbits_route.call_count == 1

    clock.advance(settings.summary_ttl_seconds + 1)
    await scout.summary()  # Scout re-ran A11EBEK
    await scout.orbits("A11EBEK")
    assert orbits_route.call_count == 2
    assert summary_route.call_count == 2


async def test_object_data_expires_after_object_ttl(
    mock: Any, scout: ScoutClient, clock: FakeClock, settings: ScoutSettings
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(ORBITS))

    await scout.orbits("A11EBEK")
    clock.advance(settings.object_ttl_seconds - 1)
    await scout.orbits("A11EBEK")
    clock.advance(2)
    await scout.orbits("A11EBEK")

    assert route.call_count == 2


async def test_now_ephemerides_are_short_lived_and_fixed_times_last(
    mock: Any, scout: ScoutClient, clock: FakeClock, settings: ScoutSettings
) -> None:
    route = mock.get(BASE_URL).mock(return_value=_json(EPHEMERIS))
    now_query = EphemerisQuery.build("6J12821")
    fixed = EphemerisQuery.build("6J12821", start=datetime.now(UTC) + timedelta(hours=2))

    await scout.ephemeris(now_query)
    await scout.ephemeris(fixed)
    clock.advance(settings.now_ephemeris_ttl_seconds + 1)
    await scout.ephemeris(now_query)  # stale: asked again
    await scout.ephemeris(fixed)  # still fresh

    assert route.call_count == 3
    assert settings.object_ttl_seconds > settings.now_ephemeris_ttl_seconds


async def test_the_cache_is_bounded(http: httpx.AsyncClient, clock: FakeClock, mock: Any) -> None:
    settings = ScoutSettings(base_url=BASE_URL, cache_max_entries=2)
    client = ScoutClient(
        http, settings, health=UpstreamHealth(), sleep=clock.sleep, clock=clock.monotonic
    )
    route = mock.get(BASE_URL).mock(
        side_effect=lambda request: _json({**ZTF10DD, "objectName": request.url.params["tdes"]})
    )

    for name in ("AAA", "BBB", "CCC", "AAA"):
        await client.object(name)

    assert len(client._cache) == 2
    assert route.call_count == 4  # AAA was evicted (least recently used) and asked again


async def test_other_signature_version_is_logged_once_and_parsed(
    mock: Any, scout: ScoutClient, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    monkeypatch.setattr(parse, "_warned_versions", set())
    changed = {**ZTF10DD, "signature": {"source": "NASA/JPL Scout API", "version": "1.4"}}
    mock.get(BASE_URL).mock(return_value=_json(changed))

    with caplog.at_level(logging.WARNING):
        await scout.object("ZTF10DD")
        await scout.object("ZTF10DC")

    warnings = [r for r in caplog.records if "signature version" in r.getMessage()]
    assert len(warnings) == 1
