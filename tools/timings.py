"""Timing figures shared by the benchmark and the load script: percentiles, and the
``--json FILE`` report both write (one entry per operation, totals at the top level)."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample that at least ``fraction`` of the
    samples do not exceed (p95 of 20 runs is the 19th slowest; of 15 runs, the slowest)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    """One operation's figures, as the JSON report holds them."""

    name: str
    count: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    budget_ms: float | None


def summarise(name: str, samples_ms: Sequence[float], budget_ms: float | None = None) -> Summary:
    return Summary(name=name, count=len(samples_ms),
                   median_ms=round(statistics.median(samples_ms), 3),
                   p95_ms=round(percentile(samples_ms, 0.95), 3),
                   p99_ms=round(percentile(samples_ms, 0.99), 3),
                   budget_ms=budget_ms)


def write_report(path: Path, operations: Sequence[Summary], **totals: object) -> None:
    """``{"operations": [...], **totals}`` (``errors``, ``double_bookings``, the engine…)."""
    document = {**totals, "operations": [asdict(summary) for summary in operations]}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
