"""A sweep over another release's schema runs every check whose columns exist and names every one that cannot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from include.health.runner import run_all
from include.lakehouse.warehouse import LocalWarehouse
from include.simulator.vintage import NEWER_COLUMN, apply_vintage, drop_columns


def _key(sweeps) -> set[tuple[str, str, str, str]]:
    return {(f.domain, f.check, f.entity_type, f.entity_id) for s in sweeps for f in s.findings}


@pytest.fixture(scope="module")
def vintages(workspace, tmp_path_factory) -> dict[str, Path]:
    root, _ = workspace
    out = {}
    for vintage in ("older", "newer", "partial"):
        copy = tmp_path_factory.mktemp(vintage) / "lakehouse"
        shutil.copytree(root, copy)
        if vintage == "partial":  # an export of selected columns: node_timeline without its CPU figures
            drop_columns(copy, "system.compute.node_timeline", ("cpu_user_percent", "cpu_system_percent"))
        else:
            assert apply_vintage(copy, vintage)
        out[vintage] = copy
    return out


@pytest.fixture(scope="module")
def current(workspace):
    root, manifest = workspace
    return run_all(LocalWarehouse(root), manifest.end)


def test_a_newer_release_with_unknown_columns_and_fields_gives_the_same_findings(vintages, workspace, current) -> None:
    _, manifest = workspace
    wh = LocalWarehouse(vintages["newer"])
    assert NEWER_COLUMN in wh.table_schema("system.billing.usage").names
    sweeps = run_all(wh, manifest.end)
    assert [e for s in sweeps for e in s.errors] == [s_e for s in current for s_e in s.errors]
    assert _key(sweeps) == _key(current)


def test_an_older_release_runs_what_it_can_and_names_what_it_cannot(vintages, workspace, current) -> None:
    _, manifest = workspace
    sweeps = run_all(LocalWarehouse(vintages["older"]), manifest.end)
    schema_errors = {(s.domain, e.check): e for s in sweeps for e in s.errors if e.kind == "schema"}
    other_errors = [e for s in sweeps for e in s.errors if e.kind != "schema"]
    assert other_errors == [e for s in current for e in s.errors]  # nothing else broke (no SchemaMismatchError)
    # Every check that could not run names a column the older release really lacks …
    dropped = {"system.billing.usage.usage_type", "system.lakeflow.job_run_timeline.run_duration_seconds",
               "system.lakeflow.job_run_timeline.termination_type", "system.lakeflow.job_run_timeline.setup_duration_seconds",
               "system.lakeflow.job_run_timeline.queue_duration_seconds",
               "system.lakeflow.job_run_timeline.execution_duration_seconds",
               "system.lakeflow.job_run_timeline.cleanup_duration_seconds", "system.billing.usage.identity_metadata.run_by",
               "system.access.audit.identity_metadata.run_by_display_name",
               "system.access.audit.identity_metadata.run_as_display_name"}
    for (domain, check), error in schema_errors.items():
        assert error.missing and all(m in dropped or ".usage_metadata." in m or ".product_features." in m
                                     for m in error.missing), (domain, check, error.missing)
        assert "could not run" in error.error and error.missing[0] in error.error
    # … and every other check found exactly what it finds on the current schema.
    skipped = set(schema_errors)
    expected = {k for k in _key(current) if (k[0], k[1]) not in skipped}
    assert _key(sweeps) == expected
    # Most of the sweep still runs: cost in particular (the field it reads exist in older releases).
    ran = {(s.domain, c) for s in sweeps for c in s.checks_run} - skipped
    assert len(ran) >= 20 and any(domain == "cost" for domain, _ in ran)


def test_an_older_release_loses_no_check_it_can_run_without_the_newer_fields(vintages, workspace, current) -> None:
    # Fields a check only labels with, or falls back from, are declared optional in its SQL file.
    _, manifest = workspace
    sweeps = run_all(LocalWarehouse(vintages["older"]), manifest.end)
    assert [e for s in sweeps for e in s.errors] == [e for s in current for e in s.errors]


def test_a_check_whose_columns_are_missing_says_so_and_the_rest_still_runs(vintages, workspace, current) -> None:
    _, manifest = workspace
    sweeps = run_all(LocalWarehouse(vintages["partial"]), manifest.end)
    schema = {(s.domain, e.check): e for s in sweeps for e in s.errors if e.kind == "schema"}
    assert set(schema) == {("cost", "idle_all_purpose"), ("performance", "cluster_utilisation")}
    for error in schema.values():
        assert error.missing == ["system.compute.node_timeline.cpu_system_percent",
                                 "system.compute.node_timeline.cpu_user_percent"]
        assert error.error.startswith("could not run: the tables lack system.compute.node_timeline.cpu_system_percent")
    # cluster_utilisation reports as cluster_underutilised / cluster_overutilised.
    gone = {"idle_all_purpose", "cluster_underutilised", "cluster_overutilised"}
    assert _key(sweeps) == {k for k in _key(current) if k[1] not in gone}


def test_a_column_of_another_type_counts_as_missing(workspace, tmp_path) -> None:
    import pyarrow as pa

    from include.lakehouse.delta_store import read_table, write_table

    root, manifest = workspace
    copy = tmp_path / "lakehouse"
    shutil.copytree(root, copy)
    usage = read_table(copy, "system.billing.usage")
    usage = usage.set_column(usage.column_names.index("usage_quantity"), "usage_quantity",
                             pa.compute.cast(usage["usage_quantity"], pa.string()))
    write_table(copy, "system.billing.usage", usage, usage.schema)
    sweep = run_all(LocalWarehouse(copy), manifest.end, domains=["cost"])[0]
    assert sweep.errors and all(e.kind == "schema" and e.missing == ["system.billing.usage.usage_quantity"]
                                for e in sweep.errors)
    assert len(sweep.errors) == len(sweep.checks_run)  # every cost check prices usage: none ran on text quantities
