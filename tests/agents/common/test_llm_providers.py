"""Every LLM provider, built from the `lakepilot_llm` connection as a user writes it, on the wire.

A loopback OpenAI-protocol server (plain HTTP, or TLS with a generated CA) records each request's
path, query, headers and body and answers with the structured tool call the domain agent expects;
for a Databricks service principal it also serves the workspace's `/oidc/v1/token`. The requests are
made by the real clients (langchain-openai's ChatOpenAI / AzureChatOpenAI, the provider's
DatabricksHook for the OAuth token), so URL shapes, api-version, headers and auth are what a real
endpoint would get.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from agents.domains import analyse
from agents.llm import LLMConfig
from include.emulator.tls import make_certificates
from tests.agents.common.fakes import cost_sweep
from tests.http_stub import send_json

SP_ID, SP_SECRET, OAUTH_TOKEN = "sp-llm-client", "sp-llm-secret-9f3a", "dbx-oauth-access-token-77"
TENANT, ENTRA_TOKEN = "contoso.onmicrosoft.com", "entra-access-token-5c1d"


class Endpoint:
    """OpenAI-protocol chat completions on any path ending in /chat/completions, plus /oidc/v1/token."""

    def __init__(self, tls_dir: Path | None = None) -> None:
        self.seen: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server hook name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if parts.path == "/oidc/v1/token":
                    outer.seen.append({"path": parts.path, "headers": headers, "form": parse_qs(raw.decode())})
                    expected = "Basic " + base64.b64encode(f"{SP_ID}:{SP_SECRET}".encode()).decode()
                    if headers.get("authorization") != expected:
                        send_json(self, 401, {"error": "invalid_client", "error_description": "Client authentication failed"})
                        return
                    send_json(self, 200, {"access_token": OAUTH_TOKEN, "token_type": "Bearer", "expires_in": 3600})
                    return
                if parts.path == f"/{TENANT}/oauth2/v2.0/token":  # Microsoft Entra ID, client credentials
                    form = parse_qs(raw.decode())
                    outer.seen.append({"path": parts.path, "headers": headers, "form": form})
                    if form.get("client_id") != [SP_ID] or form.get("client_secret") != [SP_SECRET]:
                        send_json(self, 401, {"error": "invalid_client", "error_description":
                                              "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"})
                        return
                    send_json(self, 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": ENTRA_TOKEN})
                    return
                body = json.loads(raw)
                outer.seen.append({"path": parts.path, "query": parse_qs(parts.query), "headers": headers, "body": body})
                if not parts.path.endswith("/chat/completions"):
                    send_json(self, 404, {"error": {"message": f"no route {parts.path}"}})
                    return
                args = {"headline": f"Answered by {body.get('model')}", "findings": []}
                send_json(self, 200, {
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model") or "deployment",
                    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": None,
                                 "tool_calls": [{"id": "call_1", "type": "function",
                                                 "function": {"name": "LLMAnalysis", "arguments": json.dumps(args)}}]}}],
                    "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18}})

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls_dir is not None:
            files = make_certificates(tls_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(files.cert, files.key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme, self.ca = "https", files.ca_cert
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def root(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def chats(self) -> list[dict[str, Any]]:
        return [s for s in self.seen if not s["path"].endswith(("/oidc/v1/token", "/oauth2/v2.0/token"))]


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    yield server
    server.httpd.shutdown()


def _from_connection(monkeypatch: pytest.MonkeyPatch, connection: dict[str, Any]) -> LLMConfig:
    monkeypatch.setenv("AIRFLOW_CONN_LAKEPILOT_LLM", json.dumps(connection))
    config = LLMConfig.from_env()
    assert config is not None
    return config


def _answered(config: LLMConfig) -> None:
    analysis = analyse("cost", cost_sweep(), llm=config)
    assert analysis.path == "llm", analysis.fallback_reason
    assert analysis.headline.startswith("Answered by")


def test_openai(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _from_connection(monkeypatch, {"conn_type": "http", "host": f"{endpoint.root}/v1", "password": "sk-openai-key-123456",
                                            "extra": {"provider": "openai", "model": "gpt-4o-mini"}})
    _answered(config)
    (call,) = endpoint.chats()
    assert call["path"] == "/v1/chat/completions" and call["headers"]["authorization"] == "Bearer sk-openai-key-123456"
    assert call["body"]["model"] == "gpt-4o-mini" and call["body"]["temperature"] == 0


def test_temperature_can_be_left_out_for_reasoning_models(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _from_connection(monkeypatch, {"conn_type": "http", "host": f"{endpoint.root}/v1", "password": "sk-openai-key-123456",
                                            "extra": {"provider": "openai", "model": "o4-mini", "temperature": None}})
    _answered(config)
    assert "temperature" not in endpoint.chats()[0]["body"]


def test_azure_openai_with_a_key(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _from_connection(monkeypatch, {"conn_type": "http", "host": endpoint.root, "password": "azure-key-abcdef123",
                                            "extra": {"provider": "azure", "deployment": "gpt4o-prod", "api_version": "2024-10-21"}})
    _answered(config)
    (call,) = endpoint.chats()
    assert call["path"] == "/openai/deployments/gpt4o-prod/chat/completions"
    assert call["query"] == {"api-version": ["2024-10-21"]}
    assert call["headers"]["api-key"] == "azure-key-abcdef123"
    assert "azure-key" not in call["headers"].get("authorization", "")


def test_databricks_serving_endpoint_with_a_token(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _from_connection(monkeypatch, {"conn_type": "http", "host": f"{endpoint.root}/serving-endpoints", "password": "dapi-serving-1",
                                            "extra": {"provider": "databricks", "model": "fraud-explainer"}})
    _answered(config)
    (call,) = endpoint.chats()
    assert call["path"] == "/serving-endpoints/chat/completions" and call["body"]["model"] == "fraud-explainer"
    assert call["headers"]["authorization"] == "Bearer dapi-serving-1"


def test_databricks_serving_endpoint_with_a_service_principal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = Endpoint(tls_dir=tmp_path / "tls")  # real Databricks is HTTPS only; the token URL is https://{host}/oidc/v1/token
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(workspace.ca))  # the hook (requests)
        monkeypatch.setenv("SSL_CERT_FILE", str(workspace.ca))  # the OpenAI client (httpx)
        connection = {"conn_type": "http", "host": f"{workspace.root}/serving-endpoints", "login": SP_ID, "password": SP_SECRET,
                      "extra": {"provider": "databricks", "model": "fraud-explainer", "service_principal_oauth": True}}
        _answered(_from_connection(monkeypatch, connection))
        token_call, chat = workspace.seen
        assert token_call["path"] == "/oidc/v1/token" and token_call["form"]["grant_type"] == ["client_credentials"]
        assert chat["path"] == "/serving-endpoints/chat/completions"
        assert chat["headers"]["authorization"] == f"Bearer {OAUTH_TOKEN}"  # the OAuth token, never the secret
        assert SP_SECRET not in json.dumps(chat)

        # a wrong secret: the agent falls back to its deterministic path and says why, no chat request is made
        workspace.seen.clear()
        wrong = _from_connection(monkeypatch, {**connection, "password": "not-the-secret"})
        analysis = analyse("cost", cost_sweep(), llm=wrong)
        assert analysis.path == "deterministic" and analysis.fallback_reason
        assert workspace.chats() == []
    finally:
        workspace.httpd.shutdown()


def test_azure_openai_with_entra_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Key access disabled: a service principal's token from Entra ID (the authority on the same loopback
    server, HTTPS as the real one), sent as a bearer token; the secret goes only to the token endpoint."""
    server = Endpoint(tls_dir=tmp_path / "tls")
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca))  # the token request (requests)
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca))  # the OpenAI client (httpx)
        connection = {"conn_type": "http", "host": server.root, "login": SP_ID, "password": SP_SECRET,
                      "extra": {"provider": "azure", "deployment": "gpt4o-prod", "api_version": "2024-10-21",
                                "tenant_id": TENANT, "authority_host": server.root}}
        _answered(_from_connection(monkeypatch, connection))
        token_call, chat = server.seen
        assert token_call["form"]["grant_type"] == ["client_credentials"]
        assert token_call["form"]["scope"] == ["https://cognitiveservices.azure.com/.default"]
        assert chat["path"] == "/openai/deployments/gpt4o-prod/chat/completions"
        assert chat["query"]["api-version"] == ["2024-10-21"]
        assert chat["headers"]["authorization"] == f"Bearer {ENTRA_TOKEN}" and "api-key" not in chat["headers"]
        assert SP_SECRET not in json.dumps(chat)

        # a second model for the same service principal (the orchestrator builds several per question)
        # reuses the token: one more chat request, no second token request
        server.seen.clear()
        _answered(_from_connection(monkeypatch, connection))
        assert [call["path"] for call in server.seen] == ["/openai/deployments/gpt4o-prod/chat/completions"]

        # a wrong secret: no chat request; the agent falls back as an auth error and its log names Entra ID's
        # refusal (client, tenant, AADSTS code), never the secret
        server.seen.clear()
        analysis = analyse("cost", cost_sweep(), llm=_from_connection(monkeypatch, {**connection, "password": "wrong-secret-1"}))
        assert analysis.path == "deterministic" and analysis.fallback_reason == "auth_error" and server.chats() == []
        assert "Entra ID refused client sp-llm-client in tenant contoso.onmicrosoft.com (HTTP 401 invalid_client" in caplog.text
        assert "AADSTS7000215" in caplog.text and "wrong-secret-1" not in caplog.text
    finally:
        server.httpd.shutdown()


def test_entra_id_needs_https_and_a_plain_tenant() -> None:
    from pydantic import SecretStr

    from include.azure_auth import EntraIdAuthError, EntraIdTokenProvider

    with pytest.raises(ValueError, match="tenant_id"):
        EntraIdTokenProvider("../evil/path", SP_ID, SecretStr(SP_SECRET))
    with pytest.raises(EntraIdAuthError, match="refused"):  # the secret is never sent over plain HTTP
        EntraIdTokenProvider(TENANT, SP_ID, SecretStr(SP_SECRET), authority_host="http://127.0.0.1:9")()
    with pytest.raises(ValueError, match="tenant_id .Entra ID. needs provider azure"):
        LLMConfig.from_connection_fields("https://api.openai.com/v1", "secret", {"provider": "openai", "tenant_id": TENANT},
                                         login="someone")


def test_a_service_principal_needs_the_databricks_provider_and_a_client_id() -> None:
    with pytest.raises(ValueError, match="service_principal_oauth needs provider databricks"):
        LLMConfig.from_connection_fields("https://api.openai.com/v1", "secret", {"provider": "openai", "service_principal_oauth": True},
                                         login="someone")
