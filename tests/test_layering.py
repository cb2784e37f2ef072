"""include/ and agents/ are the platform core: importable without Airflow."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = [p for d in ("include", "agents") for p in sorted((ROOT / d).rglob("*.py"))]


# The one door from the core to Airflow: Airflow's own Connection and the Databricks provider's hook are
# the product's credentials and Databricks client (fixed decisions). Only these modules may use them, and
# only lazily (inside functions, or for type checking), so the core still imports without Airflow.
AIRFLOW_ADAPTERS = {"include/connections.py", "include/lakehouse/statement_api.py"}


def _module_level_imports(tree: ast.Module) -> list[ast.AST]:
    """Import nodes outside functions and outside `if TYPE_CHECKING:` blocks."""
    found: list[ast.AST] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_does_not_import_airflow(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    adapter = str(path.relative_to(ROOT)) in AIRFLOW_ADAPTERS
    for node in _module_level_imports(tree) if adapter else ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] != "airflow", f"{path.relative_to(ROOT)} imports {name}"


def test_core_packages_import_with_airflow_blocked() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in CORE
    )
    code = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'airflow' or name.startswith('airflow.'):\n"
        "            raise ImportError('airflow is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


PRODUCT = [p for d in ("include", "agents", "plugins", "cli", "dags") for p in sorted((ROOT / d).rglob("*.py"))]


def test_one_redaction_module() -> None:
    """Secrets are recognised in exactly one place (include/untrusted/redaction.py); copies drift apart."""
    home = ROOT / "include" / "untrusted" / "redaction.py"
    defining = []
    for path in PRODUCT:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        if path != home and names & {"redact", "redact_secrets", "Redactor", "find_secrets"}:
            defining.append(str(path.relative_to(ROOT)))
    assert defining == []


def test_one_definition_of_what_usage_cost() -> None:
    """Usage is priced (usage x list price valid at the time, USD, same unit) in exactly one SQL fragment,
    include/sql/_priced_usage.sql, which every cost query imports; copies drifted apart before (only the
    report matched the unit and the currency)."""
    home = ROOT / "include" / "sql" / "_priced_usage.sql"
    pricing = [
        str(path.relative_to(ROOT))
        for folder in ("include", "agents")
        for path in sorted((ROOT / folder).rglob("*.sql"))
        if path != home and "list_prices" in path.read_text(encoding="utf-8")
    ]
    assert pricing == []
    importers = [p for p in sorted((ROOT / "include").rglob("*.sql")) if "_priced_usage.sql" in p.read_text()]
    assert len(importers) >= 8, "the cost checks, the report and the ad-hoc queries import the fragment"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize(("folder", "forbidden", "why"), [
    ("include", "agents", "include/ is the core; only agents/ talk to a model, and they are handed in (e.g. an analyst)"),
    ("agents", "include.devstack", "the local stack is for `lakepilot up` and tests, never for an agent"),
    ("agents", "cli", "the command line is a caller of the agents, not a dependency"),
    ("include", "cli", "the command line is a caller of the core, not a dependency"),
])
def test_layers_import_only_downwards(folder: str, forbidden: str, why: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in _imports(path)
        if name == forbidden or name.startswith(forbidden + ".")
    ]
    assert offenders == [], why


# The simulator, the emulator and the local dev stack produce and serve the local workspace; the CLI's
# `workspace` commands drive them. Nothing else in the product reads the simulator: health checks read
# the lakehouse's settings file, "now" and data markers its description file (include/lakehouse/about.py),
# names the system tables.
SIMULATOR_SIDE = ("include/simulator/", "include/emulator/", "include/devstack/", "cli/workspace_")


def test_no_production_module_reads_the_simulator() -> None:
    readers = {
        str(path.relative_to(ROOT))
        for folder in ("include", "agents", "plugins", "dags", "cli")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not str(path.relative_to(ROOT)).startswith(SIMULATOR_SIDE)
        and any(n == "include.simulator" or n.startswith("include.simulator.") for n in _imports(path))
    }
    assert readers == set(), f"production modules reading the simulator: {sorted(readers)}"
