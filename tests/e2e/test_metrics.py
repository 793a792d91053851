"""The Prometheus endpoint of the real bot process, scraped on 127.0.0.1 while it works:
its polls, its upstream requests and the commands it answered."""

from __future__ import annotations

import re

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import FAST_ALERTS_ENV, GENERAL, TEAM_GUILD, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {
        **FAST_ALERTS_ENV,
        "SCOUTBOT_METRICS__ENABLED": "true",
        "SCOUTBOT_METRICS__HOST": "127.0.0.1",
        "SCOUTBOT_METRICS__PORT": "0",  # any free port; the bot logs the one it got
    }


async def scrape(bot: BotProcess) -> dict[str, float]:
    line = await bot.wait_log("metrics on http://127.0.0.1:")
    port = re.search(r"127\.0\.0\.1:(\d+)/metrics", line)
    assert port is not None, line
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port[1]}/metrics", timeout=10)
    assert response.status_code == 200
    return {
        sample.name + str(dict(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_polls_and_scout_requests_are_counted(bot: BotProcess, fake_scout: FakeScout) -> None:
    await fake_scout.wait_requests(3, mode="summary", within=30.0)
    samples = await scrape(bot)
    assert samples["scoutbot_polls_total{'outcome': 'first_list'}"] == 1
    assert samples["scoutbot_polls_total{'outcome': 'ok'}"] >= 1
    assert samples["scoutbot_upstream_request_seconds_count{'service': 'scout'}"] >= 2
    assert samples["scoutbot_outbox_depth{}"] == 0


async def test_a_command_is_timed_under_its_name(
    bot: BotProcess, fake_discord: FakeDiscord
) -> None:
    await fake_discord.answer(
        await fake_discord.slash("about", guild_id=TEAM_GUILD, channel_id=GENERAL)
    )
    samples = await scrape(bot)
    assert samples["scoutbot_command_seconds_count{'command': 'about', 'outcome': 'ok'}"] == 1
