"""OAuth M2M for the emulator: `/oidc/v1/token` issues service-principal tokens as Databricks does.

`grant_type=client_credentials` (form-encoded), the client id and secret by HTTP Basic or in the
form; the answer is `{"access_token", "token_type": "Bearer", "expires_in": 3600, "scope"}`. Issued
tokens are accepted as Bearer tokens next to the personal access token until they expire. A wrong
client or secret is 401 `invalid_client`, as the real endpoint answers.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
import time
from urllib.parse import parse_qs

DEFAULT_CLIENT_ID = "lakepilot-local-sp"
DEFAULT_CLIENT_SECRET = "lakepilot-local-sp-secret"  # noqa: S105 - documented local-only default
ENV_CLIENT_ID = "LAKEPILOT_EMULATOR_CLIENT_ID"
ENV_CLIENT_SECRET = "LAKEPILOT_EMULATOR_CLIENT_SECRET"  # noqa: S105 - the name of an env var
TOKEN_LIFETIME_S = 3600


class OAuthError(Exception):
    """An answer of the token endpoint other than a token: status and the OAuth error body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "error_description": description}


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        user, _, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


class TokenIssuer:
    """One service principal's credentials and the tokens issued to it."""

    def __init__(self, client_id: str, client_secret: str, lifetime_s: int = TOKEN_LIFETIME_S) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.lifetime_s = lifetime_s
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, form_body: bytes, authorization: str) -> dict[str, object]:
        try:
            form = {k: v[0] for k, v in parse_qs(form_body.decode("utf-8"), strict_parsing=False).items()}
        except UnicodeDecodeError:
            raise OAuthError(400, "invalid_request", "the request body is not form-encoded text") from None
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "only grant_type=client_credentials is supported")
        given = _basic(authorization) or (form.get("client_id", ""), form.get("client_secret", ""))
        ok_id = hmac.compare_digest(given[0].encode(), self.client_id.encode())
        ok_secret = hmac.compare_digest(given[1].encode(), self._secret.encode())
        if not (ok_id and ok_secret):
            raise OAuthError(401, "invalid_client", "Client authentication failed")
        token = "lpo-" + secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + self.lifetime_s
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime_s,
                "scope": form.get("scope", "all-apis")}

    def valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and expiry > time.time()
