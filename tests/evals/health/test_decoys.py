"""Detection on a workload the checks were not written against: its decoys stay quiet, its incidents are found.

See decoys.py for the workload. Medium severity and up counts as an alarm (as in the issue's
measure); a low-severity note on a decoy is allowed (a stale table of a paused job says so).
"""

from __future__ import annotations

import pytest

from include.health.runner import run_domain
from include.lakehouse.warehouse import LocalWarehouse
from tests.evals.health import decoys


@pytest.fixture(scope="module")
def alarms(tmp_path_factory) -> set[tuple[str, str, str]]:
    root = decoys.build(tmp_path_factory.mktemp("decoys") / "lakehouse")
    wh = LocalWarehouse(root)
    found = set()
    for domain, checks in decoys.CHECKS.items():
        sweep = run_domain(wh, domain, decoys.AS_OF, only=checks)
        assert sweep.errors == [], sweep.errors
        found |= {(domain, f.check, decoys.entity_label(domain, f.entity_type, f.entity_id))
                  for f in sweep.findings if f.severity != "low"}
    return found


def test_every_incident_is_found(alarms) -> None:
    assert decoys.INCIDENTS <= alarms, f"missed: {sorted(decoys.INCIDENTS - alarms)}"


def test_no_decoy_raises_an_alarm_and_nothing_else_does(alarms) -> None:
    assert alarms & decoys.DECOYS == set()
    assert alarms == decoys.INCIDENTS, f"unexpected: {sorted(alarms - decoys.INCIDENTS)}"
