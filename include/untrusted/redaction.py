"""The one redaction policy: what may appear in prompts, reports, mails, notices, the UI, logs and XCom.

Policy (docs/untrusted-text.md):
- Secrets are always replaced by a `[REDACTED…]` marker: private keys, `Authorization`/API-key
  headers, bearer tokens, credentials in URLs (`jdbc:postgresql://user:pw@…`), values of keys that
  name a secret (`password=…`, `"client_secret": "…"`, `AccountKey=…`, `sig=…`), and the known token
  shapes (Databricks, OpenAI, GitHub, AWS, Google, Slack, JWT). Structured forms keep their key
  name so the text still reads (`password=[REDACTED]`).
- E-mail addresses and IPv4 addresses are kept only where a finding already carries them (the
  check decided a person needs them); anywhere else `Redactor` masks them (`j***@example.com`,
  `203.0.113.x`).

Every pattern runs on RE2 (linear time): a megabyte of hostile text is redacted in milliseconds.
`redact` is idempotent: redacting redacted text changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from include.untrusted.limits import EXCERPT, TextLimit, clip
from include.untrusted.regex import Pattern, linear

REDACTED = "[REDACTED]"

Replacement = str | Callable[[Any], str]


def _header(m: Any) -> str:
    scheme = m.group(3)
    value = m.group(4) or ""
    if value.startswith("[REDACTED"):
        return str(m.group(0))
    return f"{m.group(1)}{m.group(2)}{scheme + ' ' if scheme else ''}{REDACTED}"


def _pair(m: Any) -> str:
    value = m.group(3) or ""
    if "[REDACTED" in value[:12]:
        return str(m.group(0))
    return f"{m.group(1)}{m.group(2)}{REDACTED}"


# Names of secrets to look for, not a secret.
_SECRET_WORDS = "|".join((
    "password", "passwd", "pwd", "secret", "token", r"api[_-]?key", "apikey", r"access[_-]?key", "accountkey",
    "sharedaccesskey", r"client[_-]?secret", "credentials?", r"private[_-]?key", "sas", "sig",
))

# (kind, pattern, replacement). Order matters: structured forms (headers, URLs, key=value) first,
# so their key names survive and only the secret part is replaced.
_RULES: list[tuple[str, Pattern, Replacement]] = [
    (
        "private_key",
        linear(r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----.*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)", dot_all=True),
        "[REDACTED:private_key]",
    ),
    (
        "auth_header",
        linear(
            r"\b((?:proxy-)?authorization|x-api-key|api-key|x-databricks-[a-z-]{0,40}token)(\s{0,20}[:=]\s{0,20})"
            r"(?:(bearer|basic|token|digest)\s{1,20})?([^\s,;'\"]+)",
            ignore_case=True,
        ),
        _header,
    ),
    ("bearer", linear(r"\bbearer\s{1,20}[A-Za-z0-9._~+/=-]{8,}", ignore_case=True), f"Bearer {REDACTED}"),
    (
        "url_credentials",
        linear(r"\b([a-z][a-z0-9+.-]{1,20}://)[^\s/@:]{1,256}:[^\s/@]{1,256}@", ignore_case=True),
        lambda m: f"{m.group(1)}{REDACTED}@",
    ),
    (
        "key_value",
        linear(
            rf"\b([a-z0-9_.-]{{0,64}}(?:{_SECRET_WORDS}))([\"']?\s{{0,20}}(?:=|:|=>)\s{{0,20}})"
            r"(\"[^\"]*\"|'[^']*'|[^\s&;,'\"}\]]+)",
            ignore_case=True,
        ),
        _pair,
    ),
    ("databricks_token", linear(r"\b(?:dapi|dkea|dose|dsapi)[0-9a-f]{20,}(?:-\d+)?\b", ignore_case=True),
     "[REDACTED:databricks_token]"),
    ("openai_key", linear(r"\bsk-(?:proj-|svcacct-|ant-)?[A-Za-z0-9_-]{16,}"), "[REDACTED:api_key]"),
    ("github_token", linear(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
     "[REDACTED:github_token]"),
    ("aws_access_key", linear(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"), "[REDACTED:aws_key]"),
    ("google_api_key", linear(r"\bAIza[0-9A-Za-z_-]{35}"), "[REDACTED:api_key]"),
    ("slack_token", linear(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "[REDACTED:slack_token]"),
    ("jwt", linear(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "[REDACTED:jwt]"),
]
# Kinds whose remains after redaction would still be a secret (the structured kinds keep a key name).
_SHAPED = {kind for kind, _, _ in _RULES} - {"key_value", "auth_header", "url_credentials"}

# Key names that end in a secret word (`access_token`, `client_secret`); `token_count` is not one.
_SECRET_KEY = linear(
    r"(?:^|[_-])(?:password|passwd|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key)$", ignore_case=True
)
_MENTIONS_SECRET = linear(r"key|secret|token|password|passwd|credential|sas|sig", ignore_case=True)
_EMAIL = linear(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{0,63}@([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24})\b")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
_IPV4 = linear(rf"\b({_OCTET}\.{_OCTET}\.{_OCTET})\.{_OCTET}\b")


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
    return [kind for kind, pattern, _ in _RULES if kind in _SHAPED and pattern.search(text)]


def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a secret (`client_secret`, `api-key`; not `token_count`)."""
    return bool(_SECRET_KEY.search(key))


def mentions_secret(key: str) -> bool:
    """Whether a setting's name mentions a secret anywhere (`fs.azure.account.key.acct`): its value is never shown."""
    return bool(_MENTIONS_SECRET.search(key))


def excerpt(text: str | None, limit: int | TextLimit = EXCERPT) -> str:
    """Redacted text bounded to `limit` characters: head and tail kept, the cut counted in a marker."""
    return clip(redact(text).strip(), limit).text


def emails_in(values: Iterable[Any]) -> set[str]:
    """Every e-mail address in the given values (strings, dicts and lists are searched)."""
    return {str(m.group(0)).lower() for text in _strings(values) for m in _EMAIL.finditer(text)}


def ips_in(values: Iterable[Any]) -> set[str]:
    """Every IPv4 address in the given values."""
    return {str(m.group(0)) for text in _strings(values) for m in _IPV4.finditer(text)}


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
    """Secrets out, and e-mails/IPs masked except those the findings already carry."""

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
        text = redact(text)
        text = _EMAIL.sub(self._email, text)
        return str(_IPV4.sub(self._ip, text))

    def _email(self, match: Any) -> str:
        full = str(match.group(0))
        return full if full.lower() in self.allowed_emails else f"{match.group(1)}***@{match.group(2)}"

    def _ip(self, match: Any) -> str:
        full = str(match.group(0))
        return full if full in self.allowed_ips else f"{match.group(1)}.x"

    def value(self, value: Any, key: str = "") -> Any:
        """A JSON-like value with the policy applied throughout (keys naming secrets blank their value)."""
        if key and is_secret_key(key) and isinstance(value, str) and value:
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value
