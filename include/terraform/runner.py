"""Run the Terraform CLI in one working directory: init, plan, show, apply, output, fmt, validate.

Every call is non-interactive (`-input=false`, `TF_IN_AUTOMATION`), colourless, bounded by a
timeout, and streamed line by line to the log so a long apply shows progress in the task log.
A failure raises `TerraformError` naming the step and carrying the tail of Terraform's output.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 900.0


class TerraformError(RuntimeError):
    """A Terraform command failed; `step` says which, `output` holds the end of what it printed."""

    def __init__(self, step: str, returncode: int, output: str) -> None:
        tail = output.strip()[-3000:]
        super().__init__(f"terraform {step} failed (exit {returncode}):\n{tail}")
        self.step = step
        self.returncode = returncode
        self.output = output


def terraform_binary() -> str:
    """The `terraform` executable (`LAKEPILOT_TERRAFORM_BIN` or the one on PATH)."""
    found = os.environ.get("LAKEPILOT_TERRAFORM_BIN") or shutil.which("terraform")
    if not found:
        raise FileNotFoundError("terraform is not installed or not on PATH (set LAKEPILOT_TERRAFORM_BIN)")
    return found


class TerraformRunner:
    """Terraform commands in `workdir` with a controlled environment."""

    def __init__(self, workdir: str | Path, env: Mapping[str, str] | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S, lock_timeout_s: int = 120) -> None:
        self.workdir = Path(workdir)
        self.timeout_s = timeout_s
        # How long Terraform waits for its own state lock before failing.
        self.lock_timeout_s = lock_timeout_s
        self.env = self._environment(env or {})

    def _environment(self, extra: Mapping[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        # An explicit empty CLI config: no ~/.terraformrc surprises, no warning about its absence.
        if "TF_CLI_CONFIG_FILE" not in extra and not env.get("TF_CLI_CONFIG_FILE"):
            rc = self.workdir / ".terraformrc"
            self.workdir.mkdir(parents=True, exist_ok=True)
            rc.touch(exist_ok=True)
            env["TF_CLI_CONFIG_FILE"] = str(rc)
        env.update({"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"})
        env.update(extra)
        return env

    def run(self, step: str, args: Sequence[str], *, capture: bool = False) -> str:
        """Run `terraform <args>`; return stdout when `capture`, else the combined output."""
        argv = [terraform_binary(), *args]
        log.info("terraform %s (in %s)", " ".join(args), self.workdir)
        proc = subprocess.Popen(  # noqa: S603 - argv built here from fixed words and our own paths
            argv,
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if capture else subprocess.STDOUT,
            text=True,
        )
        try:
            out, err = proc.communicate(timeout=self.timeout_s) if capture else (self._stream(proc), "")
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.communicate()
            raise TerraformError(step, -9, f"timed out after {self.timeout_s:.0f}s") from exc
        if proc.returncode != 0:
            raise TerraformError(step, proc.returncode, (out or "") + (err or ""))
        return out or ""

    def _stream(self, proc: subprocess.Popen[str]) -> str:
        lines: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            log.info("terraform | %s", line.rstrip())
        proc.wait(timeout=self.timeout_s)
        return "".join(lines)

    # -- the commands LakePilot uses ----------------------------------------------------------
    def init(self) -> str:
        return self.run("init", ["init", "-input=false", "-no-color"])

    def validate(self) -> dict[str, Any]:
        text = self.run("validate", ["validate", "-json", "-no-color"], capture=True)
        result: dict[str, Any] = json.loads(text)
        return result

    def fmt_check(self) -> list[str]:
        """Files `terraform fmt` would rewrite (empty when all are formatted)."""
        argv = [terraform_binary(), "fmt", "-check", "-list=true", "-no-color"]
        proc = subprocess.run(argv, cwd=self.workdir, env=self.env, capture_output=True, text=True,  # noqa: S603
                              timeout=self.timeout_s)
        if proc.returncode not in (0, 3):
            raise TerraformError("fmt", proc.returncode, proc.stdout + proc.stderr)
        return [line for line in proc.stdout.splitlines() if line.strip()]

    def plan(self, out_file: str | Path, *, destroy: bool = False) -> bool:
        """`plan -out` (`-destroy`: remove everything in the state); True when it has changes (`-detailed-exitcode` 2)."""
        argv = [terraform_binary(), "plan", "-input=false", "-no-color", "-detailed-exitcode",
                f"-lock-timeout={self.lock_timeout_s}s", f"-out={out_file}", *(["-destroy"] if destroy else [])]
        log.info("terraform plan -out=%s (in %s)", out_file, self.workdir)
        proc = subprocess.run(argv, cwd=self.workdir, env=self.env, capture_output=True, text=True,  # noqa: S603
                              timeout=self.timeout_s)
        for line in proc.stdout.splitlines():
            log.info("terraform | %s", line)
        if proc.returncode not in (0, 2):
            raise TerraformError("plan", proc.returncode, proc.stdout + proc.stderr)
        return proc.returncode == 2

    def show_plan(self, plan_file: str | Path) -> dict[str, Any]:
        plan: dict[str, Any] = json.loads(self.run("show", ["show", "-json", "-no-color", str(plan_file)],
                                                   capture=True))
        return plan

    def show_state(self) -> dict[str, Any]:
        text = self.run("show", ["show", "-json", "-no-color"], capture=True)
        return json.loads(text) if text.strip() else {}

    def apply(self, plan_file: str | Path) -> str:
        """Apply exactly the saved plan (Terraform refuses it if the state moved since)."""
        return self.run("apply", ["apply", "-input=false", "-no-color", "-auto-approve",
                                  f"-lock-timeout={self.lock_timeout_s}s", str(plan_file)])

    def outputs(self) -> dict[str, Any]:
        data = json.loads(self.run("output", ["output", "-json", "-no-color"], capture=True) or "{}")
        return {name: item.get("value") for name, item in data.items()}
