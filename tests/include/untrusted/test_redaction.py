"""One redaction policy: every known secret shape goes, ordinary text stays, redacting twice changes nothing."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from include.untrusted.redaction import (
    Redactor,
    excerpt,
    find_secrets,
    is_secret_key,
    mentions_secret,
    redact,
)

# (text, the secret part that must not survive). The second half are the shapes the report's
# former redactor let through (issue: GitHub, JDBC URL, Slack, Google, PEM, Basic auth).
SECRETS = [
    ("Authorization: Bearer dapi0123456789abcdef0123456789abcdef", "dapi0123456789abcdef0123456789abcdef"),
    ("token=dapi0123456789abcdef0123456789abcdef-3 failed", "dapi0123456789abcdef0123456789abcdef"),
    ("https://admin:s3cr3tpw@files.example.com/x", "s3cr3tpw"),
    ("openai.AuthenticationError: Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUv",
     "sk-proj-AbCdEfGhIjKlMnOpQrStUv"),
    ("password=correct-horse-battery", "correct-horse-battery"),
    ('{"client_secret": "zyx-987-wvu"}', "zyx-987-wvu"),
    ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=AbC/dEf+GhI==;EndpointSuffix=core.windows.net",
     "AbC/dEf+GhI=="),
    ("?sv=2022-11-02&sig=AbCdEf%2Bxyz123&se=2026", "AbCdEf%2Bxyz123"),
    ("aws_access_key_id AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("clone failed: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("jdbc:postgresql://admin:hunter2@db.internal:5432/sales", "hunter2"),
    ("slack said invalid_auth for xoxb-123456789012-abcdefghijKL", "xoxb-123456789012-abcdefghijKL"),
    ("maps key AIzaSyA1234567890abcdefghijklmnopqrstuv leaked", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n(truncated)", "MIIEvQIBADANBgkq"),
    ("GET /api  Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l"),
    ("x-databricks-azure-sp-management-token: abc.def.ghi", "abc.def.ghi"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_every_secret_shape_is_redacted_once_and_for_all(text: str, secret: str) -> None:
    clean = redact(text)
    assert secret not in clean and "[REDACTED" in clean
    assert find_secrets(clean) == []
    assert redact(clean) == clean  # idempotent


@pytest.mark.parametrize("text", [
    "java.lang.OutOfMemoryError: Java heap space at org.apache.spark.Foo(Foo.scala:12)",
    "Token is expired (AADSTS700082); the refresh token has expired due to inactivity",
    "token_count=1200 secrets_manager_region=us-east-1",
    "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table `main.sales.orders` cannot be found.",
])
def test_ordinary_error_text_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_the_masking_policy_keeps_only_what_findings_carry() -> None:
    redactor = Redactor(allowed_emails=["alice@example.com"], allowed_ips=["203.0.113.7"])
    text = redactor.text("alice@example.com and bob@example.com from 203.0.113.7 and 198.51.100.4, password: x")
    assert text == "alice@example.com and b***@example.com from 203.0.113.7 and 198.51.100.x, password: [REDACTED]"
    value = redactor.value({"access_token": "abc", "token_count": "12", "nested": ["dapi" + "0" * 32]})
    assert value == {"access_token": "[REDACTED]", "token_count": "12", "nested": ["[REDACTED:databricks_token]"]}


def test_key_names_that_hide_values() -> None:
    assert is_secret_key("client_secret") and is_secret_key("api-key") and not is_secret_key("token_count")
    assert mentions_secret("fs.azure.account.key.acct.dfs.core.windows.net") and not mentions_secret("spark.executor.memory")


def test_excerpt_redacts_before_it_cuts() -> None:
    # A private key straddling the cut must not leave its body in the tail.
    text = "head\n-----BEGIN RSA PRIVATE KEY-----\n" + "QUJD\n" * 2000 + "-----END RSA PRIVATE KEY-----\ntail"
    short = excerpt(text, 300)
    assert "QUJD" not in short and short.startswith("head") and short.endswith("tail") and len(short) <= 300


# -- properties ------------------------------------------------------------------------------------
_SAFE = string.ascii_letters + string.digits
_VALUE = st.text(alphabet=_SAFE + "!@#$%^*()+/=_-", min_size=12, max_size=40).filter(lambda v: v[0] not in "[\"'")
_PLANTS = {
    "key_value": lambda v: f"db_password={v}",
    "json_pair": lambda v: f'"client_secret": "{v}"',
    "header": lambda v: f"Authorization: Bearer {v}",
    "url": lambda v: f"postgresql://etl:{v.replace('@', '').replace('/', '')}@db:5432/x",
    "databricks": lambda v: "dapi" + "".join(f"{ord(c) % 16:x}" for c in v) * 2,
    "github": lambda v: "ghp_" + "".join(c for c in v if c.isalnum()).ljust(24, "x"),
    "aws": lambda v: "AKIA" + "".join(c.upper() for c in v if c.isalnum()).ljust(16, "Q")[:16],
}
_PLANT_SECRET = {
    "key_value": lambda v: v, "json_pair": lambda v: v, "header": lambda v: v,
    "url": lambda v: v.replace("@", "").replace("/", ""),
    "databricks": lambda v: _PLANTS["databricks"](v), "github": lambda v: _PLANTS["github"](v),
    "aws": lambda v: _PLANTS["aws"](v),
}
_NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_NOISE, after=_NOISE, value=_VALUE, kind=st.sampled_from(sorted(_PLANTS)))
def test_no_planted_secret_survives_and_redaction_is_idempotent(before: str, after: str, value: str, kind: str) -> None:
    secret = _PLANT_SECRET[kind](value)
    text = f"{before}\n{_PLANTS[kind](value)}\n{after}"
    clean = redact(text)
    if secret not in before and secret not in after:
        assert secret not in clean
    assert redact(clean) == clean


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2_000))
def test_redaction_of_any_text_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=5_000), limit=st.integers(min_value=80, max_value=3_000))
def test_an_excerpt_is_never_longer_than_its_cap_and_holds_no_secret_shape(text: str, limit: int) -> None:
    short = excerpt(text + " dapi" + "a" * 32, limit)
    assert len(short) <= limit and find_secrets(short) == []
