"""Fixtures of the end-to-end suite: one set of fakes and one bot process per test module.

A module customises its bot by overriding ``bot_env`` (extra environment variables) and
its world by overriding ``world``. Every fixture here is module-scoped and runs in the
module's event loop, so tests of a module must be marked
``pytest.mark.asyncio(loop_scope="module")`` (each module's ``pytestmark`` does it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.conftest import FIXTURES
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_upstreams import FakeMpc, FakeScout
from tests.e2e.harness import BotProcess, World, bot_environment, build_world, running_bot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    discord = FakeDiscord()
    await discord.start()
    yield discord
    await discord.stop()


@pytest.fixture(scope="module")
def world(fake_discord: FakeDiscord) -> World:
    return build_world(fake_discord)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_scout() -> AsyncIterator[FakeScout]:
    scout = FakeScout(FIXTURES)
    await scout.start()
    yield scout
    await scout.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_mpc() -> AsyncIterator[FakeMpc]:
    mpc = FakeMpc()
    await mpc.start()
    yield mpc
    await mpc.stop()


@pytest.fixture
def healthy_scout(fake_scout: FakeScout) -> Iterator[FakeScout]:
    """The fake Scout, healed and prompt again after the test (modules whose scenarios
    make it fail use it for every test: ``pytestmark = SCENARIOS_THAT_BREAK_SCOUT``)."""
    yield fake_scout
    fake_scout.heal()
    fake_scout.latency = 0.0


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    """Extra environment for this module's bot (override in the module)."""
    return {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    fake_discord: FakeDiscord,
    fake_scout: FakeScout,
    fake_mpc: FakeMpc,
    world: World,
    bot_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BotProcess]:
    """The bot, started and ready (on_ready ran). Stopping it at the end checks that it
    exits cleanly on SIGTERM, that nothing in its log is a traceback and that it called
    no Discord route the fake does not know."""
    workdir: Path = tmp_path_factory.mktemp("bot")
    env = bot_environment(
        fake_discord, fake_scout.url, fake_mpc.url, workdir / "scoutbot.db", bot_env
    )
    async with running_bot(env, workdir) as process:
        yield process
    assert fake_discord.unhandled == [], "the bot called Discord routes the fake does not know"
    assert fake_discord.refused == [], "Discord would have refused some of what the bot sent"
