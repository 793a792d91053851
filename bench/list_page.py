"""``python -m bench.list_page``: the cost of one /scout list answer at N = 30, 300, 3000.

What the command does after Scout's list is in memory: filter and sort every object, then
render the one page asked for (issue 18: under 5 ms at N = 3000). Pure CPU, no Discord;
prints the median and 95th percentile of many runs for the first page, a middle one and a
jump by ``find``.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.neocp.filters import ListOptions, select_objects
from bot.render.listing import find_page, list_page
from bot.scout.models import ScoutObject

RUNS = 200


def neocp(count: int) -> list[ScoutObject]:
    """``count`` objects shaped like Scout's summary rows, with varied figures."""
    now = datetime(2026, 11, 28, tzinfo=UTC)
    return [
        ScoutObject.model_validate(
            {
                "objectName": f"P{index:06X}",
                "lastRun": (now - timedelta(minutes=index)).strftime("%Y-%m-%d %H:%M"),
                "nObs": 3 + index % 40,
                "arc": f"{(index % 50) / 10:.2f}",
                "H": f"{18 + index % 10:.1f}",
                "Vmag": f"{17 + index % 6:.1f}",
                "ra": f"{index % 24:02d}:{index % 60:02d}",
                "dec": f"{(index % 170) - 85:+03d}",
                "elong": str(60 + index % 120),
                "rate": f"{(index % 90) / 7:.2f}",
                "unc": str(index % 700),
                "uncP1": str(index % 2000),
                "caDist": f"{(index % 300) / 10:.1f}",
                "rating": None if index % 3 else index % 5,
                "neoScore": index % 101,
                "phaScore": index % 37,
            }
        )
        for index in range(count)
    ]


def timed(action: Callable[[], object]) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main() -> None:
    options = ListOptions.build()
    print(f"{'N':>5} {'case':<14} {'median ms':>10} {'p95 ms':>8}")
    for count in (30, 300, 3000):
        objects = neocp(count)
        cases = (
            ("first page", 0, None),
            ("middle page", count // 16, None),
            ("find", 0, f"P{count - 1:06X}"),
        )
        for name, index, typed in cases:
            median, p95 = timed(functools.partial(one_answer, objects, options, index, typed))
            print(f"{count:>5} {name:<14} {median:>10.2f} {p95:>8.2f}")


def one_answer(
    objects: list[ScoutObject], options: ListOptions, index: int, typed: str | None
) -> object:
    """What /scout list computes: the selection, the page (found, if asked), its embed."""
    selected = select_objects(objects, options)
    if typed is not None:
        index = find_page(selected, typed) or 0
    return list_page(selected, options, total=len(objects), index=index)


if __name__ == "__main__":
    main()
