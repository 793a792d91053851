"""The action-code client against a mocked MPC: every response class, the retry, the limits."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
import respx

from bot import health as services
from bot.config import MpcSettings
from bot.errors import RateLimited, UpstreamError
from bot.health import UpstreamHealth
from bot.mpc import ActionCodeClient, MpcRefused, MpcUnavailable, parse_label
from bot.mpc.client import MAX_QUEUE_SECONDS, RETRY_BACKOFF_SECONDS
from tests.fakes import FakeClock

URL = "https://mpc.test/api/action-codes/retrieve"
USER = 42
TRKSUB = parse_label("A10cnQO")


@pytest.fixture
def settings() -> MpcSettings:
    return MpcSettings(action_codes_url=URL, timeout_seconds=20, per_user_per_hour=5)


@pytest.fixture
def mpc(
    http: httpx.AsyncClient, settings: MpcSettings, health: UpstreamHealth, clock: FakeClock
) -> ActionCodeClient:
    return ActionCodeClient(
        http,
        settings,
        health=health,
        clock=clock.monotonic,
        wall_clock=clock.wall,
        sleep=clock.sleep,
    )


@pytest.fixture
def route(respx_mock: respx.MockRouter) -> respx.Route:
    return respx_mock.post(URL)


async def ask(mpc: ActionCodeClient, label: str = "A10cnQO", user_id: int = USER) -> object:
    return await mpc.request(mpc.reserve(parse_label(label), user_id=user_id))


def relative_time(clock: FakeClock, seconds: float) -> str:
    return f"<t:{int(clock.wall() + seconds)}:R>"


class TestTheRequest:
    async def test_posts_the_trimmed_label_as_json_to_the_configured_url(
        self, mpc: ActionCodeClient, route: respx.Route
    ) -> None:
        route.respond(200, json={})
        await ask(mpc, "  2024-05-02T21:03:35.001_0000FzZw_01\n")
        request = route.calls.last.request
        assert request.method == "POST"
        assert str(request.url) == URL
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == {"label": "2024-05-02T21:03:35.001_0000FzZw_01"}

    async def test_waits_as_long_as_the_mpc_setting_says(
        self, mpc: ActionCodeClient, route: respx.Route
    ) -> None:
        route.respond(200)
        await ask(mpc)
        timeout = route.calls.last.request.extensions["timeout"]
        assert timeout["read"] == 20  # not the shared client's Scout timeout


class TestAccepted:
    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (200, b""),
            (200, b"{}"),
            (200, b"null"),
            (200, b"not json at all"),
            (200, b'{"status": "error"}'),  # vacuous by design: the body decides nothing
            (201, b"{}"),
            (202, b""),
            (204, b""),
        ],
    )
    async def test_any_2xx_is_accepted_whatever_its_body(
        self,
        mpc: ActionCodeClient,
        route: respx.Route,
        health: UpstreamHealth,
        status: int,
        body: bytes,
    ) -> None:
        route.respond(status, content=body)
        result = await ask(mpc)
        assert result.status_code == status  # type: ignore[attr-defined]
        assert result.label == TRKSUB  # type: ignore[attr-defined]
        assert health.get(services.MPC).ok is True

    async def test_logs_user_format_and_outcome_but_not_the_label(
        self, mpc: ActionCodeClient, route: respx.Route, caplog: pytest.LogCaptureFixture
    ) -> None:
        route.respond(200)
        with caplog.at_level(logging.INFO, logger="bot.mpc"):
            await ask(mpc, "A1-_b2c3")
        assert "user=42 format=trksub or trkid outcome=accepted (HTTP 200)" in caplog.text
        assert "A1-_b2c3" not in caplog.text


class TestRefusedByTheMpc:
    @pytest.mark.parametrize(
        ("status", "kwargs", "shown"),
        [
            (400, {"json": {"message": "Label not found."}}, "Label not found."),
            (404, {"json": {"detail": "No such submission"}}, "No such submission"),
            (404, {"json": {"error": "unknown label"}}, "unknown label"),
            (404, {"json": "unknown label"}, "unknown label"),
            (
                422,
                {"json": {"detail": [{"loc": ["body", "label"], "msg": "field required"}]}},
                "field required",
            ),
            (400, {"text": "Bad label\n  format"}, "Bad label format"),
        ],
    )
    async def test_a_4xx_is_refused_with_the_mpcs_own_words(
        self,
        mpc: ActionCodeClient,
        route: respx.Route,
        status: int,
        kwargs: dict[str, object],
        shown: str,
    ) -> None:
        route.respond(status, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(MpcRefused) as caught:
            await ask(mpc)
        assert str(caught.value) == f"The MPC refused the request (HTTP {status}): {shown}"
        assert caught.value.status_code == status
        assert caught.value.service == services.MPC
        assert route.call_count == 1  # a refusal is final: no retry

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"html": "<html><body><h1>Not Found</h1></body></html>"},
            {"json": {"message": "   "}},
            {"json": {"unrelated": 1}},
            {"json": [1, 2]},
            {"content": b"{broken", "headers": {"Content-Type": "application/json"}},
            {},
        ],
    )
    async def test_a_4xx_without_a_readable_sentence_says_so(
        self, mpc: ActionCodeClient, route: respx.Route, kwargs: dict[str, object]
    ) -> None:
        route.respond(404, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(MpcRefused, match=r"^The MPC refused the request \(HTTP 404\) without"):
            await ask(mpc)

    async def test_a_long_message_is_cut_and_cannot_break_out_of_markdown(
        self, mpc: ActionCodeClient, route: respx.Route
    ) -> None:
        route.respond(400, json={"message": "`x` " + "y" * 1000})
        with pytest.raises(MpcRefused) as caught:
            await ask(mpc)
        message = str(caught.value)
        assert "`" not in message
        assert message.endswith("…")
        assert len(message) < 400

    @pytest.mark.parametrize("status", [400, 404, 422])
    async def test_refusing_a_label_counts_as_the_mpc_answering(
        self, mpc: ActionCodeClient, route: respx.Route, health: UpstreamHealth, status: int
    ) -> None:
        route.respond(status, json={"message": "no"})
        with pytest.raises(MpcRefused):
            await ask(mpc)
        assert health.get(services.MPC).ok is True

    @pytest.mark.parametrize("status", [401, 403, 405, 410])
    async def test_other_4xx_mean_something_is_wrong_with_the_bot(
        self, mpc: ActionCodeClient, route: respx.Route, health: UpstreamHealth, status: int
    ) -> None:
        route.respond(status, json={"message": "Forbidden"})
        with pytest.raises(MpcRefused, match="Forbidden"):
            await ask(mpc)
        assert health.get(services.MPC).ok is False
        assert health.get(services.MPC).last_error == f"HTTP {status}"


class TestTooManyRequests:
    async def test_a_429_tells_the_user_when_to_try_again(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock, health: UpstreamHealth
    ) -> None:
        route.respond(429, headers={"Retry-After": "120"})
        with pytest.raises(RateLimited) as caught:
            await ask(mpc)
        assert caught.value.retry_after == 120
        assert str(caught.value) == (
            f"The MPC has asked the bot to slow down; try again {relative_time(clock, 120)}."
        )
        assert route.call_count == 1  # never retried into a 429
        assert health.get(services.MPC).ok is False

    async def test_after_a_429_nobody_is_sent_until_the_mpc_said(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        route.respond(429, headers={"Retry-After": "120"})
        with pytest.raises(RateLimited):
            await ask(mpc, user_id=1)
        clock.advance(100)
        with pytest.raises(RateLimited, match="slow down") as caught:
            mpc.reserve(TRKSUB, user_id=2)
        assert caught.value.retry_after == 20
        assert route.call_count == 1
        clock.advance(20)
        route.respond(200)
        await ask(mpc, user_id=2)
        assert route.call_count == 2

    async def test_a_retry_after_date_is_understood(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        moment = datetime.fromtimestamp(clock.wall() + 300, tz=UTC)
        route.respond(429, headers={"Retry-After": format_datetime(moment, usegmt=True)})
        with pytest.raises(RateLimited) as caught:
            await ask(mpc)
        assert caught.value.retry_after == pytest.approx(300, abs=1)

    @pytest.mark.parametrize(
        ("header", "pause"),
        [(None, 60), ("soon", 60), ("0", 1), ("-5", 1), ("999999", 3600), ("nan", 60)],
    )
    async def test_a_missing_or_odd_retry_after_gives_a_sane_pause(
        self,
        mpc: ActionCodeClient,
        route: respx.Route,
        header: str | None,
        pause: float,
    ) -> None:
        route.respond(429, headers={"Retry-After": header} if header else {})
        with pytest.raises(RateLimited) as caught:
            await ask(mpc)
        assert caught.value.retry_after == pause


class TestUnreachable:
    async def test_a_5xx_is_retried_once_after_a_backoff(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock, health: UpstreamHealth
    ) -> None:
        route.side_effect = [httpx.Response(503), httpx.Response(200)]
        result = await ask(mpc)
        assert result.status_code == 200  # type: ignore[attr-defined]
        assert route.call_count == 2
        assert clock.slept == [RETRY_BACKOFF_SECONDS]
        assert health.get(services.MPC).ok is True

    async def test_a_timeout_is_retried_once(
        self, mpc: ActionCodeClient, route: respx.Route
    ) -> None:
        route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200)]
        await ask(mpc)
        assert route.call_count == 2

    @pytest.mark.parametrize(
        ("failure", "reason"),
        [
            (httpx.Response(500), "it answered HTTP 500"),
            (httpx.Response(503), "it answered HTTP 503"),
            (httpx.ReadTimeout("slow"), "no answer within 20 s"),
            (httpx.ConnectTimeout("slow"), "no answer within 20 s"),
            (httpx.ConnectError("refused"), "connection failed (ConnectError)"),
            (httpx.RemoteProtocolError("eof"), "connection failed (RemoteProtocolError)"),
        ],
    )
    async def test_a_second_failure_says_the_mpc_could_not_be_reached(
        self,
        mpc: ActionCodeClient,
        route: respx.Route,
        health: UpstreamHealth,
        caplog: pytest.LogCaptureFixture,
        failure: httpx.Response | Exception,
        reason: str,
    ) -> None:
        route.side_effect = [failure, failure]
        with pytest.raises(MpcUnavailable) as caught:
            await ask(mpc)
        assert str(caught.value) == (
            f"The MPC could not be reached ({reason}, twice); try again later. "
            "If the request did get through, the e-mail will still arrive."
        )
        assert isinstance(caught.value, UpstreamError)
        assert caught.value.service == services.MPC
        assert route.call_count == 2  # one retry, not more
        assert health.get(services.MPC).last_error == reason
        assert f"user=42 format=trksub outcome=unreachable: {reason}" in caplog.text

    async def test_a_5xx_then_a_4xx_is_a_refusal(
        self, mpc: ActionCodeClient, route: respx.Route
    ) -> None:
        route.side_effect = [httpx.Response(502), httpx.Response(404, json={"message": "nope"})]
        with pytest.raises(MpcRefused, match="nope"):
            await ask(mpc)

    async def test_an_answer_the_bot_cannot_read_is_not_called_a_success(
        self, settings: MpcSettings, health: UpstreamHealth, clock: FakeClock
    ) -> None:
        # A redirect that is not followed: the shared client follows them, another may not.
        transport = httpx.MockTransport(lambda request: httpx.Response(302))
        async with httpx.AsyncClient(transport=transport) as plain:
            client = ActionCodeClient(plain, settings, health=health, sleep=clock.sleep)
            with pytest.raises(MpcUnavailable, match=r"does not understand \(HTTP 302\)"):
                await ask(client)
        assert health.get(services.MPC).ok is False

    async def test_no_retry_while_the_mpc_has_asked_for_a_pause(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        def fail_while_another_request_gets_a_429(request: httpx.Request) -> httpx.Response:
            mpc._pacer.pause_until(clock.monotonic() + 600)
            return httpx.Response(503)

        route.side_effect = fail_while_another_request_gets_a_429
        with pytest.raises(MpcUnavailable) as caught:
            await ask(mpc)
        assert route.call_count == 1
        assert "(it answered HTTP 503);" in str(caught.value)  # not "twice"


class TestPerUserLimit:
    async def test_the_sixth_request_in_an_hour_is_refused_with_when_to_retry(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        route.respond(200)
        for _ in range(5):
            await ask(mpc)
            clock.advance(60)
        with pytest.raises(RateLimited) as caught:
            mpc.reserve(TRKSUB, user_id=USER)
        # The first request (5 minutes ago, counting the sleeps) leaves the window first.
        wait = 3600 - 300
        assert caught.value.retry_after == wait
        assert str(caught.value) == (
            "You have asked for 5 action codes in the last hour, the most allowed "
            f"(each request may send someone an e-mail); try again {relative_time(clock, wait)}."
        )
        assert route.call_count == 5

    async def test_every_request_sent_counts_whatever_the_mpc_answered(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        route.side_effect = [httpx.Response(404)] * 5
        for _ in range(5):
            with pytest.raises(MpcRefused):
                await ask(mpc)
            clock.advance(10)
        with pytest.raises(RateLimited):
            mpc.reserve(TRKSUB, user_id=USER)

    async def test_others_may_still_ask(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        route.respond(200)
        for _ in range(5):
            await ask(mpc, user_id=1)
            clock.advance(10)
        await ask(mpc, user_id=2)

    async def test_the_limit_comes_from_the_settings(
        self, http: httpx.AsyncClient, health: UpstreamHealth, clock: FakeClock
    ) -> None:
        settings = MpcSettings(action_codes_url=URL, per_user_per_hour=1)
        client = ActionCodeClient(http, settings, health=health, clock=clock.monotonic)
        client.reserve(TRKSUB, user_id=USER)
        with pytest.raises(RateLimited, match="asked for 1 action codes"):
            client.reserve(TRKSUB, user_id=USER)

    async def test_a_refusal_is_logged_with_user_and_format(
        self, mpc: ActionCodeClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        for _ in range(5):
            mpc.reserve(TRKSUB, user_id=USER)
        with caplog.at_level(logging.INFO, logger="bot.mpc"), pytest.raises(RateLimited):
            mpc.reserve(TRKSUB, user_id=USER)
        assert "user=42 format=trksub outcome=refused: per-user limit" in caplog.text


class TestGlobalLimit:
    async def test_requests_are_spaced_by_the_global_rate_retries_included(
        self,
        http: httpx.AsyncClient,
        health: UpstreamHealth,
        clock: FakeClock,
        route: respx.Route,
    ) -> None:
        settings = MpcSettings(action_codes_url=URL, global_per_second=2.0)
        client = ActionCodeClient(
            http, settings, health=health, clock=clock.monotonic, sleep=clock.sleep
        )
        sent_at: list[float] = []
        answers = iter([503, 200, 200, 503, 200, 200, 200])

        def answer(request: httpx.Request) -> httpx.Response:
            sent_at.append(clock.monotonic())
            return httpx.Response(next(answers))

        route.side_effect = answer
        # Five people ask at the same moment; the requests go out one by one.
        reservations = [client.reserve(TRKSUB, user_id=user) for user in range(5)]
        await asyncio.gather(*(client.request(reservation) for reservation in reservations))
        assert len(sent_at) == 7
        gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
        assert min(gaps) >= 0.5  # never faster than global_per_second, far below the MPC's 5

    async def test_a_request_held_up_before_sending_still_keeps_its_distance(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        sent_at: list[float] = []

        def answer(request: httpx.Request) -> httpx.Response:
            sent_at.append(clock.monotonic())
            return httpx.Response(200)

        route.side_effect = answer
        # Both admitted at once; the first is slow to acknowledge Discord, then both go.
        first = mpc.reserve(TRKSUB, user_id=1)
        second = mpc.reserve(TRKSUB, user_id=2)
        clock.advance(3)
        await mpc.request(first)
        await mpc.request(second)
        assert sent_at == [1003.0, 1004.0]

    async def test_a_full_queue_is_refused_with_when_to_retry(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        route.respond(200)
        await ask(mpc, user_id=0)  # the next turn is 1 s away
        clock.gate = asyncio.Event()  # hold every waiting request in the queue
        queued = [
            asyncio.create_task(ask(mpc, user_id=user))
            for user in range(1, int(MAX_QUEUE_SECONDS) + 1)
        ]
        await settle()
        # Ten requests wait for their turns in 1, 2, ..., 10 s: the eleventh would wait 11 s,
        # more than MAX_QUEUE_SECONDS.
        with pytest.raises(RateLimited) as caught:
            mpc.reserve(TRKSUB, user_id=999)
        assert caught.value.retry_after == 11
        assert str(caught.value) == (
            "Too many action-code requests are waiting for the MPC right now; "
            f"try again {relative_time(clock, 11)}."
        )
        clock.gate.set()
        await asyncio.gather(*queued)
        assert route.call_count == int(MAX_QUEUE_SECONDS) + 1  # the refused one never went
        # A refusal for the queue does not use up the user's hour.
        for _ in range(5):
            mpc.reserve(TRKSUB, user_id=999)

    async def test_a_request_that_finds_the_mpc_paused_is_refused_and_given_back(
        self, mpc: ActionCodeClient, route: respx.Route, clock: FakeClock
    ) -> None:
        reservation = mpc.reserve(TRKSUB, user_id=USER)
        # Between admission and sending, another request got a 429 asking for 10 minutes.
        mpc._pacer.pause_until(clock.monotonic() + 600)
        with pytest.raises(RateLimited, match="slow down") as caught:
            await mpc.request(reservation)
        assert caught.value.retry_after == 600
        assert route.call_count == 0
        clock.advance(600)
        for _ in range(5):  # the refused request did not count against the user's hour
            mpc.reserve(TRKSUB, user_id=USER)

    async def test_a_very_low_rate_still_lets_the_next_request_wait_its_turn(
        self, http: httpx.AsyncClient, health: UpstreamHealth, clock: FakeClock, route: respx.Route
    ) -> None:
        route.respond(200)
        settings = MpcSettings(action_codes_url=URL, global_per_second=0.05)  # one in 20 s
        client = ActionCodeClient(
            http, settings, health=health, clock=clock.monotonic, sleep=clock.sleep
        )
        await ask(client, user_id=1)
        await ask(client, user_id=2)
        assert clock.slept == [20]


class TestRelease:
    def test_a_released_reservation_does_not_count(self, mpc: ActionCodeClient) -> None:
        for _ in range(10):
            mpc.release(mpc.reserve(TRKSUB, user_id=USER))
        mpc.reserve(TRKSUB, user_id=USER)


async def settle() -> None:
    """Let every runnable task run until it blocks (no time passes)."""
    for _ in range(50):
        await asyncio.sleep(0)
