"""Detection on the fourth blind workload (blind_workload_4.py: Meridian Freight Lines, a truckload, LTL and
ocean-freight company; 36 incidents, 45 decoys; the monitored day is Monday 2025-09-01 — US Labor Day, the
1st of the month and a Monday at once).

Written by a separate agent that saw only the system-table DDL, the table writer and one line per check —
not the checks, their SQL, the simulator or the other blind sets — after the changes the first three sets
motivated. Only mechanical lint fixes were made to it (the UTC alias, format strings, import order).
Measured once, on 2026-12-07, before any change made because of it: **recall 28/36 (78%), precision 28/32
(88%)** at medium severity and up. Per domain (recall, precision): cost 4/5, 4/4 · security 5/8, 5/5 ·
performance 4/4, 4/5 · reliability 7/9, 7/7 · data_quality 5/6, 5/6 · mlops 3/4, 3/5.

Below the target (95% / 90% in every domain). Misses: small, sharp login bursts (22 failures in 8 min from a
contractor's home IP; 18 over 40 min across 3 accounts from a new IP), a moderate reader (24 tables, 14 new),
two daily jobs that failed twice in a row, a daily table one run overdue (41 h), an inference SKU at ~2.1x,
and an endpoint at ~2.4x a normal Monday on a holiday. False alarms: the holiday itself (two business-hours
endpoints at ~30% on Labor Day, as on July 4 — the checks know weeks and months, not public holidays), a
month-start job that is slow every 1st (the open "month-start duration" case), and a table whose writer
moved to a new table (the same shape as an incident in this set: a writer that stopped writing a table).

The set is no longer held out. One change it motivated — a job whose cron fires at most twice a day is a
failure streak after two failed runs, not three — gives recall 30/36, precision 30/34; a second — a duration
as long on the same dates of past months is a monthly run, told at low — 30/36, 30/33 (tuned, not evidence;
it also removed the month-start false alarms of sets 1 and 2); a third — sign-ins counted over any 60 minutes
instead of clock hours, `oidcBrowserLogin` and the other sign-in actions real audit logs carry counted at all,
and a slow spray (10+ failures against 3+ accounts over the day from an address that never signed anyone in)
reported below the hourly threshold — 32/36, 32/35. The floors below keep those figures from getting worse silently.
"""

from __future__ import annotations

import pytest

from tests.evals.health import blind_workload_4 as bw
from tests.evals.health.test_blind_workload import CHECKS, detect, figures


@pytest.fixture(scope="module")
def alarms(tmp_path_factory) -> set[tuple[str, str, str]]:
    return detect(bw.build(tmp_path_factory.mktemp("blind4") / "lakehouse"), bw.AS_OF, CHECKS)


def test_detection_on_the_fourth_blind_set_does_not_fall_below_what_was_measured(alarms) -> None:
    recall, precision, _ = figures(alarms, bw.INCIDENTS)
    assert recall >= 32 / 36 and precision >= 32 / 35


@pytest.mark.xfail(strict=True, reason="measured 78% recall / 88% precision once; target 95% / 90% in every domain")
def test_detection_on_the_fourth_blind_set_reaches_the_target_in_every_domain(alarms) -> None:
    _, _, domains = figures(alarms, bw.INCIDENTS)
    assert all(r >= 0.95 and p >= 0.90 for r, p in domains.values()), domains


def test_a_holiday_calendar_compares_the_holiday_with_sundays(tmp_path_factory) -> None:
    """Configured with the company's calendar (US), Labor Day is compared with Sundays too: the two
    business-hours endpoints at their Sunday level are quiet, the 24x7 endpoint that stalled still alarms.
    The EU endpoint broken on its normal workday is then missed (its Sundays are quiet as well): a
    calendar is per workspace, and this company serves both regions from one (tuned, not evidence)."""
    from include.health.runner import run_domain
    from include.health.settings import HealthSettings
    from include.lakehouse.warehouse import LocalWarehouse

    wh = LocalWarehouse(bw.build(tmp_path_factory.mktemp("blind4-holiday") / "lakehouse"))
    sweep = run_domain(wh, "mlops", bw.AS_OF, HealthSettings(holiday_calendars={"*": "US"}), only=["endpoint_traffic"])
    assert sweep.errors == []
    alarmed = {f.entity_id for f in sweep.findings if f.severity != "low"}
    assert not alarmed & {"dispatch-copilot", "lane-rate-quote"} and {"route-anomaly-detector", "eta-predictor-prod"} <= alarmed
    drop = next(f for f in sweep.findings if f.entity_id == "route-anomaly-detector")
    assert "below its Sundays too on a public holiday (Labor Day)" in drop.summary
    wrong = run_domain(wh, "mlops", bw.AS_OF, HealthSettings(holiday_calendars={"*": "XX"}), only=["endpoint_traffic"])
    assert [e.check for e in wrong.errors] == ["endpoint_traffic"] and "no public-holiday calendar 'XX'" in wrong.errors[0].error
