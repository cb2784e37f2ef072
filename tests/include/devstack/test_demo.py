"""The demo start: one run of each kind of failing job, through a real emulator's Jobs API."""

from __future__ import annotations

from pathlib import Path

from include.devstack.demo import failing_jobs, run_failing_jobs
from include.emulator.client import EmulatorClient
from include.emulator.server import DEFAULT_TOKEN
from tests.include.emulator.conftest import make_manifest, start


def test_one_job_per_kind_of_failure_the_one_failing_most_and_never_a_paused_one() -> None:
    manifest = make_manifest()
    jobs = {j.name: j for j in manifest.jobs}
    oom = jobs["oom_job"]  # the lower job id of the two OOM jobs: chosen on a tie, not once it fails less often
    assert {j.name for j in failing_jobs(manifest) if j.failure_behaviour == "oom"} == {"oom_job"}
    manifest.jobs = [j.model_copy(update={"failure_rate": 0.2}) if j is oom else
                     j.model_copy(update={"paused": True}) if j.name == "permission_job" else j for j in manifest.jobs]
    chosen = {j.failure_behaviour: j.name for j in failing_jobs(manifest)}
    assert chosen == {"transient": "transient_job", "oom": "oom_driver_job", "syntax": "syntax_job",
                      "missing_table": "missing_table_job", "capacity": "capacity_job"}  # no "none", no paused job


def test_each_run_starts_through_the_jobs_api_and_fails_as_its_job_does(lakehouse: Path) -> None:
    manifest = make_manifest()
    manifest.save(lakehouse)
    server = start(lakehouse)
    try:
        client = EmulatorClient(server.url, DEFAULT_TOKEN)
        started = run_failing_jobs(client, manifest)
        assert sorted(job.failure_behaviour for job, _ in started) == sorted(
            {j.failure_behaviour for j in manifest.jobs} - {"none"})
        ended = {job.failure_behaviour: client.wait_for_run(run_id, timeout=60)["state"]["result_state"]
                 for job, run_id in started}
    finally:
        server.stop()
    assert ended["permission"] == ended["syntax"] == ended["missing_table"] == "FAILED"


def test_an_unreachable_emulator_is_told_and_never_stops_the_start(tmp_path: Path) -> None:
    from include.devstack.local_stack import LocalStack, LocalStackConfig
    from include.devstack.procs import free_port

    stack = LocalStack(LocalStackConfig(home=tmp_path, emulator_port=free_port(), demo_failures=True))
    stack.config.lakehouse.mkdir(parents=True)
    make_manifest().save(stack.config.lakehouse)
    said = stack.run_failing_jobs()
    assert said.startswith("demo: the failing jobs could not be started") and "on their schedules" in said
