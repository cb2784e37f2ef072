"""Detection on the third blind workload (blind_workload_3.py: Prairie Current Energy, an electric and gas
utility; 34 incidents, 41 decoys; the monitored day is the Monday after the end of US daylight saving time).

Written by a separate agent that saw only the system-table DDL and one line per check — not the checks,
their SQL, the simulator or the other blind sets — after the changes the second set motivated (month-aware
spend and traffic, cron-aware stale tables, office-NAT bursts, manual-run streaks, a minute's minimum for
regressions, traffic judged by the size of the move). Measured once, on 2026-12-07, before any change made
because of it: **recall 30/34 (88%), precision 30/30 (100%)** at medium severity and up. Per domain
(recall, precision): cost 4/5, 4/4 · security 8/8, 8/8 · performance 3/4, 3/3 · reliability 7/8, 7/7 ·
data_quality 5/5, 5/5 · mlops 3/4, 3/3.

Precision reached the target; recall did not (95% per domain). All four misses are moderate incidents
below a threshold: a spend doubling (the spike ratio asks for more), a traffic drop to ~35% of normal (the
drop ratio asks for a third), a job slower for the last 8 of 24 hours (the day's median still looks
normal), and a weekday job that missed a single run (two misses are asked for). Lowering those bars trades
against the decoys of sets 1 and 2; a change needs a fourth blind set to be measured.

The set is no longer held out. One change it motivated — a job whose cron fires at most twice a day is
reported after one missed run, not two — gives recall 31/34, precision 31/31 (tuned, not evidence).
"""

from __future__ import annotations

import pytest

from tests.evals.health import blind_workload_3 as bw
from tests.evals.health.test_blind_workload import CHECKS, detect, figures


@pytest.fixture(scope="module")
def alarms(tmp_path_factory) -> set[tuple[str, str, str]]:
    return detect(bw.build(tmp_path_factory.mktemp("blind3") / "lakehouse"), bw.AS_OF, CHECKS)


def test_detection_on_the_third_blind_set_does_not_fall_below_what_was_measured(alarms) -> None:
    recall, precision, _ = figures(alarms, bw.INCIDENTS)
    assert recall >= 31 / 34 and precision >= 31 / 31


def test_no_decoy_is_raised(alarms) -> None:
    assert not alarms & bw.DECOYS, sorted(alarms & bw.DECOYS)


@pytest.mark.xfail(strict=True, reason="measured 88% recall / 100% precision once; target 95% / 90% in every domain")
def test_detection_on_the_third_blind_set_reaches_the_target_in_every_domain(alarms) -> None:
    _, _, domains = figures(alarms, bw.INCIDENTS)
    assert all(r >= 0.95 and p >= 0.90 for r, p in domains.values()), domains
