"""docker-compose.yaml, Dockerfile and .env.example, checked statically (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW_SERVICES = {
    "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
    "airflow-worker", "airflow-init",
}
# Variables only the local demo uses (ports of local services, emulator knobs): not for production.
LOCAL_ONLY = re.compile(r"^LAKEPILOT_(EMULATOR|SMTP|AIRFLOW_(PORT|URL|USER|PASSWORD)|HOME$|LAKEHOUSE$|LOG_LEVEL$|OUTBOX$)")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yaml").read_text())


def _pins() -> dict[str, str]:
    pins = {}
    for name in ("requirements.txt", "requirements-deploy.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                pkg, version = line.split("==")
                pins[pkg.lower()] = version
    return pins


def test_compose_has_the_official_airflow3_layout(compose: dict) -> None:
    services = set(compose["services"])
    assert {"postgres", "redis", *AIRFLOW_SERVICES} <= services
    commands = {name: compose["services"][name].get("command") for name in AIRFLOW_SERVICES - {"airflow-init"}}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
        "airflow-worker": "celery worker",
    }


def test_every_airflow_service_gets_connections_and_lakepilot_settings(compose: dict) -> None:
    for name in AIRFLOW_SERVICES:
        env = compose["services"][name]["environment"]
        for key in ("AIRFLOW_CONN_DATABRICKS_DEFAULT", "AIRFLOW_CONN_LAKEPILOT_LLM", "AIRFLOW_CONN_SMTP_DEFAULT",
                    "LAKEPILOT_WAREHOUSE", "LAKEPILOT_OPS_CATALOG", "LAKEPILOT_OPS_SCHEMA",
                    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "AIRFLOW__API_AUTH__JWT_SECRET"):
            assert key in env, f"{name} lacks {key}"
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        # Production runs from the image: no bind mount of the working tree (that is the dev override's job).
        mounted = [v for v in compose["services"][name]["volumes"] if v.startswith(("./", "/"))]
        assert not mounted, f"{name} bind-mounts {mounted}"
        assert any(v.startswith("lakepilot-state:") for v in compose["services"][name]["volumes"])


CODE = {"/opt/airflow/dags": "dags", "/opt/airflow/plugins": "plugins", "/opt/lakepilot/include": "include",
        "/opt/lakepilot/agents": "agents", "/opt/lakepilot/cli": "cli"}


def test_the_image_is_the_product_and_the_dev_override_mounts_the_tree_over_it(compose: dict) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = {m.group(2): m.group(1) for m in re.finditer(r"^COPY --chown=airflow:0 (\S+) (\S+)$", dockerfile, re.M)}
    for target, folder in CODE.items():
        assert copied.get(target) == folder, f"the image does not bake {folder}/ into {target}"
        assert (ROOT / folder).is_dir()
    assert "LAKEPILOT_CACHE=/opt/lakepilot/cache" in dockerfile and "get_model()" in dockerfile  # router trained at build
    assert re.search(r"chown -R airflow:0 /opt/airflow/lakepilot-state", dockerfile)  # the named volume's owner
    for arch in ("AMD64", "ARM64"):
        assert re.search(rf"^ARG TERRAFORM_SHA256_{arch}=[0-9a-f]{{64}}$", dockerfile, re.M), arch
    assert "sha256sum -c" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not {"dags", "plugins", "include", "agents", "cli"} & set(ignored)
    dev = yaml.safe_load((ROOT / "docker-compose.dev.yaml").read_text())
    for name in AIRFLOW_SERVICES:
        assert name in compose["services"]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in dev["services"][name]["volumes"]}
        assert mounts == {target: f"./{folder}" for target, folder in CODE.items()}, name


def test_production_uses_a_real_auth_manager(compose: dict) -> None:
    env = compose["services"]["airflow-apiserver"]["environment"]
    assert "FabAuthManager" in env["AIRFLOW__CORE__AUTH_MANAGER"]
    assert "apache-airflow-providers-fab" in _pins()


def test_required_variables_are_documented_in_env_example(compose: dict) -> None:
    text = (ROOT / "docker-compose.yaml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", text))
    documented = set(re.findall(r"^(\w+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert required, "compose declares no required variables"
    assert required <= documented, required - documented


def test_image_and_versions_agree_with_requirements() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^FROM apache/airflow:(\S+)-python(\d+\.\d+)$", dockerfile, flags=re.M)
    assert match, "Dockerfile must build FROM apache/airflow:<version>-python<x.y>"
    pins = _pins()
    assert match.group(1) == pins["apache-airflow"]
    assert match.group(2) == "3.11"
    tf = re.search(r"TERRAFORM_VERSION=(\S+)", dockerfile)
    assert tf and tf.group(1) == "1.11.4"


def test_every_lakepilot_setting_the_code_reads_reaches_production(compose: dict) -> None:
    used: set[str] = set()
    for folder in ("include", "agents", "plugins", "dags"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"[\"'](LAKEPILOT_[A-Z0-9_]+)[\"']", path.read_text(encoding="utf-8")))
    env = compose["services"]["airflow-scheduler"]["environment"]
    documented = (ROOT / ".env.example").read_text() + (ROOT / "docs" / "deployment.md").read_text()
    missing = sorted(v for v in used if not LOCAL_ONLY.match(v) and v not in env and v not in documented
                     and not v.startswith("LAKEPILOT_SCHEDULE_"))
    assert not missing, f"settings read by the code but not configurable in production: {missing}"


def test_monitoring_profile_scrapes_lakepilot_metrics(compose: dict) -> None:
    import json

    services = compose["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"], f"{name} must only start with --profile monitoring"
        for volume in services[name]["volumes"]:
            if volume.startswith("./"):
                assert (ROOT / volume.split(":")[0]).exists(), volume
    prom = yaml.safe_load((ROOT / "monitoring" / "prometheus.yml").read_text())
    job = next(j for j in prom["scrape_configs"] if j["job_name"] == "lakepilot")
    assert job["metrics_path"] == "/lakepilot/metrics"
    assert job["static_configs"][0]["targets"] == ["airflow-apiserver:8080"]
    # The token file Prometheus reads is the one its entrypoint writes from LAKEPILOT_METRICS_TOKEN.
    assert job["authorization"]["credentials_file"] in services["prometheus"]["command"][0]
    assert "LAKEPILOT_METRICS_TOKEN" in services["prometheus"]["environment"]
    assert "LAKEPILOT_METRICS_TOKEN=" in (ROOT / ".env.example").read_text()
    mounted = {v.split(":")[1] for v in services["prometheus"]["volumes"] if v.startswith("./")}
    assert {"/etc/prometheus/prometheus.yml", *prom["rule_files"]} <= mounted
    datasource = yaml.safe_load((ROOT / "monitoring/grafana/provisioning/datasources/prometheus.yml").read_text())
    uid = datasource["datasources"][0]["uid"]
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"
    dashboard = json.loads((ROOT / "monitoring/grafana/dashboards/lakepilot.json").read_text())
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["current"]["value"] == uid
    assert "label_values(up, deployment)" in variables["deployment"]["definition"]
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert {p["datasource"]["uid"] for p in panels} == {"${datasource}"}
    for panel in panels:
        for target in panel["targets"]:
            for name in re.findall(r"\b(?:lakepilot|airflow)_[a-z0-9_]+", target["expr"]):
                assert f'{name}{{deployment=~"$deployment"' in target["expr"], (panel["title"], target["expr"])
    # Every scrape job labels its deployment (the dashboard's selector), Airflow's metrics included.
    jobs = {j["job_name"]: j for j in prom["scrape_configs"]}
    assert jobs["airflow"]["static_configs"][0]["targets"] == ["statsd-exporter:9102"]
    assert all(j["static_configs"][0]["labels"]["deployment"] for j in jobs.values())
    assert services["statsd-exporter"]["profiles"] == ["monitoring"]
    assert any("9125" in arg for arg in services["statsd-exporter"]["command"])
    env = compose["services"]["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__METRICS__STATSD_HOST"] == "statsd-exporter" and env["AIRFLOW__METRICS__STATSD_PORT"] == "9125"
    assert env["AIRFLOW__METRICS__STATSD_ON"] == "${AIRFLOW_STATSD_ON:-false}"
    assert "statsd" in _declared("requirements-deploy.txt")  # Airflow's StatsD client, in the image


DEV_TOOLS = {"pytest", "pytest-timeout", "hypothesis", "ruff", "mypy", "playwright"}


def _declared(*files: str) -> set[str]:
    names = set()
    for name in files:
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                names.add(line.split("==")[0].lower().replace("_", "-"))
    return names


def test_the_runtime_set_has_no_test_or_lint_tool_and_declares_every_import() -> None:
    import ast
    import sys
    from importlib.metadata import packages_distributions

    runtime = _declared("requirements.txt", "requirements-deploy.txt", "requirements-models.txt")
    assert not runtime & DEV_TOOLS, f"dev tools in the runtime set: {runtime & DEV_TOOLS}"
    assert DEV_TOOLS <= _declared("requirements-dev.txt")
    first_party = {"include", "agents", "cli", "dags", "plugins", "lakepilot_airflow", "tests", "bench"}
    modules: set[str] = set()
    for folder in ("include", "agents", "plugins", "cli", "dags"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    third_party = {m for m in modules if m not in sys.stdlib_module_names and m not in first_party}
    dists = packages_distributions()
    undeclared = {}
    for module in sorted(third_party):
        provided = {d.lower().replace("_", "-") for d in dists.get(module, [])}
        if not provided & runtime and not any(p.startswith("apache-airflow") for p in provided):
            undeclared[module] = sorted(provided) or ["(not installed)"]
    assert not undeclared, f"imported by the product but not in requirements.txt: {undeclared}"


def test_the_build_context_leaves_out_state_and_secrets() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".lakepilot", ".env", ".git"} <= ignored


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"requirements.lock: {line!r} is not pinned with =="
            name, version = line.split("==")
            pins[_norm(name)] = version
    return pins


def test_the_lock_agrees_with_every_direct_pin_and_is_used_by_every_install() -> None:
    lock = _lock()
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-deploy.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                pkg, version = line.split("==")
                assert lock.get(_norm(pkg)) == version, f"{name} pins {pkg}=={version}, requirements.lock has {lock.get(_norm(pkg))}: run `make lock`"
    assert "-c requirements.lock" in (ROOT / "Makefile").read_text()
    assert "-c /opt/lakepilot/requirements.lock" in (ROOT / "Dockerfile").read_text()


def _closure(roots: set[str]) -> set[str]:
    """Installed distributions `roots` pull in (Requires-Dist with their markers, no extras), by metadata."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = sorted(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # a deploy-only package (celery, fab) is not in the test venv
        for raw in requires:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_norm(req.name))
    return seen


def test_the_venv_is_the_lock_and_the_runtime_set_pulls_in_no_dev_tool() -> None:
    """What `make venv` installed is exactly what the lock pins (so CI, the image and a laptop run the same
    versions), and the runtime requirements' whole dependency tree holds no test or lint tool."""
    from importlib.metadata import PackageNotFoundError, version

    lock = _lock()
    runtime = _closure({_norm(n) for n in _declared("requirements.txt")})
    everything = _closure(runtime | {_norm(n) for n in _declared("requirements-dev.txt")})
    assert not runtime & DEV_TOOLS, f"the runtime set pulls in {sorted(runtime & DEV_TOOLS)}"
    drift, unlocked = {}, []
    for name in sorted(everything):
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        if name not in lock:
            unlocked.append(name)
        elif lock[name] != installed:
            drift[name] = (lock[name], installed)
    assert not unlocked, f"installed but not in requirements.lock (run `make lock`): {unlocked}"
    assert not drift, f"installed versions differ from requirements.lock (lock, installed): {drift}"


def test_helm_values_run_the_same_image_and_settings_as_compose(compose: dict) -> None:
    values = yaml.safe_load((ROOT / "deploy" / "helm" / "values.yaml").read_text())
    pins = _pins()
    assert values["airflowVersion"] == values["defaultAirflowTag"] == pins["apache-airflow"]
    assert values["executor"] in {"CeleryExecutor", "KubernetesExecutor"}
    assert values["dags"]["gitSync"]["enabled"] is False  # DAGs are in the image
    env = {e["name"]: e["value"] for e in values["env"]}
    compose_env = compose["services"]["airflow-scheduler"]["environment"]
    lakepilot = {k for k in env if k.startswith("LAKEPILOT_")}
    assert {"LAKEPILOT_WAREHOUSE", "LAKEPILOT_OPS_CATALOG", "LAKEPILOT_OPS_SCHEMA", "LAKEPILOT_HOME"} <= lakepilot
    documented = (ROOT / "docs" / "deployment.md").read_text()
    assert all(k in compose_env or k in documented for k in lakepilot)
    # Connections come from a secret (or a secrets backend), never as values in the file.
    from_secret = {s["envName"] for s in values["secret"]}
    assert {"AIRFLOW_CONN_DATABRICKS_DEFAULT", "AIRFLOW_CONN_SMTP_DEFAULT", "AIRFLOW_CONN_LAKEPILOT_LLM"} <= from_secret
    assert not any(k.startswith("AIRFLOW_CONN_") or "TOKEN" in k or "PASSWORD" in k for k in env)
    # Every Airflow pod mounts the shared state volume where LAKEPILOT_HOME points.
    (mount,) = [m for m in values["volumeMounts"] if m["name"] == "lakepilot-state"]
    assert mount["mountPath"] == env["LAKEPILOT_HOME"]
    assert env["LAKEPILOT_TERRAFORM_HOME"].startswith(env["LAKEPILOT_HOME"])
    (volume,) = [v for v in values["volumes"] if v["name"] == "lakepilot-state"]
    pvc = yaml.safe_load((ROOT / "deploy" / "helm" / "lakepilot-state-pvc.yaml").read_text())
    assert volume["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]  # every worker sees the same stacks and plans
    assert values["statsd"]["enabled"] is True
