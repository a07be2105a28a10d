"""The figures the benchmark and the load script report."""

import json

import pytest

from tools import timings


def test_nearest_rank_percentiles():
    samples = [float(value) for value in range(1, 101)]  # 1 … 100 ms, shuffled below
    samples.reverse()
    summary = timings.summarise("recherche", samples, budget_ms=20)
    assert (summary.count, summary.median_ms, summary.p95_ms, summary.p99_ms) == (
        100, 50.5, 95.0, 99.0)
    assert timings.percentile([3.0], 0.99) == 3.0
    with pytest.raises(ValueError):
        timings.percentile([], 0.5)


def test_report_holds_every_field_and_the_totals(tmp_path):
    path = tmp_path / "figures.json"
    timings.write_report(path, [timings.summarise("réserver", [1.0, 2.0, 30.0])],
                         errors=0, double_bookings=0)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["errors"] == 0 and document["double_bookings"] == 0
    assert document["operations"] == [{"name": "réserver", "count": 3, "median_ms": 2.0,
                                       "p95_ms": 30.0, "p99_ms": 30.0, "budget_ms": None}]
