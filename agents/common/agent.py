"""A health domain agent: deterministic always, LLM on top when configured, fallback on any failure.

Both paths produce the same `DomainAnalysis`. The deterministic analysis is computed first,
so a failed LLM path costs nothing but time; the LLM may only rewrite the headline and the
explanation/recommendation of findings it was given (by id). What it writes goes through the
same redaction as everything else, and `path`/`fallback_reason`/`agent_path` record what ran.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from agents.common.deterministic import DeterministicWriter, sort_findings
from agents.common.llm_loop import LLMPathError, classify, run_agent_loop
from agents.common.models import LLMAnalysis
from agents.common.queries import AdhocQuery
from agents.common.textenv import environment
from agents.common.tools import ToolContext, build_common_tools
from agents.llm import LLMConfig, build_chat_model, llm_mode_label
from include.health.analysis import AnalysedFinding, DomainAnalysis, KeyNumber
from include.health.models import DomainSweep
from include.ops.models import Domain, Finding
from include.untrusted.redaction import Redactor

log = logging.getLogger(__name__)

MAX_LLM_FINDINGS = 15
KeyNumbers = Callable[[DomainSweep, list[Finding]], list[KeyNumber]]


def common_key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Counts every domain reports."""
    out = [KeyNumber(name="findings", value=len(findings))]
    for sev in ("critical", "high"):
        n = sum(1 for f in findings if f.severity == sev)
        if n:
            out.append(KeyNumber(name=f"{sev} findings", value=n))
    out.append(KeyNumber(name="checks run", value=len(sweep.checks_run)))
    if sweep.errors:
        out.append(KeyNumber(name="checks that could not run", value=len(sweep.errors)))
    return out


class DomainAgent:
    """One domain's agent; the per-domain packages configure it."""

    def __init__(
        self,
        domain: Domain,
        *,
        key_numbers: KeyNumbers | None = None,
        queries: Callable[[], list[AdhocQuery]] | None = None,
    ) -> None:
        self.domain = domain
        self.writer = DeterministicWriter(domain)
        self._key_numbers = key_numbers
        self._queries = queries or (lambda: [])

    # -- deterministic ---------------------------------------------------------------------
    def key_numbers(self, sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
        extra = self._key_numbers(sweep, findings) if self._key_numbers else []
        return common_key_numbers(sweep, findings) + extra

    def deterministic(self, sweep: DomainSweep, llm_label: str = llm_mode_label(None)) -> DomainAnalysis:
        """The no-LLM analysis: templates per check, severity order, computed key numbers."""
        ordered = sort_findings(list(sweep.findings))
        redactor = Redactor.for_findings(ordered)
        return DomainAnalysis(
            domain=self.domain,
            as_of=sweep.as_of,
            window_start=sweep.window_start,
            window_end=sweep.window_end,
            headline=redactor.text(self.writer.headline(sweep, ordered)),
            findings=[self.writer.explain(f, redactor) for f in ordered],
            key_numbers=self.key_numbers(sweep, ordered),
            errors=list(sweep.errors),
            checks_run=list(sweep.checks_run),
            engine=sweep.engine,
            path="deterministic",
            llm=llm_label,
        )

    # -- LLM -------------------------------------------------------------------------------
    def prompts(self, sweep: DomainSweep, analysis: DomainAnalysis, ctx: ToolContext) -> tuple[str, str]:
        """(system prompt, task message) rendered from the domain's and the shared templates."""
        env = environment(self.domain, "prompts")
        common = {
            "as_of": f"{sweep.as_of:%Y-%m-%d %H:%M}",
            "window_start": f"{sweep.window_start:%Y-%m-%d %H:%M}",
            "window_end": f"{sweep.window_end:%Y-%m-%d %H:%M}",
            "has_queries": bool(ctx.queries),
            "max_notes": MAX_LLM_FINDINGS,
        }
        system = env.get_template("system.j2").render(**common)
        task = env.get_template("task.j2").render(
            **common,
            domain_label=self.domain.replace("_", " "),
            total=len(ctx.findings),
            checks_run=len(sweep.checks_run),
            errors=sweep.errors,
            key_numbers=analysis.key_numbers,
            findings_json=json.dumps([ctx.brief(f) for f in ctx.findings[:MAX_LLM_FINDINGS]], indent=1, default=str),
        )
        return system, task

    def merge(self, base: DomainAnalysis, answer: LLMAnalysis, redactor: Redactor, allowed_ids: set[str]) -> DomainAnalysis:
        """Overlay the LLM's notes on the deterministic analysis; reject answers about unknown findings."""
        unknown = sorted({n.finding_id for n in answer.findings} - allowed_ids)
        if unknown:
            raise LLMPathError("malformed_output", f"answer refers to unknown finding ids {unknown[:3]}")
        notes = {n.finding_id: n for n in answer.findings}
        merged: list[AnalysedFinding] = []
        for f in base.findings:
            note = notes.get(f.finding_id)
            if note is None:
                merged.append(f)
                continue
            merged.append(f.model_copy(update={
                "explanation": redactor.text(note.explanation.strip()),
                "recommendation": redactor.text(note.recommendation.strip()),
                "agent_path": "llm",
            }))
        return base.model_copy(update={"headline": redactor.text(answer.headline.strip()), "findings": merged, "path": "llm"})

    def analyse(
        self,
        sweep: DomainSweep,
        *,
        llm: LLMConfig | None = None,
        model: Any = None,
        warehouse: Any = None,
        store: Any = None,
        deadline_s: float | None = None,
    ) -> DomainAnalysis:
        """Analyse one sweep. With `llm` (or a ready `model`) try the LLM path, else deterministic.

        Args:
            sweep: The domain's sweep (from `include.health.runner.run_domain`).
            llm: The `lakepilot_llm` connection's config; None means deterministic.
            model: A chat model to use instead of building one from `llm` (tests, notebooks).
            warehouse: For the allow-listed ad-hoc queries (optional).
            store: Ops store for the `finding_history` tool (optional).
            deadline_s: Wall-clock budget of the LLM loop (default: the config's timeout × iterations).
        """
        started = time.monotonic()
        label = llm_mode_label(llm) if llm else ("llm (injected model)" if model is not None else llm_mode_label(None))
        base = self.deterministic(sweep, llm_label=label)
        if llm is None and model is None:
            return base.model_copy(update={"duration_s": time.monotonic() - started})
        if not sweep.findings:
            return base.model_copy(update={"fallback_reason": "no findings: nothing for the LLM to explain",
                                           "duration_s": time.monotonic() - started})
        ordered = sort_findings(list(sweep.findings))
        redactor = Redactor.for_findings(ordered)
        ctx = ToolContext(sweep=sweep, findings=ordered, redactor=redactor, warehouse=warehouse,
                          queries={q.name: q for q in self._queries()}, store=store)
        iterations = llm.max_iterations if llm else 6
        budget = deadline_s or ((llm.timeout_s if llm else 30.0) * iterations)
        try:
            chat = model if model is not None else build_chat_model(llm)  # type: ignore[arg-type]
            system, task = self.prompts(sweep, base, ctx)
            answer, tool_calls = run_agent_loop(
                chat, build_common_tools(ctx), system_prompt=system, user_prompt=task,
                max_iterations=iterations, deadline_s=budget,
            )
            allowed = {f.finding_id for f in ordered}  # any finding the tools showed it, not only the prompt's first few
            result = self.merge(base, answer, redactor, allowed)
            return result.model_copy(update={"tool_calls": tool_calls, "duration_s": time.monotonic() - started})
        except Exception as exc:  # any failure: fall back, and say why
            reason = classify(exc)
            log.warning("%s agent: LLM path failed (%s); using the deterministic analysis", self.domain, exc)
            return base.model_copy(update={"fallback_reason": reason, "duration_s": time.monotonic() - started})
