"""Security checks over the audit log: failed-login bursts, sign-ins from never-seen addresses,
privileged actions outside business hours, unusual read volume per identity.

Security windows are `security_window_hours` long (24 by default, so a daily sweep covers the
day); a burst is an address's densest 60 minutes inside it (not a clock hour), a slow spray its whole window.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, timedelta
from typing import Any

from include.health.checks.base import Check, PerObject, Row, Sweep, make_finding, num, ratio
from include.ops.models import Finding, Severity

AUDIT = "system.access.audit"


def _burst_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "history_start": s.before(s.settings.new_ip_history_days),
            "burst_threshold": s.settings.failed_login_burst, "spray_min_failures": s.settings.spray_min_failures,
            "spray_min_users": s.settings.spray_min_users}


def _bursts(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        failures, users = int(r["failures"]), int(r["users"])
        known = bool(r["ip_seen_ok_before"])
        spray = r.get("kind") == "spray"
        if spray and known:
            continue  # a known address with a slow trickle of failures over the day: an office, not an attack
        recovered, ok_days = int(num(r.get("users_recovered"))), int(num(r.get("ok_days")))
        # A shared address people sign in from every day (an office NAT), where nearly every account that
        # failed signed in within the hour: a password rotation or an outage, told but not paged.
        office = (known and ok_days >= s.settings.regular_ip_days and users >= 3
                  and recovered >= s.settings.recovered_share * users)
        first, last = r["first_seen"].astimezone(UTC), r["last_seen"].astimezone(UTC)
        severity: Severity = "low" if office else "critical" if not known and users >= 3 and not spray else "high"
        how = (f"{failures} failed sign-ins from {r['source_ip_address']} against {users} account(s) between "
               f"{first:%H:%M} and {last:%H:%M} UTC")
        if spray:
            how += f" — below {s.settings.failed_login_burst} in any hour, a slow spray across accounts"
        out.append(make_finding(
            s, "failed_login_burst", severity, "ip", r["source_ip_address"],
            "failed_logins" if spray else "failed_logins_per_hour", failures,
            float(s.settings.spray_min_failures if spray else s.settings.failed_login_burst),
            how + ("" if known else "; the address never signed anyone in before")
            + (f"; {recovered} of them signed in from it within the hour, and it signs people in on {ok_days} days of the history"
               if office else ""),
            "Block the address at the IdP/IP access list, check the targeted accounts for lockouts or later successful "
            "sign-ins, and enforce SSO/MFA.",
            {"workspace_id": r["workspace_id"], "users": users, "emails": sorted(e for e in (r["emails"] or []) if e)[:20], "user_agent": r["user_agent"],
             "ip_seen_ok_before": known, "first_seen": r["first_seen"], "last_seen": r["last_seen"],
             "users_recovered": recovered, "ok_days": ok_days, "kind": "spray" if spray else "burst"},
            window=(first, last + timedelta(seconds=1)) if spray else (first, first + timedelta(hours=1)),
        ))
    return out


def _new_ip_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "history_start": s.before(s.settings.new_ip_history_days),
            "min_history_logins": s.settings.new_ip_min_history_logins}


def _new_ips(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    by_user: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_user[r["email"]].append(r)
    out = []
    for email, items in sorted(by_user.items()):
        ips = sorted({r["ip"] for r in items})
        first = min(r["first_seen"] for r in items)
        out.append(make_finding(
            s, "new_ip_login", "high", "user", email, "new_source_ips", len(ips), 0.0,
            f"{email} signed in from {', '.join(ips)}, never used by them in the last {s.settings.new_ip_history_days} days "
            f"(first at {first:%Y-%m-%d %H:%M} UTC)",
            "Confirm with the person that the sign-in was theirs; if not, revoke their sessions and tokens and reset credentials.",
            {"workspace_id": items[0]["workspace_id"], "ips": ips, "logins": sum(int(r["logins"]) for r in items),
             "known_ips": items[0]["known_ips"], "history_logins": items[0]["history_logins"], "first_seen": first},
        ))
    return out


def _priv_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end}


def _after_hours(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    start_h, end_h = s.settings.business_hours_utc
    by_user: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        t = r["event_time"].astimezone(UTC)
        if t.weekday() not in s.settings.business_weekdays or not (start_h <= t.hour < end_h):
            by_user[r["email"]].append(r)
    out = []
    for email, items in sorted(by_user.items()):
        actions = sorted({f"{r['service_name']}.{r['action_name']}" for r in items})
        first, last = items[0]["event_time"], items[-1]["event_time"]
        out.append(make_finding(
            s, "after_hours_privileged", "high" if len(items) >= 3 else "medium", "user", email, "privileged_actions",
            len(items), 0.0,
            f"{email} made {len(items)} privileged change(s) outside business hours ({first:%a %H:%M}–{last:%H:%M} UTC): "
            + ", ".join(actions),
            "Verify the changes with the person and their manager; review the granted permissions and created tokens.",
            {"workspace_id": items[0]["workspace_id"], "actions": actions, "ips": sorted({r["source_ip_address"] for r in items}),
             "first_seen": first, "last_seen": last, "business_hours_utc": list(s.settings.business_hours_utc)},
            window=(first.astimezone(UTC), last.astimezone(UTC) + timedelta(minutes=1)),
        ))
    return out


def _reads_params(s: Sweep) -> dict[str, Any]:
    days = s.settings.read_volume_baseline_days
    windows = max(1, round(days * 86400 / s.window_seconds))
    return {"window_start": s.window_start, "window_end": s.window_end, "baseline_start": s.before(days),
            "baseline_windows": windows, "ratio": s.settings.read_volume_ratio,
            "min_tables": s.settings.read_volume_min_tables, "min_reads": s.settings.read_volume_min,
            "history_start": s.window_start - timedelta(seconds=s.window_seconds * max(windows, 21))}


def _same_weekday_reads(s: Sweep, r: Row) -> tuple[float, float] | None:
    """Mean (distinct tables, reads) in the same window of the past weeks the identity existed (None below two)."""
    first = r.get("first_read")
    weeks = [k for k in (1, 2, 3) if first is not None and first <= s.window_start - timedelta(days=7 * k)]
    if len(weeks) < 2:
        return None
    return (sum(float(r[f"tables_{k}w"]) for k in weeks) / len(weeks),
            sum(float(r[f"reads_{k}w"]) for k in weeks) / len(weeks))


def _reads(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    """Breadth (many more or never-read tables) or volume (many more reads), against the identity's own history."""
    cfg, out = s.settings, []
    for r in rows:
        tables, new, usual = int(r["window_tables"]), int(r["new_tables"]), num(r["baseline_tables_per_window"])
        reads, usual_reads = num(r["window_reads"]), num(r["baseline_per_window"])
        weekly = _same_weekday_reads(s, r)
        if weekly is not None and tables < cfg.read_volume_ratio * max(weekly[0], 1.0) \
                and reads < cfg.read_volume_ratio * max(weekly[1], 1.0) and new < cfg.read_volume_min_tables:
            continue  # what this identity reads on this weekday (a weekly export), not an anomaly
        x = max(ratio(tables, usual, floor=1.0), ratio(reads, usual_reads, floor=1.0))
        familiar = new == 0 and tables < cfg.read_volume_ratio * max(usual, 1.0)
        severity: Severity = "medium" if familiar else ("critical" if x >= 20 or new >= 100 else "high")
        out.append(make_finding(
            s, "unusual_read_volume", severity, "user", r["email"], "tables_read",
            tables, usual,
            f"{r['email']} read {tables} different tables ({new} never read before, {int(r['window_reads'])} reads) "
            f"vs a usual {usual:.0f} tables and {usual_reads:.0f} reads a day: {x:.0f}x"
            + (" (only tables it reads anyway)" if familiar else ""),
            "Check what was read and from where; if it is not an expected export, suspend the identity's tokens and review access.",
            {"workspace_id": r["workspace_id"], "ratio": x, "distinct_tables": tables, "new_tables": new,
             "reads": r["window_reads"], "usual_reads": usual_reads,
             "same_weekday_tables": weekly[0] if weekly else None, "same_weekday_reads": weekly[1] if weekly else None,
             "first_seen": r["first_seen"], "last_seen": r["last_seen"]},
        ))
    return out


CHECKS = [
    Check("failed_login_burst", "security", "health/security/failed_login_burst", (AUDIT,), _burst_params, _bursts,
          description="failed sign-ins per source IP and hour"),
    Check("new_ip_login", "security", "health/security/new_ip_login", (AUDIT,), _new_ip_params, _new_ips,
          description="successful sign-ins from addresses never used by the person"),
    Check("after_hours_privileged", "security", "health/security/privileged_actions", (AUDIT,), _priv_params, _after_hours,
          description="grants, admin and token changes outside business hours"),
    Check("unusual_read_volume", "security", "health/security/read_volume", (AUDIT,), _reads_params, _reads,
          description="distinct and never-read tables per identity vs its own history"),
]
