"""What may appear in reports, mails and LLM prompts/outputs.

Policy (documented in docs/health.md):
- Secrets (Databricks/OpenAI/AWS keys, bearer tokens, JWTs, `password=...`-style pairs, and any
  value under a key naming a secret) are always replaced by `[redacted]`.
- E-mail addresses and IP addresses are kept only when a finding already carries them (the
  check decided the finding needs them, e.g. the user behind a permission change or the source
  IP of a suspicious login); anywhere else they are masked (`j***@example.com`, `203.0.113.x`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"

_SECRET_PATTERNS = [
    re.compile(r"\bdapi[0-9a-f]{32}(?:-\d+)?\b", re.IGNORECASE),
    re.compile(r"\bdose[0-9a-f]{32}\b", re.IGNORECASE),
    re.compile(r"\bsk-[A-Za-z0-9_-]{16,}\b"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"),
]
_SECRET_PAIR = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)(\s*[=:]\s*)([^\s,;&\"']+)"
)
# Key names that end in a secret word (`access_token`, `client_secret`); `token_count` is not one.
_SECRET_KEY = re.compile(r"(?i)(?:^|[_-])(password|passwd|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key)$")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
_IPV4 = re.compile(r"\b((?:25[0-5]|2[0-4]\d|1?\d?\d)\.(?:25[0-5]|2[0-4]\d|1?\d?\d)\.(?:25[0-5]|2[0-4]\d|1?\d?\d))\.(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")


def redact_secrets(text: str) -> str:
    """Replace anything that looks like a credential."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def emails_in(values: Iterable[Any]) -> set[str]:
    """Every e-mail address in the given values (strings, dicts and lists are searched)."""
    return {m.group(0).lower() for text in _strings(values) for m in _EMAIL.finditer(text)}


def ips_in(values: Iterable[Any]) -> set[str]:
    """Every IPv4 address in the given values."""
    return {m.group(0) for text in _strings(values) for m in _IPV4.finditer(text)}


def _strings(values: Iterable[Any]) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from _strings(value.keys())
            yield from _strings(value.values())
        elif isinstance(value, list | tuple | set):
            yield from _strings(value)
        elif value is not None:
            yield str(value)


class Redactor:
    """Applies the policy, keeping the e-mails and IPs that findings already carry."""

    def __init__(self, allowed_emails: Iterable[str] = (), allowed_ips: Iterable[str] = ()) -> None:
        self.allowed_emails = {e.lower() for e in allowed_emails}
        self.allowed_ips = set(allowed_ips)

    @classmethod
    def for_findings(cls, findings: Iterable[Any]) -> Redactor:
        """Allow exactly what the findings (pydantic models or dicts) contain."""
        dumps = [f.model_dump(mode="json") if hasattr(f, "model_dump") else f for f in findings]
        return cls(emails_in(dumps), ips_in(dumps))

    def text(self, text: str) -> str:
        """One string with secrets removed and unallowed e-mails/IPs masked."""
        text = redact_secrets(text)
        text = _EMAIL.sub(self._email, text)
        return _IPV4.sub(self._ip, text)

    def _email(self, match: re.Match[str]) -> str:
        full = match.group(0)
        return full if full.lower() in self.allowed_emails else f"{match.group(1)}***@{match.group(2)}"

    def _ip(self, match: re.Match[str]) -> str:
        full = match.group(0)
        return full if full in self.allowed_ips else f"{match.group(1)}.x"

    def value(self, value: Any, key: str = "") -> Any:
        """A JSON-like value with the policy applied throughout (keys naming secrets blank their value)."""
        if key and _SECRET_KEY.search(key) and isinstance(value, str) and value:
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value
