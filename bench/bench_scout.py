"""Scout client benchmark: parse times of the largest answers, and single flight.

    .venv/bin/python -m bench.bench_scout            # 50 parse runs each
    .venv/bin/python -m bench.bench_scout --runs 200

1. Parse a 1000-orbit object answer and a 500-record ephemeris answer, built from the
   recorded fixtures' shapes (every orbit row and every record as Scout sends them: numbers
   as strings, "NULL" and 1.0E+99 sentinels), from raw bytes to models, as the client does.
   Target: each under 50 ms median.
2. Fire 100 concurrent identical requests at a client whose upstream is an
   httpx.MockTransport that answers after a short delay, and count the upstream calls.
   Target: 1.

A benchmark, not a test: it prints and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.config import ScoutSettings
from bot.health import UpstreamHealth
from bot.scout import EphemerisQuery, ScoutClient, parse

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "scout"
PARSE_TARGET_MS = 50.0
CONCURRENT = 100
UPSTREAM_DELAY_SECONDS = 0.05


def _fixture(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return payload


def thousand_orbit_object() -> bytes:
    """The recorded A11EBEK answer with its 50 orbit rows repeated to 1000, idx renumbered."""
    payload = _fixture("object_A11EBEK_orbits_first50.json")
    rows = payload["orbits"]["data"]
    payload["orbits"]["data"] = [[index, *rows[index % len(rows)][1:]] for index in range(1000)]
    payload["orbits"]["count"] = "1000"
    return json.dumps(payload).encode()


def five_hundred_record_ephemeris() -> bytes:
    """The recorded 6J12821 ephemeris stretched to 500 minutes, topocentric-shaped.

    Each record gains what a topocentric answer carries beyond the geocentric recording
    (a sun-flag and the altitude ``el`` with its limits), so the parse does the full work.
    """
    payload = _fixture("ephemeris_6J12821.json")
    template = payload["eph"][0]
    start = datetime(2026, 9, 3, 11, 32, 27)
    records = []
    for minute in range(500):
        record = copy.deepcopy(template)
        record["time"] = (start + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M:%S")
        record["sun-flag"] = "n" if minute % 3 else None
        record["median"]["el"] = f"{20 + minute * 0.05:.1f}"
        record["limits"]["el"] = {"min": "19.0", "max": "21.5"}
        records.append(record)
    payload["eph"] = records
    payload["count"] = 500
    return json.dumps(payload).encode()


def median_ms(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst wall time of ``work`` in milliseconds, after one warm-up run."""
    work()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


async def concurrent_identical_requests(count: int) -> dict[str, int]:
    """Upstream calls made for ``count`` simultaneous identical requests, per mode."""
    bodies = {
        "summary": (FIXTURES / "summary.json").read_bytes(),
        "orbits": thousand_orbit_object(),
        "ephemeris": five_hundred_record_ephemeris(),
    }
    calls = {mode: 0 for mode in bodies}

    async def upstream(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        mode = (
            "ephemeris" if "eph-start" in params else "orbits" if "orbits" in params else "summary"
        )
        calls[mode] += 1
        await asyncio.sleep(UPSTREAM_DELAY_SECONDS)
        return httpx.Response(200, content=bodies[mode])

    settings = ScoutSettings(base_url="https://scout.bench/scout.api")
    async with httpx.AsyncClient(transport=httpx.MockTransport(upstream)) as http:
        client = ScoutClient(http, settings, health=UpstreamHealth())
        query = EphemerisQuery.build("6J12821", now=datetime.now(UTC))
        await asyncio.gather(*(client.summary() for _ in range(count)))
        await asyncio.gather(*(client.orbits("A11EBEK") for _ in range(count)))
        await asyncio.gather(*(client.ephemeris(query) for _ in range(count)))
    return calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="parse runs per answer")
    args = parser.parse_args(argv)

    orbits_body, ephemeris_body = thousand_orbit_object(), five_hundred_record_ephemeris()
    rows = [
        ("1000-orbit object", orbits_body, parse.parse_orbits),
        ("500-record ephemeris", ephemeris_body, parse.parse_ephemeris),
    ]
    print(f"Scout parse times, {args.runs} runs each (target: median < {PARSE_TARGET_MS:g} ms)")
    for name, body, read in rows:

        def work(body: bytes = body, read: Callable[[Any], object] = read) -> object:
            return read(parse.decode_json(body))

        median, worst = median_ms(work, args.runs)
        verdict = "ok" if median < PARSE_TARGET_MS else "MISSED"
        print(
            f"  {name:<22} {len(body) / 1024:7.0f} KiB  median {median:6.1f} ms  "
            f"worst {worst:6.1f} ms  {verdict}"
        )

    calls = asyncio.run(concurrent_identical_requests(CONCURRENT))
    print(f"Upstream calls for {CONCURRENT} concurrent identical requests (target: 1)")
    for mode, count in calls.items():
        print(f"  {mode:<22} {count:4d}  {'ok' if count == 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
