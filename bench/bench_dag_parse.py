"""DAG parse time per file, as the dag-processor would see it (fresh interpreter per file)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Like Airflow's dag-processor: a warm parent (Airflow imported) forks one child per file.
_PARSE = r"""
import json, os, sys, time
t0 = time.perf_counter()
import airflow.sdk  # the floor every DAG file pays once per processor
from airflow.dag_processing.dagbag import DagBag
sdk = time.perf_counter() - t0
out = {"sdk_import_s": sdk, "files": {}}
for path in sys.argv[1:]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        t1 = time.perf_counter()
        bag = DagBag(dag_folder=path, safe_mode=False)
        os.write(w, json.dumps([time.perf_counter() - t1, len(bag.import_errors)]).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    out["files"][path] = json.loads(data)
print(json.dumps(out))
"""


def run(repeats: int = 3) -> dict[str, Any]:
    """Median parse seconds per DAG file over `repeats` fresh interpreters."""
    files = sorted(p for p in (ROOT / "dags").glob("*.py") if not p.name.startswith("_"))
    samples: dict[str, list[float]] = {p.name: [] for p in files}
    sdk: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, AIRFLOW_HOME=home, AIRFLOW__CORE__LOAD_EXAMPLES="False",
                   PYTHONPATH=os.pathsep.join([str(ROOT / "plugins"), str(ROOT)]))
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-c", _PARSE, *map(str, files)], env=env, capture_output=True,
                                 text=True, timeout=600, check=True)
            data = json.loads(out.stdout.strip().splitlines()[-1])
            sdk.append(data["sdk_import_s"])
            for path, (seconds, errors) in data["files"].items():
                if errors:
                    raise RuntimeError(f"{Path(path).name} has import errors")
                samples[Path(path).name].append(seconds)
    per_file = {name: round(statistics.median(values), 3) for name, values in samples.items()}
    result: dict[str, Any] = {"name": "dag_parse", "files": len(files),
                              "airflow_sdk_import_s": round(statistics.median(sdk), 3),
                              "slowest_file_s": max(per_file.values(), default=0.0)}
    result.update({f"parse_s {name}": value for name, value in per_file.items()})
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))  # noqa: T201 - CLI output
