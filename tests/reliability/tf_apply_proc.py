"""Child process for the concurrent-apply proof: apply one approved plan step when told to start.

`python -m tests.reliability.tf_apply_proc STEP.json APPROVAL.json START OUT.json` - writes
`{"applied": true}` or `{"applied": false, "error": "..."}` to OUT.json.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from include.provisioning.pipeline import ApprovalDecision, PlanStep, apply_capability


def main() -> None:
    step_file, approval_file, start, out = (Path(a) for a in sys.argv[1:5])
    step = PlanStep.model_validate_json(step_file.read_text())
    approval = ApprovalDecision.model_validate_json(approval_file.read_text())
    deadline = time.monotonic() + 60
    while not start.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        apply_capability(step, approval, None, step.run_id, lock_timeout_s=60)
        out.write_text(json.dumps({"applied": True}))
    except Exception as exc:  # the refusal is the expected outcome for one of the two
        out.write_text(json.dumps({"applied": False, "error": f"{type(exc).__name__}: {exc}"[:2000]}))


if __name__ == "__main__":
    main()
