"""Detection on the second blind workload (blind_workload_2.py: a logistics firm, 36 incidents, 51 decoys).

Written by a separate agent that saw only the system-table DDL and one line per check, after the
changes the first blind set motivated; measured once, on 2026-12-07, before any change made because
of it: **recall 34/36 (94%), precision 34/43 (79%)** at medium severity and up. Per domain (recall,
precision): cost 4/4, 4/5 · security 8/8, 8/11 · performance 4/4, 4/6 · reliability 8/8, 8/9 ·
data_quality 8/8, 8/10 · mlops 2/4, 2/2.

Below the 95% / 90% per-domain target. What it exposed, by kind: the 1st of the month (a monthly cost
allocation job, a month-end rollup's duration, a controller's close-day reads) alarms in three checks —
the baselines know the week, not the month; no minimum effect size (a heartbeat going from 8 s to
22 s); manual runs of an unscheduled dev job counted as a failure streak; a new joiner with no history;
an office NAT's failed sign-ins after a password rotation, each followed by a success; a schedule
changed from hourly to every 4 h, and a business-hours-only table at night, called stale; and two
traffic anomalies on endpoints below the 100-requests floor (a 7x surge from ~80 a day; ~100 a day
dropping to zero) missed. A change motivated by them needs a third blind set to be measured.

The set is no longer held out. After the changes it motivated (traffic judged by the size of the move,
a deleted endpoint's drop not raised, a minute's minimum for a regression, streaks of runs started by hand
told at low severity, stale tables judged by their writers' own crons, an office NAT whose failing accounts
signed in within the hour told at low severity, spend and traffic that reached the same level around the
same date in two of the last three months told at low severity) it gives recall 36/36 and precision
36/39 — a tuned figure, not evidence. Still alarming: the month-start rollup's duration and the
controller's month-start reads (run- and identity-based checks do not look at past months yet), and the
new joiner. The test
keeps the tuned figures as floors and the target as a strict xfail.
"""

from __future__ import annotations

import pytest

from tests.evals.health import blind_workload_2 as bw
from tests.evals.health.test_blind_workload import CHECKS, detect, figures


@pytest.fixture(scope="module")
def alarms(tmp_path_factory) -> set[tuple[str, str, str]]:
    return detect(bw.build(tmp_path_factory.mktemp("blind2") / "lakehouse"), bw.AS_OF, CHECKS)


def test_detection_on_the_second_blind_set_does_not_fall_below_what_was_measured(alarms) -> None:
    recall, precision, _ = figures(alarms, bw.INCIDENTS)
    assert recall == 1.0 and precision >= 36 / 38  # 36/39 before month-start durations were read


@pytest.mark.xfail(strict=True, reason="36/36, 36/39 after tuning (security precision 8/10, performance 4/5); target 95% / 90% in every domain")
def test_detection_on_the_second_blind_set_reaches_the_target_in_every_domain(alarms) -> None:
    _, _, domains = figures(alarms, bw.INCIDENTS)
    assert all(r >= 0.95 and p >= 0.90 for r, p in domains.values()), domains
