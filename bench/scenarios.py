"""The measurements: each starts its own bot (or bare bot) against fresh fakes.

Every interaction goes through the fake Discord's gateway exactly as in the e2e tests;
times are taken inside the fakes (see ``bench.fakes``), never inside the bot.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.fakes import GLOBAL_PER_SECOND, TimedDiscord
from bench.process import BARE_BOT, Rig, rig
from bench.stats import Timing
from bot.neocp import AlertFilter
from bot.store import NewSubscription, Store
from tests.e2e.fake_discord import FakeChannel, FakeInteraction
from tests.e2e.harness import FAST_ALERTS_ENV, GENERAL, MODERATOR, TEAM_GUILD

KNOWN = "A11EBEK"  # in the recorded summary; its orbits are the recorded ones
IDLE_PAUSE = 0.02  # seconds between one answer and the next command in latency runs
WAIT = 60.0  # seconds: an upper bound for one answer, never a pace

# One entry per /scout subcommand: the options a typical user sends.
ACK_COMMANDS: dict[str, dict[str, Any]] = {
    "list": {},
    "object": {"designation": KNOWN},
    "ephemeris": {"designation": KNOWN},
    "fov": {"designation": KNOWN, "diameter": 30.0},
    "plots": {"designation": KNOWN},
    "orbits": {"designation": KNOWN, "count": 1000},
    "observations": {"designation": KNOWN},
}

# Every answer comes from Scout again: no cache, so each run pays the whole path.
NO_CACHE = {
    "SCOUTBOT_SCOUT__SUMMARY_TTL_SECONDS": "0",
    "SCOUTBOT_SCOUT__OBJECT_TTL_SECONDS": "0",
    "SCOUTBOT_SCOUT__NOW_EPHEMERIS_TTL_SECONDS": "0",
}


def ephemeris_500() -> dict[str, Any]:
    """500 records: a minute apart from tomorrow 00:00 UTC (fixed times: no "now" drift)."""
    start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0)
    stop = start + timedelta(minutes=499)
    return {
        "designation": KNOWN,
        "start": start.strftime("%Y-%m-%d %H:%M:%S"),
        "stop": stop.strftime("%Y-%m-%d %H:%M:%S"),
        "step": "1m",
    }


async def command(discord: TimedDiscord, name: str, **options: Any) -> FakeInteraction:
    return await discord.slash(f"scout {name}", guild_id=TEAM_GUILD, channel_id=GENERAL, **options)


async def acked(discord: TimedDiscord, interaction: FakeInteraction) -> float:
    await discord.wait_for(lambda: interaction.id in discord.acked, "a callback", WAIT)
    return discord.ack_seconds(interaction)


async def answered(discord: TimedDiscord, interaction: FakeInteraction, count: int) -> None:
    await discord.answer(interaction, count=count, within=WAIT)


async def settle_answers(discord: TimedDiscord, interaction: FakeInteraction) -> int:
    """How many messages a command answers with: wait for one, then for the bot to go quiet."""
    await answered(discord, interaction, 1)
    seen = -1
    while seen != len(discord.answers(interaction)):
        seen = len(discord.answers(interaction))
        await asyncio.sleep(0.5)
    return seen


# --------------------------------------------------------------------------- acknowledgement


@dataclass
class AckResult:
    ours: dict[str, Timing]
    bare: dict[str, Timing]
    burst: int
    burst_ours: Timing
    burst_bare: Timing


async def acknowledgement(runs: int, burst: int) -> AckResult:
    """Interaction sent -> callback received, one command at a time on an idle bot; then
    `burst` /scout object sent at once (an alert went out and everyone looks)."""
    async with rig() as setup:
        ours = await _ack_runs(setup, runs, wait_answers=True)
        burst_ours = await _ack_burst(setup, burst, wait_answers=True)
    async with rig(module=BARE_BOT) as setup:
        bare = await _ack_runs(setup, runs, wait_answers=False)
        burst_bare = await _ack_burst(setup, burst, wait_answers=False)
    return AckResult(ours, bare, burst, burst_ours, burst_bare)


async def _ack_burst(setup: Rig, count: int, *, wait_answers: bool) -> Timing:
    discord = setup.discord
    interactions = [await command(discord, "object", designation=KNOWN) for _ in range(count)]
    times = await asyncio.gather(*(acked(discord, i) for i in interactions))
    if wait_answers:
        await asyncio.gather(*(answered(discord, i, 1) for i in interactions))
    discord.forget()
    return Timing.of(times)


async def _ack_runs(setup: Rig, runs: int, *, wait_answers: bool) -> dict[str, Timing]:
    discord = setup.discord
    found: dict[str, Timing] = {}
    for name, options in ACK_COMMANDS.items():
        # Warm-up: imports, first Scout answers and caches, discord.py's first routes.
        first = await command(discord, name, **options)
        answers = await settle_answers(discord, first) if wait_answers else 0
        for _ in range(5):
            warm = await command(discord, name, **options)
            await acked(discord, warm)
            if wait_answers:
                await answered(discord, warm, answers)
        times = []
        for _ in range(runs):
            interaction = await command(discord, name, **options)
            times.append(await acked(discord, interaction))
            if wait_answers:
                await answered(discord, interaction, answers)
            # The next command meets an idle bot: Discord's answer to the last request (and
            # what discord.py makes of it) has been read by the time a person types again.
            await asyncio.sleep(IDLE_PAUSE)
        found[name] = Timing.of(times)
        discord.forget()
    return found


# --------------------------------------------------------------------------- answer overhead


ANSWER_COMMANDS = {
    "object": lambda: {"designation": KNOWN},
    "list": dict,
    "ephemeris (500 records + CSV)": ephemeris_500,
    "orbits (1000 + CSV)": lambda: {"designation": KNOWN, "count": 1000},
}


@dataclass
class AnswerResult:
    latency: float
    overhead: dict[str, Timing]
    upstream_calls: dict[str, float]  # Scout requests per command (1.0 expected)


@dataclass
class SingleFlightResult:
    concurrent: int
    upstream_calls: int
    answered: int
    ack: Timing


async def answers_and_single_flight(
    runs: int, latency: float, concurrent: int
) -> tuple[AnswerResult, SingleFlightResult]:
    env = dict(NO_CACHE)
    async with rig(env, scout_latency=latency) as setup:
        answers = await _answer_runs(setup, runs, latency)
        single = await _single_flight(setup, concurrent)
    return answers, single


async def _answer_runs(setup: Rig, runs: int, latency: float) -> AnswerResult:
    discord, scout = setup.discord, setup.scout
    overhead: dict[str, Timing] = {}
    calls: dict[str, float] = {}
    for label, options in ANSWER_COMMANDS.items():
        name = label.split()[0]
        first = await command(discord, name, **options())
        answers = await settle_answers(discord, first)
        mark = scout.count()
        times = []
        for _ in range(runs):
            interaction = await command(discord, name, **options())
            await answered(discord, interaction, answers)
            times.append(discord.last_answer_seconds(interaction) - latency)
        overhead[label] = Timing.of(times)
        calls[label] = (scout.count() - mark) / runs
        discord.forget()
    return AnswerResult(latency, overhead, calls)


async def _single_flight(setup: Rig, concurrent: int) -> SingleFlightResult:
    """Many people ask for the same object at once (an alert just went out)."""
    discord, scout = setup.discord, setup.scout
    scout.latency = 1.0  # long enough for every interaction to arrive while Scout works
    mark = scout.count()
    interactions = [await command(discord, "object", designation=KNOWN) for _ in range(concurrent)]
    await asyncio.gather(*(answered(discord, i, 1) for i in interactions))
    done = sum(1 for i in interactions if discord.answers(i))
    acks = [discord.ack_seconds(i) for i in interactions]
    return SingleFlightResult(concurrent, scout.count() - mark, done, Timing.of(acks))


# --------------------------------------------------------------------------- alerts


ALERTS_ENV = FAST_ALERTS_ENV
POLL_INTERVAL = float(ALERTS_ENV["SCOUTBOT_ALERTS__POLL_INTERVAL_SECONDS"])
FIRST_SUBSCRIBED_CHANNEL = 1190000000000100000


def subscribing(count: int) -> Any:
    """A ``prepare`` hook: `count` channels in the team's server, each subscribed to
    everything, written through the store API into the bot's database before it starts."""

    async def prepare(setup: Rig) -> None:
        team = setup.world.team
        ids = [FIRST_SUBSCRIBED_CHANNEL + n for n in range(count)]
        for position, channel_id in enumerate(ids, start=len(team.channels)):
            team.channels[channel_id] = FakeChannel(
                channel_id, f"alerts-{position}", TEAM_GUILD, position
            )
        store = await Store.open(setup.database_url)
        try:
            for channel_id in ids:
                await store.save_subscription(
                    NewSubscription(
                        guild_id=TEAM_GUILD,
                        channel_id=channel_id,
                        filter=AlertFilter(),
                        created_by=MODERATOR.id,
                    ),
                    max_per_guild=None,  # one server with more channels than the quota
                )
        finally:
            await store.close()

    return prepare


@dataclass
class PollResult:
    subscriptions: int
    polls: int
    summary_requests: int
    other_requests: int


async def poll_economy(subscriptions: int, seconds: float) -> PollResult:
    """Scout requests per poll, with no events: the count of subscriptions must not matter."""
    async with rig(ALERTS_ENV, prepare=subscribing(subscriptions)) as setup:
        return await _count_polls(setup, subscriptions, seconds)


async def _count_polls(setup: Rig, subscriptions: int, seconds: float) -> PollResult:
    scout = setup.scout
    await scout.wait_requests(1, mode="summary", within=WAIT)  # the first poll
    mark = scout.count()
    await asyncio.sleep(seconds)
    seen = scout.since(mark)
    summaries = [r for r in seen if r.mode == "summary"]
    return PollResult(
        subscriptions,
        _bursts([r.at for r in summaries]),
        len(summaries),
        len(seen) - len(summaries),
    )


def _bursts(moments: list[float], gap: float = POLL_INTERVAL / 2) -> int:
    """Polls, told apart by the pause between them: requests of one poll come together."""
    count, last = 0, None
    for moment in sorted(moments):
        if last is None or moment - last > gap:
            count += 1
        last = moment
    return count


@dataclass
class FanOutResult:
    channels: int
    rate_limits: bool
    seconds: float  # the poll that saw the new object -> the last channel's post
    floor_seconds: float  # what Discord's global limit alone allows (0 without limits)
    polls_during: int  # polls it took (more than 1 means deliveries waited for a poll)
    rate_limited: int  # 429s the bot met
    posted: int


@dataclass
class AlertsResult:
    polls: list[PollResult] = field(default_factory=list)
    fan_out: list[FanOutResult] = field(default_factory=list)


async def alerts(channels: int, poll_seconds: float, sizes: list[int]) -> AlertsResult:
    result = AlertsResult()
    for size in sizes:
        if size != channels:
            result.polls.append(await poll_economy(size, poll_seconds))
    async with rig(ALERTS_ENV, prepare=subscribing(channels)) as setup:
        result.polls.append(await _count_polls(setup, channels, poll_seconds))
        for limits in (False, True):
            result.fan_out.append(await _fan_out(setup, channels, limits))
    result.polls.sort(key=lambda p: p.subscriptions)
    return result


async def _fan_out(setup: Rig, channels: int, rate_limits: bool) -> FanOutResult:
    discord, scout = setup.discord, setup.scout
    discord.rate_limits = rate_limits
    limited_before = discord.rate_limited
    designation = "B" + ("RL" if rate_limits else "NL") + "0001"  # 7 characters, unknown so far
    added = time.monotonic()
    scout.add(designation)
    ids = {FIRST_SUBSCRIBED_CHANNEL + n for n in range(channels)}
    posts: list[float] = []
    checked: set[int] = set()

    def all_posted() -> bool:
        # Called at every request the fake answers: look at new messages only, or the
        # benchmark's own scanning would steal the CPU the bot is measured on.
        for message_id in list(discord.messages)[len(checked) :]:
            checked.add(message_id)
            message = discord.messages[message_id]
            is_alert = message.interaction_id is None and message.channel_id in ids
            if is_alert and designation in str(message.embeds):
                posts.append(message.created)
        return len(posts) >= channels

    await discord.wait_for(all_posted, f"{channels} alerts", 600.0)
    seen_at = min(r.at for r in scout.requests if r.mode == "summary" and r.at > added)
    last = max(posts)
    polls = _bursts(
        [r.at for r in scout.requests if r.mode == "summary" and seen_at <= r.at <= last]
    )
    # Post k can leave at k // 50 s at the earliest: the last one at (N - 1) // 50 s.
    floor = float((channels - 1) // GLOBAL_PER_SECOND) if rate_limits else 0.0
    result = FanOutResult(
        channels,
        rate_limits,
        last - seen_at,
        floor,
        polls,
        discord.rate_limited - limited_before,
        len(posts),
    )
    discord.rate_limits = False
    return result


# --------------------------------------------------------------------------- memory


@dataclass
class MemoryResult:
    idle_rss: int
    after_warmup_rss: int
    half_rss: int  # after the first half of the commands
    after_rss: int
    commands: int
    peak_rss: int


# A busy channel: lookups and lists, answered from the cache as most are. The buttons under
# /scout object and /scout list keep their state in their custom_id (DynamicItems), so the
# bot holds no view per answer: memory should not follow the number of commands.
MEMORY_MIX = [
    ("object", {"designation": KNOWN}),
    ("list", {}),
    ("ephemeris", {"designation": KNOWN}),
    ("object", {"designation": "ZTF10DD"}),
]


async def memory(
    commands: int, concurrency: int, mix: list[tuple[str, dict[str, Any]]]
) -> MemoryResult:
    """RSS idle after start, then after each half of `commands` commands of `mix`, sent
    `concurrency` at a time."""
    async with rig() as setup:
        await asyncio.sleep(2.0)  # let start-up settle (the sync, the first heartbeats)
        idle = setup.bot.rss_bytes()
        warmup = min(1000, commands // 10)
        await _command_batches(setup, warmup, concurrency, mix)
        after_warmup = setup.bot.rss_bytes()
        await _command_batches(setup, commands // 2 - warmup, concurrency, mix)
        half = setup.bot.rss_bytes()
        await _command_batches(setup, commands - commands // 2, concurrency, mix)
        await asyncio.sleep(1.0)
        return MemoryResult(
            idle, after_warmup, half, setup.bot.rss_bytes(), commands, setup.bot.peak_rss_bytes()
        )


async def _command_batches(
    setup: Rig, total: int, concurrency: int, mix: list[tuple[str, dict[str, Any]]]
) -> None:
    discord = setup.discord
    sent = 0
    while sent < total:
        batch = []
        for index in range(min(concurrency, total - sent)):
            name, options = mix[(sent + index) % len(mix)]
            batch.append(await command(discord, name, **options))
        await asyncio.gather(*(answered(discord, i, 1) for i in batch))
        sent += len(batch)
        if sent % 1000 < concurrency:
            discord.forget()
