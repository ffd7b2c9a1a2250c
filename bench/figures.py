"""What every benchmark here shares: percentiles and units of the printed figures."""

from __future__ import annotations


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


def ms(ns: int) -> float:
    """Nanoseconds (perf_counter_ns) as milliseconds."""
    return ns / 1_000_000
