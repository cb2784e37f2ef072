"""Detection on a workload written blind: by a writer who never saw the checks, their SQL or the simulator.

blind_workload.py (24 incidents, 28 decoys over eight checks; see its docstring) was written by a
separate agent given only the system-table DDL and a one-line description of each check. It was
measured once, on 2026-12-07, after the calendar-aware baselines and before any change made because
of it: recall 20/24 (83%), precision 20/26 (77%) at medium severity and up. Per domain:

    cost 3/3, 3/3 · security 3/6, 3/4 · performance 2/3, 2/4 · reliability 6/6, 6/8 ·
    data_quality 3/3, 3/4 · mlops 3/3, 3/3

Misses and false alarms, by kind: bulk reads of many *distinct* tables below the read-count floor
(3 missed) and a dashboard whose call count rose on the same tables (1 false alarm) — reads should
be measured by breadth; a weekly job's regression is never checked (fewer than 3 runs in 7 days);
a month-start rollup and a naturally noisy export flagged as regressions; a deleted job's failures
flagged as a streak; a weekday-only job's weekend gap flagged as not running and its table as stale
(the cron's calendar, not the median gap, should set the expected interval).

These figures are below the issue's target (95% / 90% per domain). The set is no longer held out:
the misses above motivated changes (cron-aware silence, a p90 gap for stale tables, deleted jobs
out of streaks, run-counted regression baselines ending a week early with a p95 gate, read breadth
and never-read tables). After them this set gives recall 24/24 and precision 24/26 (the month-start
rollup and the dashboard polling its usual tables at 13x still alarm) — a tuned figure, not
evidence; blind_workload_2.py is the next held-out measurement. The test keeps the tuned figures as
floors so they cannot get worse silently.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from include.health.runner import run_domain
from include.lakehouse.warehouse import LocalWarehouse
from tests.evals.health import blind_workload as bw

CHECKS = {"cost": ["sku_spike"], "security": ["failed_login_burst", "unusual_read_volume"],
          "performance": ["job_duration_regression"], "reliability": ["failure_streak", "job_not_running"],
          "data_quality": ["stale_table"], "mlops": ["endpoint_traffic"]}


def detect(root, as_of, checks: dict[str, list[str]]) -> set[tuple[str, str, str]]:
    """(domain, check, entity) of every finding of medium severity and up; no check may fail."""
    wh = LocalWarehouse(root)
    found = set()
    for domain, names in checks.items():
        sweep = run_domain(wh, domain, as_of, only=names)
        assert sweep.errors == [], sweep.errors  # no check silently failing
        found |= {(domain, f.check, f.entity_id) for f in sweep.findings if f.severity != "low"}
    return found


def figures(alarms: set, incidents: set) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """(recall, precision, per-domain (recall, precision)), printed with the misses and false alarms."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for incident in incidents:
        per[incident[0]][1] += 1
        per[incident[0]][0] += incident in alarms
    for alarm in alarms:
        per[alarm[0]][2] += 1
    hits = len(incidents & alarms)
    domains = {d: (tp / n if n else 1.0, tp / a if a else 1.0) for d, (tp, n, a) in per.items()}
    print(f"\nblind workload: recall {hits}/{len(incidents)}, precision {hits}/{len(alarms)}; per domain {domains}"
          f"\n  missed {sorted(incidents - alarms)}\n  false alarms {sorted(alarms - incidents)}")
    return hits / len(incidents), hits / max(len(alarms), 1), domains


@pytest.fixture(scope="module")
def alarms(tmp_path_factory) -> set[tuple[str, str, str]]:
    return detect(bw.build(tmp_path_factory.mktemp("blind") / "lakehouse"), bw.AS_OF, CHECKS)


def test_detection_on_the_first_blind_set_does_not_fall_below_its_tuned_figures(alarms) -> None:
    recall, precision, domains = figures(alarms, bw.INCIDENTS)
    assert recall == 1.0 and precision >= 24 / 25  # 24/26 before month-start durations were read
    assert all(r == 1.0 for r, _ in domains.values()), domains
