"""The store's share of a poll and of a fan-out, on SQLite and on PostgreSQL side by side.

    .venv/bin/python -m bench.bench_store                 # SQLite only
    SCOUTBOT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.bench_store --runs 10   # and PostgreSQL (a schema of its own)

With 1000 channels subscribed and the recorded summary's objects tracked, each run is one
watcher cycle in which Scout lists one new object:

- **poll**: ``AlertWatcher.poll_cycle()``: the leader check, the (fake, instant) summary,
  the diff, and the store writing the snapshot change, the event and the 1000 channels'
  messages in one transaction;
- **fan-out**: ``AlertWatcher.deliver_round()``: the 1000 queued messages, each marked
  posting (nonce) and sent, with a Discord stand-in that answers at once.

So what is timed is the bot and its database, not Discord's rate limits (bench/ measures
those end to end). Medians and ratios; a benchmark, not a test: it prints and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from tempfile import TemporaryDirectory

from bot.neocp import AlertFilter
from bot.store import NewSubscription, Store
from tests.alerts.helpers import FakeSender, make_watcher
from tests.builders import scout_object
from tests.builders import summary_of as summary_with
from tests.fakes import FakeClock, FakeScout
from tests.postgres import postgres_configured, throwaway_schema
from tests.recorded import summary as recorded_summary

GUILD = 1
CHANNELS = 1000


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    if backend == "sqlite":
        with TemporaryDirectory(prefix="scout-bench-store-") as tmp:
            yield f"sqlite:///{tmp}/bot.db"
    else:
        async with throwaway_schema() as url:
            yield url


async def measure(backend: str, runs: int) -> tuple[list[float], list[float]]:
    polls: list[float] = []
    fan_outs: list[float] = []
    async with database(backend) as url:
        store = await Store.open(url)
        try:
            for channel in range(CHANNELS):
                await store.save_subscription(
                    NewSubscription(
                        guild_id=GUILD,
                        channel_id=10_000 + channel,
                        filter=AlertFilter(),
                        created_by=5,
                    ),
                    max_per_guild=None,  # one server with more channels than the quota
                )
            listed = list(recorded_summary().objects)
            scout = FakeScout(summary_with(listed))
            clock = FakeClock()
            sender = FakeSender()
            watcher = make_watcher(store, scout, sender, clock, guilds=[GUILD])
            await watcher.run_cycle()  # the first list: recorded, nothing posted
            for run in range(runs):
                listed.append(scout_object(f"B{run:06d}"))
                scout.then(summary_with(listed))
                clock.advance(minutes=2)
                sender.messages.clear()  # keep the stand-in's nonce lookup short
                started = time.perf_counter()
                await watcher.poll_cycle()
                polled = time.perf_counter()
                report = await watcher.deliver_round()
                done = time.perf_counter()
                assert report is not None and report.sent == CHANNELS, report
                polls.append(polled - started)
                fan_outs.append(done - polled)
                clock.advance(seconds=timedelta(minutes=2).total_seconds())
        finally:
            await store.close()
    return polls, fan_outs


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_store")
    parser.add_argument("--runs", type=int, default=10, help="cycles per database")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if postgres_configured() else [])
    results = {backend: asyncio.run(measure(backend, args.runs)) for backend in backends}
    print(f"{CHANNELS} channels, {len(recorded_summary().objects)}+ objects, {args.runs} runs")
    print(f"{'':12}{'poll (median)':>16}{'fan-out (median)':>20}{'per delivery':>16}")
    for backend, (polls, fan_outs) in results.items():
        poll, fan_out = statistics.median(polls), statistics.median(fan_outs)
        print(
            f"{backend:12}{poll * 1000:>13.1f} ms{fan_out * 1000:>17.0f} ms"
            f"{fan_out / CHANNELS * 1000:>13.2f} ms"
        )
    if "postgresql" in results:
        (sp, sf), (pp, pf) = results["sqlite"], results["postgresql"]
        print(
            f"postgresql / sqlite: poll {statistics.median(pp) / statistics.median(sp):.2f}x, "
            f"fan-out {statistics.median(pf) / statistics.median(sf):.2f}x"
        )


if __name__ == "__main__":
    main()
