"""`scout-bot health`, as a container's HEALTHCHECK runs it beside the real bot process:
healthy while the bot is connected and its watcher polls, unhealthy once it has stopped."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from tests.e2e.fake_upstreams import FakeScout
from tests.e2e.harness import FAST_ALERTS_ENV, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return FAST_ALERTS_ENV


async def health(bot: BotProcess) -> tuple[int, str]:
    """Run `scout-bot health` in the bot's working directory with the bot's environment."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.launch",  # the bot's own command line, its fast test polls allowed
        "health",
        cwd=bot.workdir,
        env=bot.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, output.decode().strip()


async def test_the_running_bot_is_healthy_with_its_gateway_and_watcher(
    bot: BotProcess, fake_scout: FakeScout
) -> None:
    await fake_scout.wait_requests(1, mode="summary", within=30.0)  # the watcher polls
    heartbeat = bot.workdir / "data" / "heartbeat.json"
    assert heartbeat.exists()
    state = json.loads(heartbeat.read_text())
    assert state["gateway_connected"] is True
    assert state["loops"] == ["NEOCP watcher"]
    code, said = await health(bot)
    assert (code, said) == (0, "ok: gateway connected, running NEOCP watcher")


async def test_a_stopped_bot_is_unhealthy_and_says_why(bot: BotProcess) -> None:
    assert await bot.stop() == 0
    code, said = await health(bot)
    assert code == 1
    assert "no heartbeat" in said and "not running" in said
    await bot.start()  # the module's bot fixture stops it once more at the end
