"""Detection on the fifth blind workload (blind_workload_5.py: Cascadia Pacific Airways, a regional airline;
37 incidents, 46 decoys over the eight checks; the monitored day is Sunday 2026-11-29, the Sunday after US
Thanksgiving and the busiest travel day of the year, with Thanksgiving Thursday/Friday in the history).

Written by a separate agent that saw only the system-table DDL, the table writer and one line per check —
not the checks, their SQL, the simulator, the docs or the other blind sets — after the changes the first four
sets motivated. Kept as written (it passed lint as delivered).

Measured once, on 2026-12-07, before any change made because of it: **recall 35/37 (95%), precision 35/38
(92%)** at medium severity and up. Per domain (recall, precision): cost 5/5, 5/6 · security 8/8, 8/8 ·
performance 5/5, 5/5 · reliability 8/8, 8/9 · data_quality 6/6, 6/7 · mlops 3/5, 3/3.

The overall figures meet the issue's 95% / 90%; four domains do not: MLOps recall (a stable endpoint at ~45%
of its usual Sunday traffic, and one at ~2.6x from a requester stuck in a retry loop, both missed — the
endpoint check wants larger moves), and one false alarm each in cost (a tiny serverless-SQL SKU, a few dollars
a day, that jumped), data quality (a table whose writer moved to a new table on 11-18: the same shape as a
writer that stopped, again) and reliability (an hourly job that failed four times and was then paused by its
owner). The floor below keeps these figures from getting worse silently; the per-domain target is a strict xfail.
"""

from __future__ import annotations

import pytest

from tests.evals.health import blind_workload_5 as bw
from tests.evals.health.test_blind_workload import CHECKS, detect, figures


@pytest.fixture(scope="module")
def alarms(tmp_path_factory) -> set[tuple[str, str, str]]:
    return detect(bw.build(tmp_path_factory.mktemp("blind5") / "lakehouse"), bw.AS_OF, CHECKS)


def test_detection_on_the_fifth_blind_set_does_not_fall_below_what_was_measured(alarms) -> None:
    recall, precision, _ = figures(alarms, bw.INCIDENTS)
    assert recall >= 35 / 37 and precision >= 35 / 38


def test_no_decoy_of_the_fifth_set_alarms_beyond_the_three_measured(alarms) -> None:
    assert alarms & bw.DECOYS <= {
        ("cost", "sku_spike", f"4182937465019283/{bw.SKU_SSQL}"),
        ("data_quality", "stale_table", "ops_prod.legacy.gate_events"),
        ("reliability", "failure_streak", "402118736452599"),
    }


@pytest.mark.xfail(strict=True, reason="measured 95% recall / 92% precision once; mlops recall 3/5, cost, data "
                                       "quality and reliability precision below 90%; target 95% / 90% in every domain")
def test_detection_on_the_fifth_blind_set_reaches_the_target_in_every_domain(alarms) -> None:
    _, _, domains = figures(alarms, bw.INCIDENTS)
    assert all(r >= 0.95 and p >= 0.90 for r, p in domains.values()), domains
