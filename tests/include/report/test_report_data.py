"""Chart data from the real SQL files on DuckDB over Delta, checked against hand arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from include.lakehouse.warehouse import LocalWarehouse
from include.report.data import load_cost, load_runs
from include.report.models import report_window
from tests.include.report import sample_data as sd

LAST = date(2026, 5, 9)


@pytest.fixture
def wh(lakehouse):
    facts = sd.build(lakehouse, LAST)
    return LocalWarehouse(lakehouse), facts


def test_cost_trend_is_usage_times_price_valid_at_the_time(wh) -> None:
    warehouse, facts = wh
    start = LAST - timedelta(days=29)
    points = load_cost(warehouse, start, LAST)
    assert {p.day for p in points} == {start + timedelta(days=i) for i in range(30)}
    for p in points:
        want = sd.expected_cost(p.day, LAST, facts["switch"])[p.workspace_id]
        assert p.usd == pytest.approx(want), (p.day, p.workspace_id)
    # The spike and the retraction are visible, and the price switch changes the daily cost.
    by = {(p.day, p.workspace_id): p.usd for p in points}
    assert by[(LAST, sd.PROD)] == pytest.approx(300 * 0.20 + 10 * 0.55)
    assert by[(LAST - timedelta(days=1), sd.DEV)] == pytest.approx(20 * 0.20 + 5 * 0.55)
    assert by[(facts["switch"] - timedelta(days=1), sd.PROD)] == pytest.approx(100 * 0.15 + 5.5)


def test_job_runs_per_day_with_failures_and_sla(wh) -> None:
    warehouse, _ = wh
    days = load_runs(warehouse, LAST - timedelta(days=29), LAST)
    assert len(days) == 30
    by = {d.day: d for d in days}
    for ago in range(30):
        d = by[LAST - timedelta(days=ago)]
        failed = 1 if ago in sd.FAIL_DAYS_AGO else 0
        assert (d.runs, d.succeeded, d.failed) == (2, 2 - failed, failed), ago
        # Only job 1 has an SLA (latest version: 3600 s); a failed or slow run misses it.
        met = 0 if ago in sd.FAIL_DAYS_AGO or ago in sd.SLA_MISS_DAYS_AGO else 1
        assert (d.sla_runs, d.sla_met) == (1, met), ago
    assert by[LAST - timedelta(days=1)].success_rate == pytest.approx(0.5)
    assert by[LAST - timedelta(days=2)].sla_rate == 0.0


def test_report_window_covers_yesterday_for_a_morning_run() -> None:
    assert report_window(datetime(2026, 5, 10, 7, tzinfo=UTC)) == (date(2026, 5, 9), datetime(2026, 5, 9, 7, tzinfo=UTC))
    assert report_window(datetime(2026, 5, 10, tzinfo=UTC))[0] == date(2026, 5, 9)
