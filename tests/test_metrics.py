"""The Prometheus endpoint, scraped over HTTP on 127.0.0.1 as a Prometheus server would."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.alerts.delivery import DeliveryFailed
from bot.client import ScoutBot
from bot.config import Settings
from bot.followup import ObjectKey
from bot.followup.buttons import ButtonAction
from bot.health import MPC, SCOUT
from bot.metrics import Metrics, MetricsUnavailable
from bot.neocp import AlertFilter
from bot.scout.errors import ScoutUnavailable
from bot.store import NewSubscription, Store
from cogs.followup.items import StatusButton
from cogs.scout.object_buttons import ObjectButton, ObjectMode
from cogs.scout.tonight import SiteEphemerisButton
from tests.alerts.helpers import FakeSender, make_watcher
from tests.builders import scout_object, summary_of
from tests.fakes import T0, FakeClock, FakeScout

GUILD, CHANNEL, OTHER_CHANNEL = 1, 10, 11


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics: (name, sorted labels) -> value."""
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


@pytest.fixture
def metrics() -> Iterator[tuple[Metrics, int]]:
    served = Metrics()
    port = served.serve("127.0.0.1", 0)
    yield served, port
    served.stop()


def test_the_endpoint_listens_on_the_port_it_was_given_or_a_free_one(
    metrics: tuple[Metrics, int],
) -> None:
    _, port = metrics
    assert port > 0
    samples = scrape(port)
    # Every outcome is there from the start, at zero: a rate() needs the series to exist.
    for outcome in ("ok", "first_list", "upstream_error", "rejected", "error"):
        assert samples[("scoutbot_polls_total", (("outcome", outcome),))] == 0
    assert samples[("scoutbot_deliveries_total", (("result", "sent"),))] == 0


def test_a_port_already_taken_is_one_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(MetricsUnavailable, match=f"cannot listen on 127.0.0.1:{port}"):
            Metrics().serve("127.0.0.1", port)


def test_stopping_closes_the_port(metrics: tuple[Metrics, int]) -> None:
    served, port = metrics
    served.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)


# --- what the watcher reports -------------------------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite:///{tmp_path}/metrics.db")
    for channel in (CHANNEL, OTHER_CHANNEL):
        await opened.save_subscription(
            NewSubscription(guild_id=GUILD, channel_id=channel, filter=AlertFilter(), created_by=5)
        )
    yield opened
    await opened.close()


async def test_polls_events_deliveries_and_the_outbox_depth_are_scraped(
    store: Store, metrics: tuple[Metrics, int]
) -> None:
    served, port = metrics
    a, b, c = (scout_object(name) for name in ("P21aaaa", "P21bbbb", "P21cccc"))
    scout = FakeScout(summary_of([a, b])).then(
        summary_of([a, b, c]),  # one new object
        ScoutUnavailable("Scout answered 503"),
        summary_of([a, c]),  # b missing: removed once a second poll confirms it
    )
    sender = FakeSender()
    sender.fail(OTHER_CHANNEL, DeliveryFailed("Discord 500"))  # retried next round
    clock = FakeClock()
    watcher = make_watcher(store, scout, sender, clock, guilds=[GUILD], metrics=served)
    for _ in range(5):
        clock.advance(minutes=2)
        await watcher.run_cycle()

    samples = scrape(port)
    polls = {
        outcome: samples[("scoutbot_polls_total", (("outcome", outcome),))]
        for outcome in ("first_list", "ok", "upstream_error")
    }
    assert polls == {"first_list": 1, "ok": 3, "upstream_error": 1}
    assert samples[("scoutbot_neocp_events_total", (("kind", "new"),))] == 1
    assert samples[("scoutbot_neocp_events_total", (("kind", "removed"),))] == 1
    assert samples[("scoutbot_deliveries_total", (("result", "sent"),))] == len(sender.messages)
    assert samples[("scoutbot_deliveries_total", (("result", "retried"),))] == 1
    assert samples[("scoutbot_outbox_depth", ())] == 0  # the retried one went out later


# --- upstream latency and errors, command latency ------------------------------------------


async def test_upstream_requests_are_timed_by_service() -> None:
    metrics = Metrics()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        metrics.instrument(
            client,
            {
                "https://ssd-api.jpl.nasa.gov/scout.api": "scout",
                "https://data.minorplanetcenter.net/api/action-codes/retrieve": "mpc",
            },
        )
        await client.get("https://ssd-api.jpl.nasa.gov/scout.api")
        await client.get("https://ssd-api.jpl.nasa.gov/scout.api?tdes=P21aaaa")
        await client.post("https://data.minorplanetcenter.net/api/action-codes/retrieve")
    registry = metrics.registry
    assert (
        registry.get_sample_value("scoutbot_upstream_request_seconds_count", {"service": "scout"})
        == 2
    )
    assert (
        registry.get_sample_value("scoutbot_upstream_request_seconds_count", {"service": "mpc"})
        == 1
    )


async def test_the_bot_counts_upstream_failures_and_times_its_commands() -> None:
    bot = ScoutBot(Settings())
    async with bot:
        bot.health.record_failure(SCOUT, "HTTP 503")
        bot.health.record_failure(SCOUT, "timed out")
        bot.health.record_failure(MPC, "HTTP 500")
        bot.metrics.command_answered("scout object", seconds=0.4, failed=False)
        bot.metrics.command_answered("scout object", seconds=2.5, failed=True)
        get = bot.metrics.registry.get_sample_value
        assert get("scoutbot_upstream_errors_total", {"service": "scout"}) == 2
        assert get("scoutbot_upstream_errors_total", {"service": "mpc"}) == 1
        ok = {"command": "scout object", "outcome": "ok"}
        failed = {"command": "scout object", "outcome": "error"}
        assert get("scoutbot_command_seconds_count", ok) == 1
        assert get("scoutbot_command_seconds_bucket", {**failed, "le": "3.0"}) == 1
        assert get("scoutbot_command_seconds_bucket", {**failed, "le": "2.0"}) == 0
        # The bot's HTTP client is timed, with Scout's and the MPC's hosts as the labels.
        assert bot.http_client.event_hooks["response"]


def test_button_presses_are_labelled_by_the_button_and_what_it_does() -> None:
    key = ObjectKey(designation="P21abcd", first_seen=T0)
    assert StatusButton(ButtonAction.NOT_FOUND, key, None).metric_name() == "status_not_found"
    assert StatusButton(ButtonAction.UNDO, key, None).metric_name() == "status_undo"
    assert ObjectButton("P21abcd", ObjectMode.EPHEMERIS).metric_name() == "object_eph"
    assert SiteEphemerisButton("G96", "P21abcd").metric_name() == "site_ephemeris"
