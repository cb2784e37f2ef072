"""Microsoft Entra ID access tokens for Azure OpenAI, from a service principal's client credentials.

Many tenants disable key access to Azure OpenAI; a service principal (client id + secret in the
`lakepilot_llm` connection, the tenant in its extra) gets a bearer token for the Cognitive Services
scope instead. `azure-identity` would be the usual library, but its `msal` dependency cannot be
installed beside Airflow 3.3.2's `cryptography` 51, so the OAuth 2.0 client-credentials grant is
done with `oauthlib` (the protocol: request body, HTTPS-only token URL, response and error parsing)
over `requests`. Tokens are cached and renewed five minutes before they expire; the secret never
leaves this module except in the token request's body, and never appears in an error.
"""

from __future__ import annotations

import re
import threading
import time

import requests
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error
from pydantic import SecretStr

from include.untrusted.redaction import redact

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$")  # a GUID or a domain, never a path
_RENEW_BEFORE_S = 300


class EntraIdAuthError(RuntimeError):
    """Entra ID did not issue a token (wrong secret, unknown client or tenant, unreachable authority)."""


class EntraIdTokenProvider:
    """A callable returning a valid access token: `AzureChatOpenAI(azure_ad_token_provider=...)`."""

    def __init__(
        self, tenant_id: str, client_id: str, client_secret: SecretStr, *,
        authority_host: str | None = None, scope: str = COGNITIVE_SERVICES_SCOPE, timeout_s: float = 30.0,
    ) -> None:
        if not _TENANT.match(tenant_id):
            raise ValueError(f"tenant_id {tenant_id!r} must be a tenant GUID or domain name")
        if not client_id:
            raise ValueError("Entra ID needs the service principal's client id (the connection's login)")
        authority = (authority_host or DEFAULT_AUTHORITY).rstrip("/")
        self.token_url = f"{authority}/{tenant_id}/oauth2/v2.0/token"
        self.client_id, self.tenant_id, self.scope, self.timeout_s = client_id, tenant_id, scope, timeout_s
        self._secret = client_secret
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or time.time() >= self._expires_at - _RENEW_BEFORE_S:
                self._token, self._expires_at = self._fetch()
            return self._token

    def _fetch(self) -> tuple[str, float]:
        client = BackendApplicationClient(client_id=self.client_id)
        who = f"client {self.client_id} in tenant {self.tenant_id}"
        try:  # oauthlib refuses a token URL that is not HTTPS
            url, headers, body = client.prepare_token_request(
                self.token_url, scope=[self.scope], include_client_id=True,
                client_secret=self._secret.get_secret_value(),
            )
        except OAuth2Error as exc:
            raise EntraIdAuthError(f"Entra ID token URL {self.token_url} refused: {exc.description}") from None
        try:
            response = requests.post(url, data=body, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise EntraIdAuthError(f"Entra ID at {self.token_url} unreachable for {who}: {type(exc).__name__}") from None
        try:
            token = client.parse_request_body_response(response.text)
        except (OAuth2Error, ValueError) as exc:
            reason = getattr(exc, "error", None) or type(exc).__name__
            lines = str(getattr(exc, "description", None) or "").splitlines()
            detail = f": {redact(lines[0][:200])}" if lines else ""  # e.g. AADSTS7000215: Invalid client secret
            raise EntraIdAuthError(f"Entra ID refused {who} (HTTP {response.status_code} {reason}{detail})") from None
        expires_in = float(token.get("expires_in") or 3600)
        return str(token["access_token"]), time.time() + expires_in
