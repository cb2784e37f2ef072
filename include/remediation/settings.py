"""Runtime knobs of the acting side (detection window, waits, shadow, on-call), with typed defaults.

Read inside tasks, never at DAG parse time: environment variables give the deployment's values
(`LAKEPILOT_REMEDIATION_*`, `LAKEPILOT_ONCALL_EMAIL`); the decision policy itself comes from the
Airflow Variable `lakepilot_remediation_policy` (JSON, validated by `RemediationPolicy`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from include.remediation.policy import RemediationPolicy

POLICY_VARIABLE = "lakepilot_remediation_policy"
ENV_PREFIX = "LAKEPILOT_REMEDIATION_"
ENV_ONCALL = "LAKEPILOT_ONCALL_EMAIL"
_TRUE = {"1", "true", "yes", "on"}


class RemediationSettings(BaseModel):
    """How detection and acting behave (not what is decided: that is the policy)."""

    model_config = ConfigDict(extra="forbid")

    conn_id: str = Field(default="databricks_default", description="Airflow connection of the Jobs API")
    wait_seconds: int = Field(default=240, ge=0, le=3600, description="sensor waits this long for a new failure")
    poll_seconds: float = Field(default=30.0, gt=0, le=600, description="trigger polls the Jobs API this often")
    overlap_minutes: float = Field(default=10.0, ge=0, le=1440, description="re-scan before the watermark")
    run_lookback_hours: float = Field(
        default=24.0, gt=0, le=24 * 60, description="runs that started this long before the window are listed"
    )
    first_lookback_hours: float = Field(default=1.0, gt=0, le=24 * 60, description="window of the very first scan")
    max_pages: int = Field(default=40, ge=1, le=1000, description="runs/list pages (25 runs each) per scan")
    max_inline_wait_seconds: int = Field(
        default=120, ge=0, le=3600, description="an act task defers up to this long for `not_before`"
    )
    shadow: bool = Field(default=False, description="decide and record, never act")
    oncall: list[str] = Field(default_factory=list, description="escalation recipients when the policy names none")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RemediationSettings:
        """Settings from `LAKEPILOT_REMEDIATION_<FIELD>` and `LAKEPILOT_ONCALL_EMAIL`; bad values name the variable."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name in cls.model_fields:
            if name == "oncall":
                continue
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is None or not raw.strip():
                continue
            values[name] = raw.strip().lower() in _TRUE if name == "shadow" else raw.strip()
        oncall = env.get(ENV_ONCALL, "")
        values["oncall"] = [a.strip() for a in oncall.split(",") if a.strip()]
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            bad = ", ".join(
                f"{ENV_PREFIX}{str(e['loc'][0]).upper()} ({e['msg']})" for e in exc.errors() if e["loc"]
            )
            raise ValueError(f"invalid remediation settings: {bad}") from exc


def load_policy(raw: str | None, settings: RemediationSettings) -> RemediationPolicy:
    """The policy from the Variable's JSON (may be empty), with shadow and on-call from the settings.

    Shadow is on when either the policy or the settings say so; the settings' on-call list is used
    only when the policy names nobody. Unknown keys / bad values raise `ValueError` naming the field.
    """
    data: dict[str, object] = {}
    if raw and raw.strip():
        try:
            loaded = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"Variable {POLICY_VARIABLE} is not JSON: {exc.msg}") from exc
        if not isinstance(loaded, dict):
            raise ValueError(f"Variable {POLICY_VARIABLE} must be a JSON object")
        data = loaded
    if settings.shadow:
        data["shadow"] = True
    if not data.get("oncall") and settings.oncall:
        data["oncall"] = list(settings.oncall)
    try:
        return RemediationPolicy.model_validate(data)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(policy)'}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"Variable {POLICY_VARIABLE}: {fields}") from exc
