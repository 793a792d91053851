"""``python -m bench``: run the benchmarks against the e2e fakes and print one table.

    .venv/bin/python -m bench            # everything, a few minutes on 2 cores
    .venv/bin/python -m bench --quick    # fewer runs, to check that it all works
    .venv/bin/python -m bench --only ack,memory --json results.json

Benchmarks, not tests: nothing here asserts; a missed target is marked MISSED in the table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import process as bench_process
from bench import scenarios
from bench.stats import Timing, mib, ms

PARTS = ("ack", "answers", "alerts", "memory", "scout")


@dataclass(frozen=True)
class Sizes:
    ack_runs: int
    answer_runs: int
    concurrent: int
    channels: int
    poll_seconds: float
    commands: int

    @classmethod
    def full(cls) -> Sizes:
        return cls(300, 100, 100, 1000, 6.0, 10_000)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(30, 10, 100, 100, 3.0, 1000)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def code_version() -> str:
    """The commit measured, and which of the bot's files differ from it (a shared tree)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "bot", "cogs"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    dirty = [line[3:] for line in changed if line.strip()]
    return head + (f" with uncommitted changes in {', '.join(dirty)}" if dirty else "")


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, measured: str, target: str = "", status: str = "") -> None:
        self.rows.append((what, measured, target, status))
        print(f"  {what:<52} {measured:<34} {target:<22} {status}", flush=True)

    def section(self, title: str) -> None:
        print(f"\n{title}", flush=True)


ACK_P99_TARGET = 0.050
ACK_RATIO_TARGET = 2.0
ANSWER_TARGETS = {
    "object": 0.015,
    "list": 0.015,
    "ephemeris (500 records + CSV)": 0.100,
    "orbits (1000 + CSV)": 0.150,
}
IDLE_TARGET = 120 * 2**20


async def run(parts: list[str], sizes: Sizes, table: Table) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if "ack" in parts:
        table.section(f"Acknowledgement: interaction -> callback ({sizes.ack_runs} runs each)")
        ack = await scenarios.acknowledgement(sizes.ack_runs, sizes.concurrent)
        results["ack"] = asdict(ack)
        for name, ours in ack.ours.items():
            bare = ack.bare[name]
            ratio = ours.p50 / bare.p50
            ratio99 = ours.p99 / bare.p99
            table.add(
                f"/scout {name}: ours p50 / p99",
                f"{ms(ours.p50)} / {ms(ours.p99)}",
                "p99 < 50 ms",
                verdict(ours.p99 < ACK_P99_TARGET),
            )
            table.add(
                "  bare bot p50 / p99; ratio p50, p99",
                f"{ms(bare.p50)} / {ms(bare.p99)}; {ratio:.2f}x, {ratio99:.2f}x",
                "within 2x",
                verdict(ratio <= ACK_RATIO_TARGET and ratio99 <= ACK_RATIO_TARGET),
            )
        table.add(
            f"{ack.burst} /scout object at once: ours p50 / p99",
            f"{ms(ack.burst_ours.p50)} / {ms(ack.burst_ours.p99)}",
        )
        table.add(
            "  bare bot p50 / p99; ratio p50, p99",
            f"{ms(ack.burst_bare.p50)} / {ms(ack.burst_bare.p99)}; "
            f"{ack.burst_ours.p50 / ack.burst_bare.p50:.2f}x, "
            f"{ack.burst_ours.p99 / ack.burst_bare.p99:.2f}x",
        )
    if "answers" in parts:
        table.section(
            f"Answer overhead: last followup - Scout's fixed latency ({sizes.answer_runs} runs)"
        )
        answers, single = await scenarios.answers_and_single_flight(
            sizes.answer_runs, latency=0.05, concurrent=sizes.concurrent
        )
        results["answers"] = asdict(answers)
        results["single_flight"] = asdict(single)
        for label, timing in answers.overhead.items():
            target = ANSWER_TARGETS[label]
            table.add(
                f"/scout {label}: p50 / p99",
                f"{ms(timing.p50)} / {ms(timing.p99)}",
                f"p50 < {ms(target)}",
                verdict(timing.p50 < target),
            )
        table.section("Upstream economy")
        table.add(
            f"{single.concurrent} concurrent /scout object, same object",
            f"{single.upstream_calls} Scout call(s), {single.answered} answered",
            "1 call",
            verdict(single.upstream_calls == 1 and single.answered == single.concurrent),
        )
        table.add(
            "  their acknowledgements p50 / p99",
            f"{ms(single.ack.p50)} / {ms(single.ack.p99)}",
        )
    if "alerts" in parts:
        sizes_list = sorted({1, 100, sizes.channels})
        alerts = await scenarios.alerts(sizes.channels, sizes.poll_seconds, sizes_list)
        results["alerts"] = asdict(alerts)
        if "answers" not in parts:
            table.section("Upstream economy")
        for poll in alerts.polls:
            per_poll = poll.summary_requests / max(1, poll.polls)
            table.add(
                f"polls with {poll.subscriptions} subscriptions",
                f"{poll.summary_requests} requests / {poll.polls} polls"
                + (f" (+{poll.other_requests} other)" if poll.other_requests else ""),
                "1 per poll",
                verdict(per_poll == 1 and poll.other_requests == 0),
            )
        table.section("Alert fan-out: new object -> every channel's post")
        for fan in alerts.fan_out:
            if fan.rate_limits:
                extra = fan.seconds / fan.floor_seconds - 1
                measured = (
                    f"{fan.seconds:.2f} s (floor {fan.floor_seconds:.1f} s, +{extra:.0%}), "
                    f"{fan.rate_limited} x 429"
                )
                ok = extra <= 0.10
            else:
                measured = f"{fan.seconds:.2f} s ({fan.seconds / fan.channels * 1000:.2f} ms/post)"
                ok = fan.polls_during <= 1
            table.add(
                f"{fan.channels} channels, rate limits {'on' if fan.rate_limits else 'off'}",
                measured + f", {fan.polls_during} poll(s)",
                "limits + 10 %" if fan.rate_limits else "one poll",
                verdict(ok),
            )
    if "memory" in parts:
        table.section(f"Memory (RSS of the bot process, {sizes.commands} commands)")
        mem = await scenarios.memory(sizes.commands, 10, scenarios.MEMORY_MIX)
        results["memory"] = asdict(mem)
        growth = mem.after_rss / mem.idle_rss - 1
        table.add(
            "idle after start", mib(mem.idle_rss), "< 120 MiB", verdict(mem.idle_rss < IDLE_TARGET)
        )
        table.add(
            f"after {mem.commands} commands",
            f"{mib(mem.after_rss)}, {growth:+.0%} on idle",
            "growth <= 10 %",
            verdict(growth <= 0.10),
        )
        table.add(
            "  after 1000, after half",
            f"{mib(mem.after_warmup_rss)}, {mib(mem.half_rss)}",
        )
    if "scout" in parts:
        # The Scout client alone (its engineer's benchmark): parse times and single flight.
        table.section("Scout client alone (python -m bench.bench_scout)")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.bench_scout",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output = (await process.communicate())[0].decode(errors="replace").rstrip()
        print(textwrap.indent(output, "  "), flush=True)
        results["scout"] = output
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke check)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated: {PARTS}")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the bot's store (postgresql: a schema in SCOUTBOT_TEST_DATABASE_URL's database)",
    )
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    sizes = Sizes.quick() if args.quick else Sizes.full()
    bench_process.DATABASE = args.database
    print(f"database: {args.database}")
    print(f"machine: {machine()}")
    print(f"code: {code_version()}")
    started = time.monotonic()
    table = Table()
    results = asyncio.run(run(parts, sizes, table))
    print(f"\n{time.monotonic() - started:.0f} s in all")
    if args.json:
        results["machine"] = machine()
        results["code"] = code_version()
        results["sizes"] = asdict(sizes)
        args.json.write_text(json.dumps(results, indent=2, default=_plain))
    return 0


def _plain(value: object) -> object:
    if isinstance(value, Timing):
        return asdict(value)
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
