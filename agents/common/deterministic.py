"""The no-LLM path: explanations and recommendations rendered from per-check Jinja2 templates.

`agents/<domain>/templates/<check>.j2` defines two macros, `explanation(f)` and
`recommendation(f)`; a check without its own template uses `agents/common/templates/_default.j2`.
A template that fails on a finding (say, evidence it expected is absent) falls back to the
default for that finding and logs why: a template bug never loses an analysis.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from jinja2 import TemplateNotFound

from agents.common.textenv import environment
from include.health.analysis import AnalysedFinding
from include.health.models import DomainSweep
from include.health.runner import is_informational
from include.ops.models import SEVERITY_ORDER, Finding
from include.untrusted.redaction import Redactor

log = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "_default.j2"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Anomalies before informational findings; critical > high > medium > low; largest deviation first."""

    def deviation(f: Finding) -> float:
        if f.observed is None:
            return 0.0
        return abs(f.observed - (f.baseline or 0.0))

    return sorted(
        findings, key=lambda f: (is_informational(f), SEVERITY_ORDER.get(f.severity, 9), -deviation(f), f.check, f.entity_id)
    )


def finding_context(finding: Finding, redactor: Redactor) -> dict[str, Any]:
    """What a template sees: the finding's fields, with the redaction policy applied."""
    data = finding.model_dump(mode="json")
    data["evidence"] = redactor.value(finding.evidence)
    data["summary"] = redactor.text(finding.summary)
    data["recommendation"] = redactor.text(finding.recommendation)
    return data


class DeterministicWriter:
    """Renders one domain's explanations, recommendations and headline."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.env = environment(domain, "templates")
        self.fallbacks: list[str] = []  # checks whose own template failed (kept for tests and logs)

    # A template module's macros are attributes created at render time, so modules are typed Any.
    def _module(self, check: str) -> Any:
        try:
            return self.env.get_template(f"{check}.j2").module
        except TemplateNotFound:
            return self._default_module()

    def _default_module(self) -> Any:
        return self.env.get_template(DEFAULT_TEMPLATE).module

    def explain(self, finding: Finding, redactor: Redactor) -> AnalysedFinding:
        """The deterministic explanation and recommendation of one finding."""
        ctx = finding_context(finding, redactor)
        try:
            module = self._module(finding.check)
            explanation, recommendation = str(module.explanation(ctx)), str(module.recommendation(ctx))
        except Exception as exc:  # a broken per-check template must not lose the analysis
            log.warning("template for %s/%s failed (%s); using the default", self.domain, finding.check, exc)
            self.fallbacks.append(finding.check)
            module = self._default_module()
            explanation, recommendation = str(module.explanation(ctx)), str(module.recommendation(ctx))
        return AnalysedFinding(
            finding_id=finding.finding_id,
            check=finding.check,
            severity=finding.severity,
            entity_type=finding.entity_type,
            entity_id=ctx["entity_id"],
            metric=finding.metric,
            observed=finding.observed,
            baseline=finding.baseline,
            summary=ctx["summary"],
            explanation=" ".join(explanation.split()),
            recommendation=" ".join(recommendation.split()),
            agent_path="deterministic",
        )

    def headline(self, sweep: DomainSweep, ordered: list[Finding]) -> str:
        """One sentence for the report's domain table (informational findings are not issues)."""
        issues = [f for f in ordered if not is_informational(f)]
        counts = Counter(f.severity for f in issues)
        top = finding_context(issues[0], Redactor.for_findings(ordered)) if issues else None
        text = self.env.get_template("headline.j2").render(
            domain=self.domain,
            total=len(issues),
            notes=len(ordered) - len(issues),
            counts={s: counts[s] for s in ("critical", "high", "medium", "low") if counts[s]},
            top=top,
            errors=[e.check for e in sweep.errors],
            checks_run=len(sweep.checks_run),
        )
        return " ".join(text.split())
