"""The alert pipeline at Rubin-era volume, in process: N NEOCP objects, C subscribed channels.

    .venv/bin/python -m bench.pipeline                       # the 3 x 3 grid, 5 polls each
    .venv/bin/python -m bench.pipeline --sizes 3000 --channels 1000 --polls 3 --json out.json

Each poll re-runs 5 % of the objects (one observation more), adds 2 % and removes 2 %, as
issue 18 describes. Measured per poll: the CPU of ``AlertWatcher.poll`` (the process's CPU,
so the database thread counts), the rows it writes, and the longest event-loop stall seen
by a 5 ms ticker; per delivery round (when the code has one and ``--deliver``): CPU,
messages posted, and the most messages one channel got. The database's size at the end,
with the bytes an event and a queued message take, gives the plateau under the history
bounds. Against a fake sender that answers at once; nothing leaves the machine.

It drives only ``Store.open``, ``Store.save_subscription`` and ``AlertWatcher``, so the same
file measures an older checkout: ``PYTHONPATH=/tmp/old .venv/bin/python -m bench.pipeline``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.alerts.watcher import AlertWatcher
from bot.config import AlertsSettings
from bot.guilds import GuildPolicy
from bot.neocp import AlertFilter
from bot.scout.models import ScoutObject, Summary
from bot.store import NewSubscription, Store
from tests.builders import scout_object
from tests.fakes import FakeClock

GUILD = 900
T0 = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


class Churn:
    """The NEOCP as a moving list: each ``step`` re-runs 5 %, adds 2 %, removes 2 %."""

    def __init__(self, size: int) -> None:
        self._names = itertools.count()
        self.objects: dict[str, ScoutObject] = {}
        for _ in range(size):
            self._add()
        self.size = size

    def _add(self) -> None:
        name = f"B{next(self._names):06d}"
        self.objects[name] = scout_object(name, nObs=4)

    def step(self) -> None:
        names = list(self.objects)
        rerun = max(1, len(names) * 5 // 100)
        moved = max(1, len(names) * 2 // 100)
        for name in names[:moved]:
            del self.objects[name]
        for name in names[moved : moved + rerun]:
            obj = self.objects[name]
            self.objects[name] = obj.model_copy(update={"n_obs": (obj.n_obs or 0) + 1})
        for _ in range(moved):
            self._add()
        self._summary = None

    _summary: Summary | None = None

    def summary(self) -> Summary:
        """Built outside the measured poll (the fake upstream's work is not the bot's)."""
        if self._summary is None:
            listed = list(self.objects.values())
            self._summary = Summary.model_construct(
                signature=None, count=len(listed), objects=listed
            )
        return self._summary


class Source:
    def __init__(self, churn: Churn) -> None:
        self.churn = churn

    async def summary(self, *, fresh: bool = False) -> Summary:
        return self.churn.summary()


@dataclass
class Sender:
    """Answers at once; counts what each channel got (works with either outbox shape)."""

    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    per_channel: Counter[int] = field(default_factory=Counter)

    async def send(self, item: Any, nonce: str) -> int:
        self.per_channel[_channel_of(item)] += 1
        return next(self.ids)

    async def find_posted(self, item: Any, nonce: str) -> int | None:
        return None


def _channel_of(item: Any) -> int:
    target = getattr(item, "target", None)
    if target is not None:
        return int(target.channel_id)
    return int(item.subscription.channel_id)


class RowCounter:
    """Rows inserted, updated and deleted through the store's engine."""

    def __init__(self, store: Store) -> None:
        self.rows = 0
        database = getattr(store, "_db", None)
        engine = database.engine if database is not None else store._engine  # type: ignore[attr-defined]
        event.listen(engine.sync_engine, "after_cursor_execute", self._count)

    def _count(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.rows += max(cursor.rowcount, 0)


class StallMeter:
    """The longest time the event loop did not run a 5 ms ticker."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - 0.005)
            last = now

    def __enter__(self) -> StallMeter:
        self.worst = 0.0
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


@dataclass
class Result:
    objects: int
    channels: int
    poll_cpu_ms: list[float] = field(default_factory=list)
    poll_rows: list[int] = field(default_factory=list)
    poll_stall_ms: list[float] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
    deliver_cpu_ms: list[float] = field(default_factory=list)
    deliver_stall_ms: list[float] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    most_to_one_channel: int = 0
    db_bytes: int = 0

    def line(self) -> str:
        def med(values: list[float] | list[int]) -> str:
            return f"{statistics.median(values):.1f}" if values else "-"

        return (
            f"N={self.objects:5d} C={self.channels:5d}  poll cpu {med(self.poll_cpu_ms):>8} ms  "
            f"rows {med(self.poll_rows):>8}  stall {med(self.poll_stall_ms):>7} ms  "
            f"events {med(self.events):>5}  deliver cpu {med(self.deliver_cpu_ms):>8} ms  "
            f"stall {med(self.deliver_stall_ms):>7} ms  messages {med(self.messages):>6}  "
            f"max/channel/poll {self.most_to_one_channel}  db {self.db_bytes / 2**20:.1f} MiB"
        )


async def measure(size: int, channels: int, polls: int, deliver: bool, folder: Path) -> Result:
    path = folder / f"bench-{size}-{channels}.db"
    store = await Store.open(f"sqlite:///{path}")
    for number in range(channels):
        # A server per 20 channels: within the per-server quota of either version.
        new = NewSubscription(
            guild_id=GUILD + number // 20,
            channel_id=10_000 + number,
            filter=AlertFilter(),
            created_by=1,
        )
        await store.save_subscription(new)
    churn = Churn(size)
    clock = FakeClock(T0)
    sender = Sender()
    watcher = AlertWatcher(
        source=Source(churn),
        store=store,
        sender=sender,
        policy=GuildPolicy([]),
        settings=AlertsSettings(jitter_seconds=0),
        clock=clock.utc,
    )
    counter = RowCounter(store)
    result = Result(size, channels)
    await watcher.poll()  # the first list: recorded, nothing posted
    for _ in range(polls):
        churn.step()
        churn.summary()
        clock.advance(minutes=2)
        rows_before = counter.rows
        with StallMeter() as stall:
            started = time.process_time()
            await poll(watcher)
            result.poll_cpu_ms.append((time.process_time() - started) * 1000)
        result.poll_rows.append(counter.rows - rows_before)
        result.poll_stall_ms.append(stall.worst * 1000)
        note = watcher.status.last_poll_note or ""
        result.events.append(int(note.split(" events")[0].split()[-1]) if " events" in note else 0)
        if deliver:
            sender.per_channel.clear()
            with StallMeter() as stall:
                started = time.process_time()
                await _deliver(watcher)
                result.deliver_cpu_ms.append((time.process_time() - started) * 1000)
            result.deliver_stall_ms.append(stall.worst * 1000)
            result.messages.append(sum(sender.per_channel.values()))
            result.most_to_one_channel = max(
                result.most_to_one_channel, max(sender.per_channel.values(), default=0)
            )
    await store.close()
    result.db_bytes = _files_size(folder, path.name)
    return result


def _files_size(folder: Path, name: str) -> int:
    """The database with its WAL and shared-memory files."""
    return sum(p.stat().st_size for p in folder.glob(f"{name}*"))


async def poll(watcher: AlertWatcher) -> None:
    """A poll as the bot runs it: with its share of pruning where the code has one."""
    poll_cycle = getattr(watcher, "poll_cycle", None)
    await (poll_cycle() if poll_cycle is not None else watcher.poll())


async def _deliver(watcher: AlertWatcher) -> None:
    deliver_round = getattr(watcher, "deliver_round", None)
    if deliver_round is not None:
        await deliver_round()
    else:
        await watcher._deliverer.deliver_due()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,300,3000")
    parser.add_argument("--channels", default="1,100,1000")
    parser.add_argument("--polls", type=int, default=5)
    parser.add_argument("--deliver", action="store_true", help="also post what a poll queued")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            for channels in (int(c) for c in args.channels.split(",")):
                result = asyncio.run(
                    measure(size, channels, args.polls, args.deliver, Path(folder))
                )
                print(result.line(), flush=True)
                results.append(asdict(result))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
