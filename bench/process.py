"""The bot (or the bare bot) as a process against the fakes, and its resident memory."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.fakes import BenchScout, TimedDiscord
from tests.conftest import FIXTURES
from tests.e2e.fake_upstreams import FakeMpc
from tests.e2e.harness import LAUNCHER, BotProcess, World, bot_environment, build_world
from tests.postgres import throwaway_schema

# Which database the bot's store is on: "sqlite" (a file in the rig's directory) or
# "postgresql" (a schema of its own in SCOUTBOT_TEST_DATABASE_URL's database); --database.
DATABASE = "sqlite"

REAL_BOT = LAUNCHER
BARE_BOT = "bench.bare_bot"


class BenchProcess(BotProcess):
    """``BotProcess`` that reads its resident memory."""

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    def rss_bytes(self) -> int:
        """Resident set size now, from /proc (psutil is not a dependency)."""
        return _status_kib(self.pid, "VmRSS") * 1024

    def peak_rss_bytes(self) -> int:
        return _status_kib(self.pid, "VmHWM") * 1024


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


@dataclass
class Rig:
    """One bot process with its own fakes."""

    discord: TimedDiscord
    scout: BenchScout
    mpc: FakeMpc
    world: World
    bot: BenchProcess
    workdir: Path
    database_url: str


PrepareHook = Callable[[Rig], Awaitable[None]]


@asynccontextmanager
async def rig(
    env: dict[str, str] | None = None,
    *,
    module: str = REAL_BOT,
    rate_limits: bool = False,
    scout_latency: float = 0.0,
    prepare: PrepareHook | None = None,
) -> AsyncIterator[Rig]:
    """Fakes, then the bot started against them (``prepare`` runs before the bot starts:
    it may add channels to the world or write subscriptions into the database)."""
    discord = TimedDiscord(rate_limits=rate_limits)
    scout = BenchScout(FIXTURES, latency=scout_latency)
    mpc = FakeMpc()
    await discord.start()
    await scout.start()
    await mpc.start()
    async with AsyncExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scout-bench-")))
        database_url = f"sqlite:///{workdir / 'scoutbot.db'}"
        if DATABASE == "postgresql":
            database_url = await stack.enter_async_context(throwaway_schema())
        world = build_world(discord, with_outside=False)
        environment = bot_environment(
            discord,
            scout.url,
            mpc.url,
            workdir / "scoutbot.db",
            {**(env or {}), "SCOUTBOT_DATABASE__URL": database_url},
        )
        process = BenchProcess(environment, workdir, module)
        setup = Rig(discord, scout, mpc, world, process, workdir, database_url)
        try:
            if prepare is not None:
                await prepare(setup)
            await process.start()
            yield setup
        finally:
            await process.stop()
            process.close()
            await discord.stop()
            await scout.stop()
            await mpc.stop()
            _report_problems(process)


def _report_problems(process: BenchProcess) -> None:
    """A traceback in the bot's log is a bug to report, not a reason to stop measuring:
    keep the log where it can be read and say so."""
    problems = process.problems()
    if not problems:
        return
    kept = Path(tempfile.mkstemp(prefix="scout-bench-bot-", suffix=".log")[1])
    kept.write_text(process.log)
    first = next(i for i, line in enumerate(process.lines) if line.rstrip() == problems[0])
    excerpt = "".join(process.lines[max(0, first - 2) : first + 25])
    print(f"\n!! the bot logged errors (whole log: {kept}):\n{excerpt}", flush=True)
