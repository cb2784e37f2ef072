"""Settings from the environment, the policy Variable, and the `jobs/update` body a resize sends."""

from __future__ import annotations

import pytest

from include.remediation.job_change import JobChangeRefused, plan_job_update
from include.remediation.settings import RemediationSettings, load_policy


def test_settings_from_env_with_typed_values() -> None:
    settings = RemediationSettings.from_env({
        "LAKEPILOT_REMEDIATION_WAIT_SECONDS": "60", "LAKEPILOT_REMEDIATION_SHADOW": "yes",
        "LAKEPILOT_REMEDIATION_CONN_ID": "dbx_prod", "LAKEPILOT_ONCALL_EMAIL": "a@x.io, b@x.io",
    })
    assert (settings.wait_seconds, settings.shadow, settings.conn_id) == (60, True, "dbx_prod")
    assert settings.oncall == ["a@x.io", "b@x.io"] and settings.poll_seconds == 30.0
    assert RemediationSettings.from_env({}) == RemediationSettings()


@pytest.mark.parametrize("env, named", [
    ({"LAKEPILOT_REMEDIATION_WAIT_SECONDS": "soon"}, "LAKEPILOT_REMEDIATION_WAIT_SECONDS"),
    ({"LAKEPILOT_REMEDIATION_POLL_SECONDS": "0"}, "LAKEPILOT_REMEDIATION_POLL_SECONDS"),
    ({"LAKEPILOT_REMEDIATION_MAX_PAGES": "-1"}, "LAKEPILOT_REMEDIATION_MAX_PAGES"),
])
def test_bad_settings_name_the_variable(env: dict, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        RemediationSettings.from_env(env)


def test_policy_variable_merges_shadow_and_oncall() -> None:
    settings = RemediationSettings(shadow=True, oncall=["oncall@x.io"])
    policy = load_policy('{"job_daily_budget": 2}', settings)
    assert (policy.job_daily_budget, policy.shadow, policy.oncall) == (2, True, ["oncall@x.io"])
    named = load_policy('{"oncall": ["lead@x.io"]}', RemediationSettings(oncall=["oncall@x.io"]))
    assert named.oncall == ["lead@x.io"] and not named.shadow
    assert load_policy(None, RemediationSettings()).job_daily_budget == 6


@pytest.mark.parametrize("raw, named", [
    ("{not json", "not JSON"), ("[1]", "JSON object"), ('{"max_retries_transient": 99}', "max_retries_transient"),
    ('{"retry_everything": true}', "retry_everything"),
])
def test_bad_policy_variable_is_named(raw: str, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        load_policy(raw, RemediationSettings())


def _job(**settings) -> dict:
    base = {
        "tasks": [{"task_key": "ingest", "job_cluster_key": "main", "notebook_task": {"notebook_path": "/x"}},
                  {"task_key": "solo", "new_cluster": {"node_type_id": "i3.xlarge", "num_workers": 2},
                   "timeout_seconds": 600}],
        "job_clusters": [{"job_cluster_key": "main", "new_cluster": {"node_type_id": "r5.xlarge", "num_workers": 4,
                                                                      "spark_version": "15.4"}}],
    }
    base.update(settings)
    return {"job_id": 1, "settings": base}


RUN = {"job_clusters": [{"job_cluster_key": "main", "new_cluster": {"node_type_id": "r5.xlarge", "num_workers": 4}}],
       "tasks": [{"task_key": "solo", "new_cluster": {"node_type_id": "i3.xlarge", "num_workers": 2}}]}


def test_resize_updates_only_the_failed_tasks_cluster_with_the_whole_entry() -> None:
    update = plan_job_update(_job(), RUN, ["ingest"], {"node_type_id": "r5.2xlarge"})
    assert update.new_settings == {"job_clusters": [{"job_cluster_key": "main", "new_cluster": {
        "node_type_id": "r5.2xlarge", "num_workers": 4, "spark_version": "15.4"}}]}
    assert update.described == ["node type r5.xlarge -> r5.2xlarge"]


def test_task_cluster_and_task_timeout() -> None:
    update = plan_job_update(_job(), RUN, ["solo"], {"num_workers": 4, "timeout_seconds": 1200})
    (task,) = update.new_settings["tasks"]
    assert task["new_cluster"] == {"node_type_id": "i3.xlarge", "num_workers": 4}
    assert task["timeout_seconds"] == 1200 and task["task_key"] == "solo" and "job_clusters" not in update.new_settings


def test_job_level_timeout_when_the_task_has_none() -> None:
    update = plan_job_update(_job(timeout_seconds=3600), RUN, ["ingest"], {"timeout_seconds": 7200})
    assert update.new_settings == {"timeout_seconds": 7200}


@pytest.mark.parametrize("keys, change, job, why", [
    (["gone"], {"node_type_id": "r5.2xlarge"}, _job(), "none of the failed tasks"),
    (["ingest"], {"timeout_seconds": 7200}, _job(), "no timeout is configured"),
    (["ingest"], {"node_type_id": "r5.2xlarge"},
     _job(job_clusters=[{"job_cluster_key": "main", "new_cluster": {"node_type_id": "r5.4xlarge", "num_workers": 4}}]),
     "r5.4xlarge"),
    (["ingest"], {"node_type_id": "r5.2xlarge"},
     _job(tasks=[{"task_key": "ingest", "existing_cluster_id": "0101-abc"}]), "existing cluster"),
])
def test_refusals_say_why(keys: list, change: dict, job: dict, why: str) -> None:
    with pytest.raises(JobChangeRefused, match=why):
        plan_job_update(job, RUN, keys, change)


def test_an_already_applied_change_is_applied_again_idempotently() -> None:
    applied = _job(job_clusters=[{"job_cluster_key": "main", "new_cluster": {"node_type_id": "r5.2xlarge",
                                                                              "num_workers": 4}}])
    update = plan_job_update(applied, RUN, ["ingest"], {"node_type_id": "r5.2xlarge"})
    assert update.new_settings["job_clusters"][0]["new_cluster"]["node_type_id"] == "r5.2xlarge"
