"""The bot as a separate process, and the Discord world the e2e tests share."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.fake_discord import (
    DEFAULT_TIMEOUT,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    FakeDiscord,
    FakeGuild,
    FakeUser,
)

REPO = Path(__file__).resolve().parents[2]

# The bot's own log line once discord.py has dispatched on_ready (bot/client.py, on_ready).
READY_LINE = "connected as"
# What must never appear in the bot's log: a traceback means an error escaped its handlers.
FORBIDDEN_IN_LOG = (
    "Traceback (most recent call last)",
    "Task exception was never retrieved",
    "Unclosed client session",
    "Unclosed connector",
    "was never awaited",
)


# --------------------------------------------------------------------------- the world

TEAM_GUILD = 1190000000000000001
OUTSIDE_GUILD = 1190000000000000099  # not in discord.allowed_guilds
GENERAL = 1190000000000000101
ALERTS = 1190000000000000102
FOLLOW_UP = 1190000000000000103
LOCKED = 1190000000000000104  # the bot may not post here
LOBBY = 1190000000000000901  # the outside server's only channel
WATCHERS_ROLE = "NEO watchers"
MODERATORS_ROLE = "Moderators"
MODERATORS_ROLE_ID = 1190000000000000201
MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_CHANNELS

OBSERVER = FakeUser(424242424242424242, "observer")
# Manage Channels through a role, as in a real server (the bot may check it per channel).
MODERATOR = FakeUser(434343434343434343, "moderator", role_ids=(MODERATORS_ROLE_ID,))


@dataclass
class World:
    team: FakeGuild
    outside: FakeGuild


def build_world(discord: FakeDiscord, *, with_outside: bool = True) -> World:
    """The team's server (allowed) and, unless told otherwise, a server it must leave."""
    team = discord.add_guild(
        TEAM_GUILD,
        "NEO team",
        ["general", "neo-alerts", "follow-up", "locked"],
        [WATCHERS_ROLE, MODERATORS_ROLE],
        role_ids={MODERATORS_ROLE: MODERATORS_ROLE_ID},
        role_permissions={MODERATORS_ROLE: MANAGE_CHANNELS},
        channel_ids={
            "general": GENERAL,
            "neo-alerts": ALERTS,
            "follow-up": FOLLOW_UP,
            "locked": LOCKED,
        },
    )
    team.channels[LOCKED].denies[discord.bot_user.id] = (1, 1 << 11)  # no Send Messages
    outside = discord.add_guild(
        OUTSIDE_GUILD, "Somebody else's server", ["lobby"], channel_ids={"lobby": LOBBY}
    )
    if not with_outside:
        outside.joined = False
    return World(team, outside)


# --------------------------------------------------------------------------- the process


LAUNCHER = "tests.e2e.launch"  # the unmodified bot, pointed at the fakes


class BotProcess:
    """``python -m tests.e2e.launch`` (or another ``module`` that logs READY_LINE once it is
    connected): the unmodified bot, pointed at the fakes."""

    def __init__(self, env: dict[str, str], workdir: Path, module: str = LAUNCHER) -> None:
        self.env = env
        self.workdir = workdir
        self.module = module
        self.lines: list[str] = []
        self.runs = 0
        self.exit_codes: list[int] = []
        self._run_starts: list[int] = []
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()
        self._log_file = (workdir / "bot.log").open("a", encoding="utf-8")

    @property
    def log(self) -> str:
        return "".join(self.lines)

    @property
    def current_log(self) -> str:
        """The log of the running (or last) process only."""
        return "".join(self.lines[self._run_starts[-1] :]) if self._run_starts else ""

    async def start(self) -> None:
        self.runs += 1
        self._run_starts.append(len(self.lines))
        self._log_file.write(f"===== bot run {self.runs} =====\n")
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.module,
            cwd=self.workdir,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read(self._process))
        await self.wait_log(READY_LINE)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            self._log_file.write(line)
            self._log_file.flush()
            async with self._changed:
                self._changed.notify_all()
        await process.wait()
        async with self._changed:  # wake waiters: the process has ended
            self._changed.notify_all()

    async def wait_log(self, text: str, within: float = DEFAULT_TIMEOUT, *, count: int = 1) -> str:
        """Wait until the current run has logged `text` (`count` times); return that line."""
        deadline = time.monotonic() + within
        async with self._changed:
            while True:
                matching = [line for line in self.lines[self._run_starts[-1] :] if text in line]
                if len(matching) >= count:
                    return matching[count - 1]
                if self._process is not None and self._process.returncode is not None:
                    raise AssertionError(
                        f"the bot exited ({self._process.returncode}):\n{self.current_log}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"the bot never logged {text!r}; its log:\n{self.current_log[-4000:]}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    async def stop(self, within: float = 20.0) -> int:
        """SIGTERM, as an operator or a container runtime stops the bot; the exit code."""
        return await self._end(signal.SIGTERM, within)

    async def crash(self) -> int:
        """SIGKILL: the process dies wherever it is, with no chance to clean up."""
        return await self._end(signal.SIGKILL, 10.0)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def _end(self, signum: int, within: float) -> int:
        process = self._process
        if process is None or process.returncode is not None:
            return process.returncode if process else 0
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)
        try:
            code = await asyncio.wait_for(process.wait(), within)
        except TimeoutError:
            process.kill()
            code = await process.wait()
            self.lines.append(f"[harness] the bot ignored signal {signum} for {within} s; killed\n")
        if self._reader is not None:
            await self._reader
        self.exit_codes.append(code)
        return code

    def problems(self) -> list[str]:
        """Lines of the whole log (every run) that show an escaped error."""
        return [
            line.rstrip() for line in self.lines if any(bad in line for bad in FORBIDDEN_IN_LOG)
        ]

    def close(self) -> None:
        self._log_file.close()


@contextlib.asynccontextmanager
async def running_bot(env: dict[str, str], workdir: Path) -> AsyncIterator[BotProcess]:
    """A bot process, started and ready. Stopping it at the end checks that it exits
    cleanly on SIGTERM and that nothing in its log is a traceback."""
    process = BotProcess(env, workdir)
    try:
        await process.start()
        yield process
        code = await process.stop()
    finally:
        await process.stop()
        process.close()
    assert code == 0, f"the bot exited with {code} on SIGTERM; log in {workdir / 'bot.log'}"
    assert process.problems() == [], f"the bot's log shows errors; see {workdir / 'bot.log'}"


# Alerts on and polled every second (E2E_ALLOW_FAST_POLLS lifts the production minimum).
# In production the summary is reused for 60 s and polled every 120 s; keep the same order
# (reuse shorter than the interval) at the tests' one-second polls.
FAST_ALERTS_ENV = {
    "E2E_ALLOW_FAST_POLLS": "1",
    "SCOUTBOT_ALERTS__ENABLED": "true",
    "SCOUTBOT_ALERTS__POLL_INTERVAL_SECONDS": "1",
    "SCOUTBOT_ALERTS__JITTER_SECONDS": "0",
    "SCOUTBOT_SCOUT__SUMMARY_TTL_SECONDS": "0",
}


def bot_environment(
    discord: FakeDiscord, scout_url: str, mpc_url: str, database: Path, extra: dict[str, str]
) -> dict[str, str]:
    """The process environment: no developer settings leak in; everything points at fakes."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SCOUTBOT_", "E2E_")) and name != "DISCORD_TOKEN"
    }
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
        DISCORD_TOKEN=discord.token,
        E2E_FAKE_DISCORD_URL=discord.url,
        SCOUTBOT_SCOUT__BASE_URL=f"{scout_url}/scout.api",
        SCOUTBOT_MPC__ACTION_CODES_URL=f"{mpc_url}/api/action-codes/retrieve",
        SCOUTBOT_DATABASE__URL=f"sqlite:///{database}",
        SCOUTBOT_DISCORD__ALLOWED_GUILDS=f"[{TEAM_GUILD}]",
        SCOUTBOT_DISCORD__DEV_GUILD_ID=str(TEAM_GUILD),
        # Short upstream limits keep fault scenarios quick; a hang must end within them.
        SCOUTBOT_SCOUT__TIMEOUT_SECONDS="3",
        SCOUTBOT_SCOUT__RETRY_BUDGET_SECONDS="1",
        SCOUTBOT_SCOUT__DEADLINE_SECONDS="5",  # a trickled answer ends here
        # Each fault scenario meets Scout afresh; test_scout_down.py keeps the pause.
        SCOUTBOT_SCOUT__DOWN_PAUSE_SECONDS="0",
        SCOUTBOT_MPC__TIMEOUT_SECONDS="3",
        SCOUTBOT_ALERTS__ENABLED="false",
        SCOUTBOT_LOGGING__LEVEL="INFO",
    )
    env.update(extra)
    return env
