"""`generate_workspace`: build a simulated Databricks account as Delta system tables.

The data covers `[end - days, end)`, where `end` is midnight UTC after the `end` date (today
by default). Same (seed, end, days, scale) ⇒ the same rows in every table and the same truth.

Nothing is half-written: tables are generated into a staging directory beside `out`, and only
when everything is complete are the generated entries (`system/`, the per-object catalogs,
`_workspace.json`, `_truth/`) swapped into `out`. Anything else in `out` — LakePilot's own
`lakepilot/` ops tables, for instance — is kept. Readers may briefly see tables missing during
the swap (a few renames), never a mix of two generations within one table.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from include.config import ops_location
from include.health.settings import HealthSettings
from include.simulator.consequences import derive_incidents
from include.simulator.context import Context, GenerationProgress
from include.simulator.gen_audit import generate_audit
from include.simulator.gen_billing import generate_billing
from include.simulator.gen_compute import generate_compute
from include.simulator.gen_lakeflow import generate_lakeflow
from include.simulator.gen_lineage import generate_lineage
from include.simulator.gen_quality import generate_quality
from include.simulator.gen_queries import generate_queries
from include.simulator.gen_serving import generate_serving
from include.simulator.ids import DAY, from_us, to_us
from include.simulator.incidents import PlanningError, plan_incidents
from include.simulator.manifest import (
    MANIFEST_FILE,
    TRUTH_FILE,
    WorkspaceManifest,
    write_about_file,
    write_health_settings,
)
from include.simulator.runs import simulate_runs, task_runs
from include.simulator.scales import scale_profile
from include.simulator.world import build_world

log = logging.getLogger(__name__)

GENERATED_MARKER = "_generated.json"
MAX_DAYS = 400


class GenerationError(ValueError):
    """Bad input to the generator; the message names what was wrong."""


def validate_request(out: str | os.PathLike[str], days: int, scale: str, seed: int, end: date | None) -> tuple[Path, date]:
    """Check the arguments (GenerationError naming the bad one); return the output path and end date."""
    return _validate(out, days, scale, seed, end)


def _validate(out: str | os.PathLike[str], days: int, scale: str, seed: int, end: date | None) -> tuple[Path, date]:
    try:
        scale_profile(scale)
    except ValueError as exc:
        raise GenerationError(str(exc)) from None
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise GenerationError(f"--days must be a positive whole number of days, got {days!r}")
    if days > MAX_DAYS:
        raise GenerationError(f"--days {days} is more than the {MAX_DAYS} days system tables retain")
    if days < 8:
        raise GenerationError(f"--days {days} is too short: checks compare the last day with a 7-day baseline, use at least 8")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise GenerationError(f"--seed must be a non-negative integer, got {seed!r}")
    path = Path(out).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise GenerationError(f"--out {path} exists and is not a directory")
    return path, end or datetime.now(UTC).date()


def _staging(out: Path) -> Path:
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        probe = staging / ".probe"
        probe.write_text("ok")
        probe.unlink()
        if out.exists() and not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(f"no write permission on {out}")
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise GenerationError(f"--out {out} is not writable: {exc.strerror or exc}") from None
    return staging


def _swap_in(staging: Path, out: Path) -> None:
    """Replace the generated entries of `out` with the staged ones, keeping everything else."""
    protected = {ops_location()[0], "_locks"}
    entries = sorted(p.name for p in staging.iterdir() if p.name not in protected)
    out.mkdir(parents=True, exist_ok=True)
    previous: list[str] = []
    marker = out / GENERATED_MARKER
    if marker.is_file():
        previous = [n for n in json.loads(marker.read_text(encoding="utf-8")) if isinstance(n, str)]
    replace = sorted({n for n in previous + entries if n not in protected and "/" not in n and n not in ("", ".", "..")})
    trash = out.parent / f".{out.name}.old-{os.getpid()}"
    trash.mkdir(exist_ok=True)
    moved: list[str] = []
    try:
        for name in replace:
            if (out / name).exists():
                os.replace(out / name, trash / name)
                moved.append(name)
        for name in entries:
            os.replace(staging / name, out / name)
    except OSError:
        for name in moved:  # put the previous generation back
            if not (out / name).exists():
                os.replace(trash / name, out / name)
        raise
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def generate_workspace(
    out: str | os.PathLike[str],
    days: int,
    scale: str,
    seed: int,
    end: date | None = None,
    progress: GenerationProgress | None = None,
) -> WorkspaceManifest:
    """Generate a simulated workspace into `out` and return its manifest (see module doc)."""
    path, end_date = _validate(out, days, scale, seed, end)
    profile = scale_profile(scale)
    end_us = to_us(datetime.combine(end_date + timedelta(days=1), time(0), tzinfo=UTC))
    start_us = end_us - days * DAY
    staging = _staging(path)
    try:
        world = build_world(seed, profile, start_us, end_us)
        plan = plan_incidents(world)
        runs = simulate_runs(world, plan)
        ctx = Context(world=world, plan=plan, runs=runs, tasks=task_runs(world, runs), root=staging, progress=progress)
        settings = HealthSettings()
        generate_lakeflow(ctx)
        generate_compute(ctx)
        generate_queries(ctx)
        generate_lineage(ctx)
        budgets = generate_billing(ctx)
        generate_audit(ctx)
        generate_serving(ctx)
        latest = generate_quality(ctx, settings)
        derive_incidents(ctx, settings, latest)
        manifest = WorkspaceManifest(
            account_id=world.account_id, seed=seed, scale=profile.name, start=from_us(start_us), end=from_us(end_us),
            generated_at=datetime.now(UTC), workspaces=[w.info for w in world.workspaces], jobs=[j.spec for j in world.jobs],
            clusters=[c.info for c in world.clusters], warehouses=[w.info for w in world.warehouses],
            endpoints=[e.info for e in world.endpoints], monitored_tables=world.monitored, monthly_budget_usd=budgets,
            row_counts=dict(sorted(ctx.row_counts.items())),
        )
        manifest.save(staging)
        write_health_settings(staging, manifest)  # what the checks read; they never read the manifest
        write_about_file(staging, manifest)  # the span of the data, for "yesterday" and default sweeps
        truth = staging / TRUTH_FILE
        truth.parent.mkdir(parents=True, exist_ok=True)
        incidents = sorted(plan.incidents, key=lambda i: (i.domain, i.kind, i.entity_id))
        truth.write_text(json.dumps([i.model_dump(mode="json") for i in incidents], indent=2), encoding="utf-8")
        generated = sorted(p.name for p in staging.iterdir() if p.name != "_locks") + [GENERATED_MARKER]
        (staging / GENERATED_MARKER).write_text(json.dumps(generated), encoding="utf-8")
        _swap_in(staging, path)
    except PlanningError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise GenerationError(str(exc)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("generated %s scale, seed %d, %d days into %s: %d rows", scale, seed, days, path, sum(manifest.row_counts.values()))
    return manifest


__all__ = ["MANIFEST_FILE", "GenerationError", "generate_workspace", "validate_request"]
