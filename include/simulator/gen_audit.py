"""`system.access.audit`: people, service principals and jobs acting on the workspaces.

People work on weekdays inside business hours from the addresses they always use; admins change
permissions and groups in business hours; service principals authenticate around the clock.
Security incidents add their events on top.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from numpy.typing import ArrayLike

from include.lakehouse.schema import system_table_schema
from include.simulator import vocab
from include.simulator.arrowkit import NULL, batch, choice_strings, map_array
from include.simulator.context import Context
from include.simulator.ids import DAY, HOUR, SEC, from_us, uuids
from include.simulator.world import World

ACTIONS: list[tuple[str, str]] = [
    ("accounts", "login"), ("accounts", "aadTokenLogin"), ("accounts", "tokenLogin"),
    ("unityCatalog", "getTable"), ("unityCatalog", "generateTemporaryTableCredential"),
    ("notebook", "runCommand"), ("jobs", "runNow"), ("clusters", "create"), ("clusters", "edit"),
    ("unityCatalog", "updatePermissions"), ("permissions", "changePermissions"),
    ("accounts", "addPrincipalToGroup"), ("accounts", "generateDbToken"), ("jobs", "runStart"),
]
A = {a: i for i, a in enumerate(ACTIONS)}
PRIVILEGED = [A[("unityCatalog", "updatePermissions")], A[("permissions", "changePermissions")],
              A[("accounts", "addPrincipalToGroup")], A[("accounts", "generateDbToken")]]
WORK_START_H, WORK_END_H = 7.5, 18.5


class _Params:
    """A vocabulary of request_params maps, referenced by index (maps are costly per row)."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = [{}]
        self._index: dict[tuple[tuple[str, str], ...], int] = {(): 0}

    def id(self, params: dict[str, str]) -> int:
        key = tuple(sorted(params.items()))
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(params)
        return self._index[key]


class _Events:
    """Columns of audit events collected for one batch."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {k: [] for k in ("t", "who", "action", "ip", "status", "params", "ws", "agent")}

    def add(self, t: np.ndarray, who: ArrayLike, action: ArrayLike, ip: ArrayLike, status: ArrayLike,
            params: ArrayLike, ws: ArrayLike, agent: ArrayLike) -> None:
        n = len(t)
        for key, value in (("t", t), ("who", who), ("action", action), ("ip", ip), ("status", status),
                           ("params", params), ("ws", ws), ("agent", agent)):
            self.cols[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.empty(0, np.int64) for k, v in self.cols.items()}


def _work_times(rng: np.random.Generator, day: int, n: int) -> np.ndarray:
    return day + (rng.uniform(WORK_START_H, WORK_END_H, n) * HOUR).astype(np.int64)


class _Vocab:
    """Identities, addresses and user agents of the account, as index spaces."""

    def __init__(self, world: World) -> None:
        self.who = [u.email for u in world.users] + [s.app_id for s in world.sps]
        self.ips: list[str] = []
        self._ip: dict[str, int] = {}
        for ip in [ip for u in world.users for ip in u.ips] + [s.ip for s in world.sps]:
            self.ip(ip)

    def ip(self, address: str) -> int:
        if address not in self._ip:
            self._ip[address] = len(self.ips)
            self.ips.append(address)
        return self._ip[address]


def _user_day(ctx: Context, voc: _Vocab, params: _Params, day: int, day_index: int, ev: _Events,
              rng: np.random.Generator) -> None:
    world = ctx.world
    weekday = from_us(day).weekday() < 5
    tables_by_ws = {ws: sorted(t.full_name for t in world.tables.values() if t.ws == ws) for ws in range(len(world.workspaces))}
    jobs_by_ws = {ws: [j.job_id for j in world.jobs if j.ws == ws] for ws in range(len(world.workspaces))}
    for u_idx, user in enumerate(world.users):
        if not weekday and rng.random() > 0.08:
            continue
        cloud = world.workspaces[user.ws].info.cloud
        ip = voc.ip(user.ips[day_index % len(user.ips)])
        login = A[("accounts", "aadTokenLogin" if cloud == "AZURE" else "login")]
        agent = int(rng.integers(0, 2))
        n_login = int(rng.integers(1, 3))
        t_login = _work_times(rng, day, n_login)
        typo = rng.random(n_login) < 0.03
        if typo.any():
            ev.add(t_login[typo] - 20 * SEC, u_idx, login, ip, 401, 0, user.ws, agent)
        ev.add(t_login, u_idx, login, ip, 200, params.id({"user": user.email}), user.ws, agent)
        tables = tables_by_ws[user.ws]
        n_read = int(rng.poisson(user.reads_per_day * (1.0 if weekday else 0.3)))
        if n_read and tables:
            which = rng.integers(0, len(tables), n_read)
            ids = np.array([params.id({"full_name_arg": tables[int(i)]}) for i in range(len(tables))])[which]
            action = np.where(rng.random(n_read) < 0.7, A[("unityCatalog", "getTable")], A[("unityCatalog", "generateTemporaryTableCredential")])
            ev.add(_work_times(rng, day, n_read), u_idx, action, ip, 200, ids, user.ws, agent)
        n_nb = int(rng.poisson(8))
        ev.add(_work_times(rng, day, n_nb), u_idx, A[("notebook", "runCommand")], ip, 200, 0, user.ws, agent)
        jobs = jobs_by_ws[user.ws]
        n_run = int(rng.poisson(0.3)) if jobs else 0
        if n_run:
            picked = [params.id({"job_id": jobs[int(i)]}) for i in rng.integers(0, len(jobs), n_run)]
            ev.add(_work_times(rng, day, n_run), u_idx, A[("jobs", "runNow")], ip, 200, np.array(picked), user.ws, agent)
        if rng.random() < 0.04:
            ev.add(_work_times(rng, day, 1), u_idx, A[("clusters", "edit")], ip, 200, 0, user.ws, agent)
        if weekday and rng.random() < 0.05:
            ev.add(_work_times(rng, day, 1), u_idx, A[("accounts", "generateDbToken")], ip, 200,
                   params.id({"lifetime_seconds": "7776000"}), user.ws, agent)
        if user.is_admin and weekday:
            n_priv = int(rng.poisson(1.5))
            if n_priv:
                kinds = rng.choice(PRIVILEGED, n_priv)
                ev.add(_work_times(rng, day, n_priv), u_idx, kinds, ip, 200, params.id({"securable_type": "table"}), user.ws, agent)


def _incident_events(ctx: Context, voc: _Vocab, params: _Params, ev: _Events,
                    rng: np.random.Generator) -> None:
    world = ctx.world
    index = {email: i for i, email in enumerate(voc.who)}
    for sec in ctx.plan.security:
        times = np.sort(rng.integers(sec.t0, sec.t1, max(sec.count, 1)))
        cloud = world.workspaces[sec.ws].info.cloud
        login = A[("accounts", "aadTokenLogin" if cloud == "AZURE" else "login")]
        if sec.kind == "failed_login_burst":
            assert sec.ip
            targets = [index.get(t) for t in sec.targets]
            unknown = [t for t, i in zip(sec.targets, targets, strict=True) if i is None]
            for email in unknown:
                index[email] = len(voc.who)
                voc.who.append(email)
            who = np.array([index[t] for t in sec.targets])[rng.integers(0, len(sec.targets), len(times))]
            ev.add(times, who, login, voc.ip(sec.ip), 401, 0, sec.ws, 2)
            continue
        user = index[sec.user]  # type: ignore[index]
        person = world.users[user]
        ip = voc.ip(sec.ip) if sec.ip else voc.ip(person.ips[0])
        tables = sorted(t.full_name for t in world.tables.values() if t.ws == sec.ws) or ["main.default.unknown"]
        table_ids = np.array([params.id({"full_name_arg": t}) for t in tables])
        if sec.kind == "new_ip_login":
            ev.add(times[:1], user, login, ip, 200, params.id({"user": person.email}), sec.ws, 0)
            ev.add(times[1:], user, A[("unityCatalog", "getTable")], ip, 200, table_ids[rng.integers(0, len(tables), len(times) - 1)], sec.ws, 0)
        elif sec.kind == "after_hours_privileged":
            ev.add(times, user, rng.choice(PRIVILEGED, len(times)), ip, 200, params.id({"group_name": "admins"}), sec.ws, 3)
        elif sec.kind == "unusual_read_volume":
            ev.add(times, user, A[("unityCatalog", "generateTemporaryTableCredential")], ip, 200,
                   table_ids[rng.integers(0, len(tables), len(times))], sec.ws, 2)


def _service_events(ctx: Context, voc: _Vocab, params: _Params, ev: _Events,
                   rng: np.random.Generator) -> None:
    world = ctx.world
    n_users = len(world.users)
    hours = np.arange(world.start_us, world.end_us, HOUR, dtype=np.int64)
    for s_idx, sp in enumerate(world.sps):
        ev.add(hours + rng.integers(0, HOUR, len(hours)), n_users + s_idx, A[("accounts", "tokenLogin")], voc.ip(sp.ip), 200, 0, sp.ws, 2)
    runs = ctx.runs
    who_of = np.array([voc.who.index(j.spec.run_as) for j in world.jobs])
    ip_of = np.array([voc.ip(world.sps[voc.who.index(j.spec.run_as) - n_users].ip) if voc.who.index(j.spec.run_as) >= n_users
                      else voc.ip(world.users[voc.who.index(j.spec.run_as)].ips[0]) for j in world.jobs])
    ws_of = np.array([j.ws for j in world.jobs])
    job_params = np.array([params.id({"jobId": j.job_id}) for j in world.jobs])
    ev.add(runs.start, who_of[runs.job], A[("jobs", "runStart")], ip_of[runs.job], 200, job_params[runs.job], ws_of[runs.job], 2)
    ev.add(runs.cluster_start, who_of[runs.job], A[("clusters", "create")], ip_of[runs.job], 200, job_params[runs.job], ws_of[runs.job], 2)


def _batch(ctx: Context, voc: _Vocab, params: _Params, cols: dict[str, np.ndarray], schema: pa.Schema,
           rng: np.random.Generator) -> pa.RecordBatch:
    order = np.argsort(cols["t"], kind="stable")
    c = {k: v[order] for k, v in cols.items()}
    n = len(c["t"])
    ws_ids = [w.info.workspace_id for w in ctx.world.workspaces]
    who = choice_strings(voc.who, c["who"])
    ok = c["status"] == 200
    agents = list(vocab.USER_AGENTS[:2]) + [vocab.USER_AGENTS[2], "python-requests/2.31.0"]
    return batch(schema, n, {
        "account_id": ctx.world.account_id, "workspace_id": choice_strings(ws_ids, c["ws"]), "version": "2.0",
        "event_time": c["t"], "event_date": (c["t"] // DAY).astype(np.int32),
        "source_ip_address": choice_strings(voc.ips, c["ip"]), "user_agent": choice_strings(agents, c["agent"]),
        "session_id": uuids(rng, n), "user_identity": {"email": who},
        "service_name": choice_strings([a[0] for a in ACTIONS], c["action"]),
        "action_name": choice_strings([a[1] for a in ACTIONS], c["action"]), "request_id": uuids(rng, n),
        "request_params": map_array(params.items, c["params"]),
        "response": {"status_code": c["status"].astype(np.int32),
                     "error_message": pa.array(np.where(ok, NULL, "Invalid username or password"), type=pa.string())},
        "audit_level": "WORKSPACE_LEVEL", "event_id": uuids(rng, n),
        "identity_metadata": {"run_by": who, "run_as": who},
    })


def generate_audit(ctx: Context) -> None:
    """Write the audit log a day at a time (incident and service events in their own batch)."""
    world = ctx.world
    schema = system_table_schema("system.access.audit")
    voc, params = _Vocab(world), _Params()
    rng = ctx.rng("audit")

    def batches() -> Iterator[pa.RecordBatch]:
        for i, day in enumerate(ctx.day_starts().tolist()):
            ev = _Events()
            _user_day(ctx, voc, params, day, i, ev, rng)
            cols = ev.arrays()
            if len(cols["t"]):
                yield _batch(ctx, voc, params, cols, schema, rng)
        ev = _Events()
        _incident_events(ctx, voc, params, ev, rng)
        _service_events(ctx, voc, params, ev, rng)
        yield _batch(ctx, voc, params, ev.arrays(), schema, rng)

    ctx.write("system.access.audit", batches(), total_batches=world.days + 1)
