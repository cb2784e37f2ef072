"""The SQL Statement Execution API and OAuth M2M of the emulator, over HTTP(S), through the real
`DatabricksHook` (`DatabricksWarehouse`) and raw requests: typed parameters, polling, chunks, cancel,
Databricks-shaped failures, service-principal tokens over TLS, and wrong credentials failing fast."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
import requests

from include.connections import databricks_warehouse
from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.server import EmulatorServer
from include.emulator.tls import TlsFiles, make_certificates
from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema
from include.lakehouse.statement_api import WarehouseAuthError
from include.lakehouse.warehouse import LocalWarehouse, QueryError
from tests.include.emulator.conftest import start

USAGE = "system.billing.usage"
SP_ID, SP_SECRET = "sp-test-client", "sp-test-secret-value"


def _usage(n: int) -> pa.Table:
    schema = system_table_schema(USAGE)
    rows = [{
        "account_id": "acc", "workspace_id": "1001" if i % 2 else "1002", "record_id": f"r{i:03d}",
        "sku_name": "PREMIUM_JOBS_COMPUTE", "cloud": "AWS",
        "usage_start_time": datetime(2026, 3, 1, i % 24, tzinfo=UTC), "usage_end_time": datetime(2026, 3, 1, i % 24, 30, tzinfo=UTC),
        "usage_date": date(2026, 3, 1 + i // 24), "custom_tags": [("team", "data-eng")] if i % 3 else [],
        "usage_unit": "DBU", "usage_quantity": Decimal("2.5") + i, "usage_metadata": {"job_id": str(100 + i)},
        "record_type": "ORIGINAL",
    } for i in range(n)]
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture
def usage_lakehouse(lakehouse: Path) -> Path:
    write_table(lakehouse, USAGE, _usage(50), system_table_schema(USAGE))
    return lakehouse


def _server(root: Path, tls: TlsFiles | None = None) -> EmulatorServer:
    return start(root, tls=tls, client_id=SP_ID, client_secret=SP_SECRET, sql_chunk_rows=7)


@pytest.fixture
def plain(usage_lakehouse: Path) -> Iterator[EmulatorServer]:
    server = _server(usage_lakehouse)
    yield server
    server.stop()


def _pat_connection(monkeypatch: pytest.MonkeyPatch, server: EmulatorServer, token: str = DEFAULT_TOKEN) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", json.dumps({
        "conn_type": "databricks", "host": "127.0.0.1", "port": server.port, "schema": "http", "password": token,
        "extra": {"http_path": "/sql/1.0/warehouses/local"}}))


def _post(server: EmulatorServer, body: dict, token: str = DEFAULT_TOKEN) -> dict:
    answer = requests.post(f"{server.url}/api/2.0/sql/statements", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return {"http": answer.status_code, **answer.json()}


QUERY = """
SELECT workspace_id, record_id, usage_quantity, usage_start_time, usage_date, custom_tags, usage_metadata.job_id AS job_id,
       named_struct('n', 1, 'at', usage_start_time) AS detail, array(1, 2) AS xs
FROM system.billing.usage
WHERE usage_date >= :since AND usage_quantity > :least AND workspace_id <> :skip AND record_type = :kind
ORDER BY record_id
"""
PARAMS = {"since": date(2026, 3, 1), "least": Decimal("4.5"), "skip": "none", "kind": "ORIGINAL"}


def test_a_query_through_the_hook_returns_what_the_local_engine_returns(plain, usage_lakehouse, monkeypatch) -> None:
    _pat_connection(monkeypatch, plain)
    remote = databricks_warehouse()
    got = remote.query(QUERY, PARAMS, name="usage")
    want = LocalWarehouse(usage_lakehouse).query(QUERY, PARAMS, name="usage")
    assert got.num_rows == want.num_rows == 47  # several result chunks of 7 rows, gathered in order
    assert got.to_pylist() == want.to_pylist()
    assert got.schema.field("usage_quantity").type == want.schema.field("usage_quantity").type
    assert pa.types.is_timestamp(got.schema.field("usage_start_time").type)
    assert got.schema.field("usage_start_time").type.tz == "UTC"
    assert got.schema.field("custom_tags").type == pa.map_(pa.string(), pa.string())
    # parameters are typed and bound by the server, never spliced into the text
    assert remote.query("SELECT COUNT(*) AS n FROM system.billing.usage WHERE record_id = :r", {"r": "r001' OR '1'='1"},
                        name="injection").column("n").to_pylist() == [0]
    assert remote.query("SELECT :nothing IS NULL AS empty, :flag AS flag, :at AS at", {"nothing": None, "flag": True,
                        "at": datetime(2026, 3, 1, 5, tzinfo=UTC)}, name="scalars").to_pylist() == [
        {"empty": True, "flag": True, "at": datetime(2026, 3, 1, 5, tzinfo=UTC)}]
    assert remote.table_schema(USAGE).field("usage_metadata").type == system_table_schema(USAGE).field("usage_metadata").type


def test_failures_come_back_in_databricks_shape_and_name_the_query(plain, monkeypatch) -> None:
    _pat_connection(monkeypatch, plain)
    remote = databricks_warehouse()
    with pytest.raises(QueryError, match=r"query broken failed on Databricks \(BAD_REQUEST\).*no_such_column"):
        remote.query("SELECT no_such_column FROM system.billing.usage", name="broken")
    with pytest.raises(QueryError, match=r"query missing: no value for parameter\(s\) since"):
        remote.query("SELECT 1 FROM system.billing.usage WHERE usage_date >= :since", {}, name="missing")
    failed = _post(plain, {"statement": "DELETE FROM system.billing.usage", "warehouse_id": "local"})
    assert failed["status"]["state"] == "FAILED" and failed["status"]["error"]["error_code"] == "NOT_IMPLEMENTED"
    assert _post(plain, {"statement": "SELECT 1", "warehouse_id": "nope"})["http"] == 400
    bad_wait = _post(plain, {"statement": "SELECT 1", "warehouse_id": "local", "wait_timeout": "3s"})
    assert bad_wait["http"] == 400 and "wait_timeout" in bad_wait["message"]
    assert _post(plain, {"statement": "SELECT 1", "warehouse_id": "local"}, token="dapi-wrong")["http"] == 403
    listed = requests.get(f"{plain.url}/api/2.0/sql/warehouses", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}, timeout=10).json()
    assert "local" in [w["id"] for w in listed["warehouses"]]


def test_async_statements_are_polled_chunked_and_cancelled(plain) -> None:
    auth = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    first = _post(plain, {"statement": "SELECT record_id FROM system.billing.usage ORDER BY record_id", "warehouse_id": "local",
                          "wait_timeout": "0s"})
    assert first["status"]["state"] in ("PENDING", "RUNNING", "SUCCEEDED")
    url = f"{plain.url}/api/2.0/sql/statements/{first['statement_id']}"
    deadline = time.monotonic() + 30
    answer = first
    while answer["status"]["state"] != "SUCCEEDED":
        assert time.monotonic() < deadline
        time.sleep(0.05)
        answer = requests.get(url, headers=auth, timeout=10).json()
    manifest = answer["manifest"]
    assert manifest["total_row_count"] == 50 and manifest["total_chunk_count"] == 8
    rows = list(answer["result"]["data_array"])
    index = answer["result"].get("next_chunk_index")
    while index is not None:
        chunk = requests.get(f"{url}/result/chunks/{index}", headers=auth, timeout=10).json()
        rows += chunk["data_array"]
        index = chunk.get("next_chunk_index")
    assert [r[0] for r in rows] == [f"r{i:03d}" for i in range(50)]
    assert requests.get(f"{url}/result/chunks/8", headers=auth, timeout=10).status_code == 400
    limited = _post(plain, {"statement": "SELECT record_id FROM system.billing.usage", "warehouse_id": "local", "row_limit": 5})
    assert limited["manifest"]["total_row_count"] == 5 and limited["manifest"]["truncated"] is True
    # cancel, then close: the statement is gone
    slow = _post(plain, {"statement": "SELECT COUNT(*) FROM range(300000000) a", "warehouse_id": "local", "wait_timeout": "0s"})
    slow_url = f"{plain.url}/api/2.0/sql/statements/{slow['statement_id']}"
    assert requests.post(f"{slow_url}/cancel", headers=auth, timeout=10).status_code == 200
    state = requests.get(slow_url, headers=auth, timeout=10).json()["status"]["state"]
    assert state in ("CANCELED", "SUCCEEDED")  # a query already finished cannot be cancelled
    assert requests.delete(url, headers=auth, timeout=10).status_code == 200
    assert requests.get(url, headers=auth, timeout=10).status_code == 404


def test_an_older_export_fails_as_on_a_real_workspace(lakehouse: Path, monkeypatch) -> None:
    """The SQL API reads tables as stored (no conforming): naming a field the export lacks fails, naming it."""
    schema = pa.schema([pa.field("workspace_id", pa.string()), pa.field("usage_metadata", pa.struct([("job_id", pa.string())]))])
    write_table(lakehouse, USAGE, pa.Table.from_pylist([{"workspace_id": "1", "usage_metadata": {"job_id": "7"}}], schema=schema), schema)
    server = _server(lakehouse)
    try:
        _pat_connection(monkeypatch, server)
        remote = databricks_warehouse()
        assert remote.query("SELECT usage_metadata.job_id AS j FROM system.billing.usage", name="old").to_pylist() == [{"j": "7"}]
        with pytest.raises(QueryError, match="warehouse_id"):
            remote.query("SELECT usage_metadata.warehouse_id FROM system.billing.usage", name="newer field")
    finally:
        server.stop()


@pytest.fixture
def tls_server(usage_lakehouse: Path, tmp_path: Path, monkeypatch) -> Iterator[EmulatorServer]:
    tls = make_certificates(tmp_path / "tls")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca_cert))
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_cert))
    server = _server(usage_lakehouse, tls=tls)
    yield server
    server.stop()


def _sp_connection(monkeypatch, server: EmulatorServer, secret: str) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", json.dumps({
        "conn_type": "databricks", "host": f"127.0.0.1:{server.port}", "login": SP_ID, "password": secret,
        "extra": {"service_principal_oauth": True, "http_path": "/sql/1.0/warehouses/local"}}))


def test_a_service_principal_over_tls_gets_a_token_and_queries(tls_server, monkeypatch) -> None:
    assert tls_server.url.startswith("https://")
    _sp_connection(monkeypatch, tls_server, SP_SECRET)
    remote = databricks_warehouse()
    remote.check()
    assert remote.query("SELECT COUNT(*) AS n FROM system.billing.usage", name="count").column("n").to_pylist() == [50]
    # the token endpoint: client credentials in Basic auth or the form; a token that works as Bearer
    token = requests.post(f"{tls_server.url}/oidc/v1/token", data={"grant_type": "client_credentials", "scope": "all-apis"},
                          auth=(SP_ID, SP_SECRET), timeout=10).json()
    assert token["token_type"].lower() == "bearer" and token["expires_in"] > 0
    assert _post(tls_server, {"statement": "SELECT 1 AS one", "warehouse_id": "local"}, token=token["access_token"])["status"]["state"] == "SUCCEEDED"
    refused = requests.post(f"{tls_server.url}/oidc/v1/token", data={"grant_type": "client_credentials"}, auth=(SP_ID, "nope"), timeout=10)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    with pytest.raises(requests.exceptions.SSLError):  # the CA is needed: nothing falls back to plain trust
        requests.get(f"{tls_server.url}/", verify=requests.certs.where(), timeout=10)


def test_a_wrong_secret_fails_fast_naming_the_connection_and_the_status(tls_server, monkeypatch) -> None:
    _sp_connection(monkeypatch, tls_server, "not-the-secret")
    started = time.monotonic()
    with pytest.raises(WarehouseAuthError, match=r"refused the credentials of connection 'databricks_default' \(HTTP 401\)") as caught:
        databricks_warehouse().check()
    assert time.monotonic() - started < 10  # a 401 is not retried
    assert "not-the-secret" not in str(caught.value)


def test_the_ops_store_writes_by_merge_through_the_statement_api(plain, usage_lakehouse, monkeypatch) -> None:
    """DatabricksOpsStore end to end: CREATE, DESCRIBE, MERGE (a retried write updates, never duplicates), reads back."""
    from include.ops.models import Finding
    from include.ops.store import DatabricksOpsStore, LocalOpsStore
    from tests.include.ops.test_store import _finding

    _pat_connection(monkeypatch, plain)
    store = DatabricksOpsStore(databricks_warehouse(), catalog="main", schema="lakepilot_ops")
    first = store.upsert([_finding("1001"), _finding("1002", summary="it's \"quoted\" — ünïcode")])
    again = store.upsert([_finding("1002", summary="updated")])  # a retried task's write: same key
    assert (first.inserted, first.updated, again.inserted, again.updated) == (2, 0, 0, 1)  # MERGE's own counts
    rows = sorted(store.read(Finding), key=lambda f: f.entity_id)
    assert [(f.entity_id, f.summary) for f in rows] == [("1001", "spike"), ("1002", "updated")]
    assert rows[0].evidence == {"daily_cost": [40, 41, 120]} and rows[0].window_start == datetime(2026, 3, 1, tzinfo=UTC)
    assert [f.entity_id for f in store.read(Finding, {"entity_id": "1001"})] == ["1001"]
    # the same rows as the local store keeps for the same writes (Delta tables in the same lakehouse)
    local = LocalOpsStore(usage_lakehouse, catalog="main", schema="lakepilot_ops").read(Finding)
    assert sorted(f.model_dump_json() for f in local) == sorted(f.model_dump_json() for f in rows)


def test_write_statements_outside_the_supported_shapes_are_refused(plain) -> None:
    create = _post(plain, {"statement": "CREATE TABLE IF NOT EXISTS main.x.t (`k` STRING, `v` BIGINT) USING DELTA", "warehouse_id": "local"})
    assert create["status"]["state"] == "SUCCEEDED"
    again = _post(plain, {"statement": "CREATE TABLE main.x.t (`k` STRING) USING DELTA", "warehouse_id": "local"})
    assert again["status"]["error"]["message"].startswith("[TABLE_OR_VIEW_ALREADY_EXISTS]")
    added = _post(plain, {"statement": "ALTER TABLE main.x.t ADD COLUMNS (`w` DOUBLE)", "warehouse_id": "local"})
    assert added["status"]["state"] == "SUCCEEDED"
    described = _post(plain, {"statement": "DESCRIBE TABLE main.x.t", "warehouse_id": "local"})
    assert [r[0] for r in described["result"]["data_array"]] == ["k", "v", "w"]
    merge = ("MERGE INTO main.x.t AS t USING (SELECT inline(from_json(:rows, 'ARRAY<STRUCT<`k`: STRING, `v`: BIGINT>>'))) AS s "
             "ON t.`k` = s.`k` WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")
    done = _post(plain, {"statement": merge, "warehouse_id": "local", "parameters": [{"name": "rows", "value": '[{"k": "a", "v": 1}]'}]})
    assert done["result"]["data_array"] == [["1", "0", "0", "1"]]
    bad_json = _post(plain, {"statement": merge, "warehouse_id": "local", "parameters": [{"name": "rows", "value": "[{"}]})
    assert bad_json["status"]["error"]["message"].startswith("[MALFORMED_RECORD_IN_PARSING]")
    deleting = merge.replace("WHEN MATCHED THEN UPDATE SET *", "WHEN MATCHED THEN DELETE")
    refused = _post(plain, {"statement": deleting, "warehouse_id": "local", "parameters": [{"name": "rows", "value": "[]"}]})
    assert refused["status"]["error"]["error_code"] == "NOT_IMPLEMENTED"
    count = _post(plain, {"statement": "SELECT COUNT(*) FROM main.x.t", "warehouse_id": "local"})
    assert count["result"]["data_array"] == [["1"]]  # nothing half-written by the refused statements


def test_reading_an_ops_table_nothing_was_written_to_yet_is_empty(plain, monkeypatch) -> None:
    from include.ops.models import Finding
    from include.ops.store import DatabricksOpsStore

    _pat_connection(monkeypatch, plain)
    remote = databricks_warehouse()
    with pytest.raises(QueryError, match=r"\[TABLE_OR_VIEW_NOT_FOUND\] The table or view `main`.`nothing`.`findings` cannot be found"):
        remote.query("SELECT * FROM main.nothing.findings", name="absent")
    assert DatabricksOpsStore(remote, catalog="main", schema="nothing").read(Finding) == []
