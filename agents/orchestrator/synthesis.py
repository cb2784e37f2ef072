"""The deterministic answer: one text from every domain's result, rendered from `templates/answer.j2`.

The frame (which agents answered, for which window, what could not answer, follow-ups and
sources) is rendered here on both paths; the body (per-domain findings and facts, and how they
connect) is rendered here offline, or written by the LLM and checked (`llm_synthesis`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment

from agents.common.textenv import num, pct, usd
from agents.orchestrator.digest import Fact
from agents.orchestrator.focus import Focus
from agents.orchestrator.models import Correlation, DomainResult
from agents.orchestrator.planning import SweepPlan
from agents.orchestrator.router.models import TimeWindow
from include.health.analysis import AnalysedFinding
from include.templating import template_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHOWN_FINDINGS = 3
CLOSE_ENOUGH = 2  # "… and 1 more finding" hides what it names: up to this many more are shown instead
TITLES = {"cost": "cost", "security": "security", "performance": "performance", "reliability": "reliability",
          "data_quality": "data quality", "mlops": "ML / model serving"}


def title(domain: str) -> str:
    return TITLES.get(domain, domain)


def capitalize_first(text: str) -> str:
    """`data quality` → `Data quality`, `ML / model serving` unchanged."""
    return text[:1].upper() + text[1:]


def oxford(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


@functools.cache
def environment() -> Environment:
    return template_environment(
        TEMPLATES, filters={"usd": usd, "num": num, "pct": pct, "title": title, "oxford": oxford,
                            "capitalize_first": capitalize_first}, globals={"title": title})


def macros() -> Any:  # answer.j2's jinja2 TemplateModule: its macros are attributes set at run time
    return environment().get_template("answer.j2").module


@dataclass
class Section:
    """What the answer says about one domain."""

    result: DomainResult
    findings: list[AnalysedFinding]
    facts: list[Fact]
    more: int = 0
    lead: str = ""
    window_note: str = ""


@dataclass
class Frame:
    """The parts of the answer that do not depend on who writes the body."""

    top: str
    bottom: str
    headline: str
    sections: list[Section] = field(default_factory=list)


def sections_for(results: list[DomainResult], facts: list[Fact], plan: SweepPlan, focus: Focus | None = None) -> list[Section]:
    """One section per domain that answered (fully or in part), in the routed order; with a focus (the
    question names an entity), the domains and findings about it come first and lead the answer."""
    out: list[Section] = []
    focused: list[Section] = []
    for r in results:
        if r.status == "failed":
            continue
        informational = set(r.informational_ids)
        anomalies = [f for f in r.findings if f.finding_id not in informational]
        about = [f for f in r.findings if focus is not None and focus.about(f)]
        if about:
            anomalies = about + [f for f in anomalies if f not in about]
        total = max(0, r.findings_total - len(informational))
        limit = SHOWN_FINDINGS if total - SHOWN_FINDINGS > CLOSE_ENOUGH else SHOWN_FINDINGS + CLOSE_ENOUGH
        shown = anomalies[:limit]
        mine = [f for f in facts if f.domain == r.domain]
        # A named thing ("daily_fraud_etl") leads its domain's section; a kind of thing ("did jobs fail?") only
        # orders the findings — the domain's own fact (e.g. "spend did not rise") answers the question first.
        named = about if focus is not None and focus.mentions else []
        lead = named[0].summary if named else (mine[0].text if mine else (shown[0].summary if shown else r.headline))
        note = ""
        if r.window_start and r.window_end and (
            abs(r.window_start - plan.start) > timedelta(minutes=1) or abs(r.window_end - plan.end) > timedelta(minutes=1)
        ):
            note = f"Its checks covered {r.window_start:%Y-%m-%d %H:%M} → {r.window_end:%Y-%m-%d %H:%M} UTC."
        section = Section(result=r, findings=shown, facts=mine, more=max(0, total - len(shown)),
                          lead=lead or "no findings", window_note=note)
        (focused if about else out).append(section)
    return focused + out


SOURCE_WORDS = {"stored": "stored health sweep", "cached": "cached sweep", "swept": "fresh sweep"}


def sources_of(results: list[DomainResult]) -> list[str]:
    """Where each domain's numbers came from (stored health sweep, cache, fresh sweep; queries)."""
    out = []
    for r in results:
        parts = [f"{SOURCE_WORDS[s.source]} as of {s.as_of:%Y-%m-%d %H:%M}" for s in r.sweeps]
        parts += [f"query {e.name}" for e in r.evidence if e.status == "ok"]
        if parts:
            out.append(f"{title(r.domain)}: {', '.join(parts)} ({r.analysis_path} analysis)")
    return out


def window_text(plan: SweepPlan, window: TimeWindow | None) -> tuple[str, str]:
    """(the window in words and dates, the comparison window or '')."""
    text = f"{plan.label} [{plan.start:%Y-%m-%d %H:%M} → {plan.end:%Y-%m-%d %H:%M}) UTC"
    if plan.default_window:
        text += " (no time was named, so the checks' default window)"
    comparison = window.comparison.describe() if window is not None and window.comparison is not None else ""
    return text, comparison


def frame(
    results: list[DomainResult],
    facts: list[Fact],
    plan: SweepPlan,
    window: TimeWindow | None,
    *,
    followups: list[str],
    notes: list[str],
    followup: bool = False,
    focus: Focus | None = None,
) -> Frame:
    """The frame and sections of an answer."""
    m = macros()
    sections = sections_for(results, facts, plan, focus)
    failed = [r for r in results if r.status == "failed"]
    agents = [s.result.domain for s in sections]
    when, comparison = window_text(plan, window)
    top = str(m.top(agents, when, comparison, followup)).strip()
    bottom = str(m.bottom(failed, notes, followups, sources_of(results))).strip()
    headline = " ".join(str(m.headline(sections, failed)).split())
    return Frame(top=top, bottom=bottom, headline=headline, sections=sections)


def deterministic_body(sections: list[Section], correlations: list[Correlation]) -> str:
    """The body offline: per-domain findings and facts, then how they connect."""
    return str(macros().body(sections, correlations)).strip()


def assemble(headline: str, frame_: Frame, body: str) -> str:
    """Headline, frame top, body, frame bottom, separated by blank lines."""
    return "\n\n".join(part for part in (headline.strip(), frame_.top, body.strip(), frame_.bottom) if part)


def clarification_text(question: str, options: list[str]) -> str:
    return str(macros().clarify(question, options)).strip()
