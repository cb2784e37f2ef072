"""A critical finding stays open in the UI, the API and the metrics until a person closes it, with who and why.

Real components: sweeps stored by the health service (lifecycle included) in Delta ops tables, the
UI app with Airflow's real JWT authentication, the metrics endpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.health.lifecycle import FindingEvent, FindingState
from include.health.models import DomainSweep
from include.health.service import sweep_and_store
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import Finding
from include.ops.store import LocalOpsStore

T0 = datetime(2026, 5, 10, 14, tzinfo=UTC)


def _spray(at: datetime) -> Finding:
    return Finding(domain="security", check="failed_login_burst", severity="critical", entity_type="ip",
                   entity_id="203.0.113.7", window_start=at.replace(hour=0), window_end=at, metric="failed_logins",
                   observed=240.0, baseline=2.0, summary="240 failed sign-ins from 203.0.113.7 (password spray)",
                   recommendation="Block the address.")


def _sweep(findings: list[Finding], at: datetime):
    def run(warehouse, domain, as_of, settings=None):
        return DomainSweep(domain="security", as_of=as_of, window_start=as_of - timedelta(hours=1), window_end=as_of,
                           findings=findings, checks_run=["failed_login_burst", "new_ip_login"])
    return run


def _counts(client) -> dict:
    return client.get("/api/overview").json()["open_findings_by_severity"]


def test_a_critical_finding_stays_open_until_a_person_closes_it(client, lakehouse) -> None:
    warehouse, store = LocalWarehouse(lakehouse), LocalOpsStore(lakehouse)
    sweep_and_store(warehouse, "security", T0, store=store, sweep_fn=_sweep([_spray(T0)], T0))
    # The next manual sweep's one-hour window no longer contains the spray: it must not vanish.
    later = T0 + timedelta(hours=2)
    sweep_and_store(warehouse, "security", later, store=store, sweep_fn=_sweep([], later))
    assert _counts(client)["critical"] == 1
    page = client.get("/api/findings").json()
    [item] = page["items"]
    issue = page["issues"][item["finding_id"]]
    assert issue["status"] == "open"
    assert 'lakepilot_findings_open{domain="security",severity="critical"} 1.0' in client.get("/metrics").text

    key = issue["issue_key"]
    assert client.post(f"/api/findings/{key}/status", json={"action": "acknowledge", "reason": ""}).status_code == 422
    assert client.post("/api/findings/nope/status", json={"action": "resolve", "reason": "x"}).status_code == 404
    acked = client.post(f"/api/findings/{key}/status", json={"action": "acknowledge", "reason": "blocking at the WAF"})
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    assert _counts(client)["critical"] == 1  # acknowledged is still unresolved
    done = client.post(f"/api/findings/{key}/status", json={"action": "resolve", "reason": "address blocked"}).json()
    assert done["status"] == "resolved" and done["changed_by"] not in ("", "sweep", "unknown")
    assert _counts(client)["critical"] == 0
    events = sorted(store.read(FindingEvent), key=lambda e: e.at)
    assert [(e.to_status, e.reason) for e in events][-2:] == [("acknowledged", "blocking at the WAF"),
                                                               ("resolved", "address blocked")]
    assert store.read(FindingState)[0].changed_by == done["changed_by"]


def test_the_page_offers_the_actions_and_posts_them(client, lakehouse) -> None:
    warehouse, store = LocalWarehouse(lakehouse), LocalOpsStore(lakehouse)
    sweep_and_store(warehouse, "security", T0, store=store, sweep_fn=_sweep([_spray(T0)], T0))
    html = client.get("/findings").text
    [state] = store.read(FindingState)
    assert f'action="/lakepilot/findings/{state.issue_key}"' in html or f"/findings/{state.issue_key}" in html
    posted = client.post(f"/findings/{state.issue_key}", data={"action": "snooze", "reason": "maintenance window"},
                         headers={"Origin": "http://testserver"})
    assert posted.status_code == 303
    assert store.read(FindingState)[0].status == "snoozed"
    assert _counts(client)["critical"] == 0
