"""Remove secrets from error text before it is stored, shown, or sent to a model.

Error output can carry credentials (a JDBC URL with a password, an `Authorization:` header in a
logged request, a token pasted into a notebook). Everything LakePilot keeps or sends outward
passes through `redact` first; `excerpt` also bounds the size.
"""

from __future__ import annotations

import re
from collections.abc import Callable

REDACTED = "[REDACTED]"

# (kind, pattern, replacement). Order matters: structured forms (headers, URLs, key=value)
# first so their key names survive and only the secret part is replaced.
_RULES: list[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (
        "private_key",
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
        "[REDACTED:private_key]",
    ),
    (
        "auth_header",
        re.compile(
            r"(?i)\b((?:proxy-)?authorization|x-api-key|api-key|x-databricks-[a-z-]*token)(\s*[:=]\s*)"
            r"(?:(bearer|basic|token|digest)\s+)?[^\s,;'\"]+"
        ),
        lambda m: f"{m.group(1)}{m.group(2)}{(m.group(3) + ' ') if m.group(3) else ''}{REDACTED}",
    ),
    ("bearer", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"), f"Bearer {REDACTED}"),
    (
        "url_credentials",
        re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://)[^\s/@:]{1,256}:[^\s/@]{1,256}@"),
        lambda m: f"{m.group(1)}{REDACTED}@",
    ),
    (
        "key_value",
        re.compile(
            r"(?i)\b([a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
            r"accountkey|sharedaccesskey|client[_-]?secret|credential|private[_-]?key|sas|sig))"
            r"([\"']?\s*(?:=|:|=>)\s*)(\"[^\"]*\"|'[^']*'|[^\s&;,'\"}\]]+)"
        ),
        lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}",
    ),
    (
        "databricks_token",
        re.compile(r"\b(dapi|dkea|dose|dsapi)[0-9a-f]{20,}(-\d+)?\b"),
        "[REDACTED:databricks_token]",
    ),
    ("openai_key", re.compile(r"\bsk-(?:proj-|svcacct-|ant-)?[A-Za-z0-9_-]{16,}"), "[REDACTED:api_key]"),
    (
        "github_token",
        re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
        "[REDACTED:github_token]",
    ),
    ("aws_access_key", re.compile(r"\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"), "[REDACTED:aws_key]"),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "[REDACTED:api_key]"),
    ("slack_token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "[REDACTED:slack_token]"),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "[REDACTED:jwt]"),
]


def redact(text: str | None) -> str:
    """The text with every recognised secret replaced by a `[REDACTED…]` marker."""
    if not text:
        return ""
    out = text
    for _kind, pattern, replacement in _RULES:
        out = pattern.sub(replacement, out)
    return out


def find_secrets(text: str) -> list[str]:
    """Kinds of secret still visible in `text` (empty when it is clean); used by tests and guards."""
    found = []
    for kind, pattern, _replacement in _RULES:
        if kind in ("key_value", "auth_header", "url_credentials"):
            continue
        if pattern.search(text):
            found.append(kind)
    return found


def excerpt(text: str | None, limit: int = 2000) -> str:
    """Redacted text bounded to `limit` characters: the head and the tail, with a marker between.

    Stack traces put the exception first and the root cause (`Caused by:`) last, so both ends
    are kept.
    """
    clean = redact(text).strip()
    if len(clean) <= limit:
        return clean
    marker = f"\n… [{len(clean) - limit} characters omitted] …\n"
    head = (limit - len(marker)) * 2 // 3
    tail = limit - len(marker) - head
    return clean[:head] + marker + clean[-tail:]
