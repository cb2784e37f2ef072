"""Stable identities: failure fingerprints, idempotency tokens and incident ids.

A fingerprint says "this is the same failure again": the error text with everything that varies
between occurrences (ids, numbers, timestamps, paths, hosts, quoted names) replaced by
placeholders, hashed. Same failure tomorrow -> same fingerprint; a different exception -> a
different one.
"""

from __future__ import annotations

import hashlib
import re

# Order matters: wide structures (URLs, paths, timestamps) before the bare numbers inside them.
_NORMALISERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\b"), "<ts>"),
    (re.compile(r"\b\d{2,4}[/-]\d{2}[/-]\d{2,4}\b"), "<date>"),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b"), "<time>"),
    (re.compile(r"\b[a-z][a-z0-9+.-]{0,20}://\S+", re.I), "<url>"),
    (re.compile(r"(?<![\w.])(dbfs:|file:)?(/[\w.@%+=~-]+){2,}/?"), "<path>"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"), "<ip>"),
    (re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63}){1,8}\b"), "<email>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<hex>"),
    (re.compile(r"\b(?=[0-9a-f]{0,64}\d)[0-9a-f]{8,}\b", re.I), "<hex>"),
    (re.compile(r"`[^`\n]{1,200}`"), "<name>"),
    (re.compile(r"\bo\d{2,}\b"), "o<n>"),  # py4j object ids: "calling o1234.save"
    (re.compile(r"\b\d+(\.\d+)?\b"), "<n>"),
    (re.compile(r"\s+"), " "),
]
# Stack frames differ between runtime versions; the exception lines identify the failure.
_FRAME = re.compile(r"^[ \t]*(at |\.\.\. \d+ more|File \"[^\n]*\", line)", re.M)
FINGERPRINT_CHARS = 600


def normalise_error(text: str) -> str:
    """The error text with variable parts replaced, frames dropped, lower-cased and bounded."""
    lines = [ln for ln in (text or "").splitlines() if ln.strip() and not _FRAME.match(ln)]
    out = "\n".join(lines)[: FINGERPRINT_CHARS * 4]
    for pattern, placeholder in _NORMALISERS:
        out = pattern.sub(placeholder, out)
    return out.strip().lower()[:FINGERPRINT_CHARS]


def failure_fingerprint(
    error_text: str, termination_code: str | None = None, task_keys: list[str] | None = None
) -> str:
    """16-hex-char fingerprint of a failure: normalised error + termination code + failed tasks."""
    basis = "\x1f".join(
        [normalise_error(error_text), (termination_code or "").upper(), ",".join(sorted(task_keys or []))]
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def idempotency_token(run_id: str, attempt: int) -> str:
    """Deterministic token (<= 64 chars, as the Jobs API allows) for the action on one attempt.

    Pass it as `idempotency_token` on `run-now` / `runs/submit`; a retried Airflow task then
    cannot start a second run. Repairs are guarded by `latest_repair_id` instead.
    """
    digest = hashlib.sha256(f"lakepilot:{run_id}:{attempt}".encode()).hexdigest()
    token = f"lakepilot-{run_id}-{attempt}-{digest[:12]}"
    return token if len(token) <= 64 else f"lakepilot-{digest[:40]}"


def incident_id(job_id: str, fingerprint: str, reason: str) -> str:
    """Stable id of the incident an ESCALATE opens (same job, failure and reason -> same incident)."""
    return "inc-" + hashlib.sha256(f"{job_id}:{fingerprint}:{reason}".encode()).hexdigest()[:16]
