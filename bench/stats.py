"""Percentiles and the few summaries the report shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p99 of 300 runs is the 297th smallest)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Timing:
    """Seconds, summarised."""

    runs: int
    p50: float
    p99: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Timing:
        return cls(len(values), percentile(values, 0.50), percentile(values, 0.99))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"
