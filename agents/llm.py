"""The one place that builds LakePilot's chat model.

OpenAI, Azure OpenAI and Databricks model-serving endpoints all speak the OpenAI protocol, so
one configuration covers them, read from the `lakepilot_llm` connection:

    host      base URL: https://api.openai.com/v1 | https://<res>.openai.azure.com |
              https://<workspace>/serving-endpoints
    password  the API key / Databricks token (never logged, never put in a prompt)
    login     a service principal's client id (password = its secret):
              - Databricks: with extra.service_principal_oauth = true; the token comes from the
                workspace's /oidc/v1/token through the provider's DatabricksHook, as for Jobs and SQL
              - Azure OpenAI with Microsoft Entra ID (key access disabled): with extra.tenant_id;
                the token comes from Entra ID (include/azure_auth.py; extra.authority_host for a
                sovereign cloud, default https://login.microsoftonline.com)
    extra     {"provider": "openai"|"azure"|"databricks", "model": "...",
               "api_version": "...", "deployment": "...", "timeout": 30, "max_iterations": 6,
               "temperature": 0 (default; null = do not send one: reasoning models reject it),
               "tenant_id": "...", "authority_host": "..."}

Inside Airflow the DAG task resolves the connection and passes an `LLMConfig` in; the CLI reads
the same connection through the one resolver (include/connections.py: `AIRFLOW_CONN_LAKEPILOT_LLM`
as JSON or URI, parsed by Airflow, or a configured secrets backend).
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, SecretStr

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Provider = Literal["openai", "azure", "databricks"]
ENV_CONN = "AIRFLOW_CONN_LAKEPILOT_LLM"


class LLMConfig(BaseModel):
    """How to reach the chat model. `api_key` is a SecretStr: it prints as '**********'."""

    provider: Provider = "openai"
    base_url: str | None = None
    api_key: SecretStr
    model: str = "gpt-4o-mini"
    api_version: str | None = None
    deployment: str | None = None
    timeout_s: float = Field(default=30.0, gt=0)
    max_iterations: int = Field(default=6, ge=1, le=20)
    temperature: float | None = 0.0  # None: the request carries no temperature (reasoning models refuse one)
    client_id: str | None = None  # a service principal (Databricks OAuth M2M, Entra ID); api_key is its secret
    tenant_id: str | None = None  # Azure: Entra ID tenant; set with client_id, the model is called with a token
    authority_host: str | None = None  # Azure: the Entra ID authority (sovereign clouds); default public cloud

    def label(self) -> str:
        """Safe description for logs and recorded outputs (no key)."""
        return f"{self.provider}:{self.deployment or self.model}"

    @classmethod
    def from_connection_fields(
        cls, host: str | None, password: str | None, extra: dict[str, Any] | str | None, login: str | None = None,
    ) -> LLMConfig:
        """Build from an Airflow connection's host, password, extra (and login, for a service principal)."""
        extra_dict: dict[str, Any] = json.loads(extra) if isinstance(extra, str) and extra else dict(extra or {})
        if not password:
            raise ValueError("the lakepilot_llm connection has no API key (password)")
        provider = extra_dict.get("provider", "openai")
        service_principal = bool(extra_dict.get("service_principal_oauth"))
        if service_principal and (provider != "databricks" or not login):
            raise ValueError("service_principal_oauth needs provider databricks and the client id in login")
        tenant_id = extra_dict.get("tenant_id") or None
        if tenant_id and (provider != "azure" or not login):
            raise ValueError("tenant_id (Entra ID) needs provider azure and the service principal's client id in login")
        temperature = extra_dict.get("temperature", 0.0)
        return cls(
            client_id=login if service_principal or tenant_id else None,
            tenant_id=tenant_id,
            authority_host=extra_dict.get("authority_host") or None,
            temperature=None if temperature is None or str(temperature).lower() == "none" else float(temperature),
            provider=provider,
            base_url=host or extra_dict.get("base_url"),
            api_key=SecretStr(password),
            model=extra_dict.get("model", "gpt-4o-mini"),
            api_version=extra_dict.get("api_version"),
            deployment=extra_dict.get("deployment"),
            timeout_s=float(extra_dict.get("timeout", 30)),
            max_iterations=int(extra_dict.get("max_iterations", 6)),
        )

    @classmethod
    def from_connection(cls, conn: Any) -> LLMConfig:
        """Build from an Airflow `Connection` (JSON form: host is the base URL; URI form: scheme in extra)."""
        extra = dict(conn.extra_dejson or {})
        host = conn.host
        if host and "://" not in host:  # URI form: Airflow splits the base URL into host, port and schema
            scheme = extra.pop("scheme", "https")
            host = f"{scheme}://{host}{f':{conn.port}' if conn.port else ''}{f'/{conn.schema}' if conn.schema else ''}"
        return cls.from_connection_fields(host, conn.password, extra, login=conn.login)

    @classmethod
    def from_env(cls) -> LLMConfig | None:
        """From the `lakepilot_llm` connection (include.connections), or None when none is configured."""
        from include.connections import LLM_CONN_ID, get_connection

        conn = get_connection(LLM_CONN_ID)
        return None if conn is None else cls.from_connection(conn)


def build_chat_model(config: LLMConfig, *, agent: str | None = None, callbacks: list[Any] | None = None,
                     record_usage: bool = True) -> BaseChatModel:
    """A LangChain chat model for the configured provider (bounded by the config's timeout).

    Every model built here carries an `LLMUsageRecorder` (unless `record_usage=False`), so each
    call's tokens, latency and estimated cost land in `lakepilot.ops.llm_calls` whichever agent
    makes it. `agent` labels the calls (else the call's `lakepilot_agent` metadata, else the
    Airflow task id); `callbacks` are added after the recorder.
    """
    handlers: list[Any] = []
    if record_usage:
        from include.metrics.recorder import LLMUsageRecorder

        handlers.append(LLMUsageRecorder(agent=agent, provider=config.provider, model=config.deployment or config.model))
    handlers.extend(callbacks or [])
    common: dict[str, Any] = {
        "timeout": config.timeout_s,
        "max_retries": 1,
        "callbacks": handlers or None,
    }
    if config.temperature is not None:
        common["temperature"] = config.temperature
    if config.provider == "azure":
        from langchain_openai import AzureChatOpenAI

        if config.tenant_id:
            common["azure_ad_token_provider"] = _entra_id_token_provider(config)
        else:
            common["api_key"] = config.api_key
        return AzureChatOpenAI(
            azure_endpoint=config.base_url,
            azure_deployment=config.deployment or config.model,
            api_version=config.api_version or "2024-10-21",
            **common,
        )
    from langchain_openai import ChatOpenAI

    common["api_key"] = _databricks_sp_token(config) if config.client_id else config.api_key
    return ChatOpenAI(model=config.model, base_url=config.base_url, **common)


_ENTRA_PROVIDERS: dict[tuple[str, str, str, str], Any] = {}
_ENTRA_LOCK = threading.Lock()


def _entra_id_token_provider(config: LLMConfig) -> Any:
    """A cached Entra ID token source for Azure OpenAI, asked once now so that a refused secret fails
    here (the agent then falls back and says why) rather than inside the first chat request.

    One provider per service principal (tenant, client, authority, secret digest) in the process: it
    renews its own token, so the several models a question builds share one token request."""
    from include.azure_auth import EntraIdTokenProvider

    secret = config.api_key.get_secret_value()
    key = (config.tenant_id or "", config.client_id or "", config.authority_host or "",
           hashlib.sha256(secret.encode()).hexdigest())
    with _ENTRA_LOCK:
        provider = _ENTRA_PROVIDERS.get(key)
        if provider is None:
            provider = EntraIdTokenProvider(config.tenant_id or "", config.client_id or "", config.api_key,
                                            authority_host=config.authority_host, timeout_s=config.timeout_s)
    provider()  # raises for a refused secret; the provider is kept only once it has worked
    with _ENTRA_LOCK:
        _ENTRA_PROVIDERS[key] = provider
    return provider


def _databricks_sp_token(config: LLMConfig) -> SecretStr:
    """An OAuth token for a Databricks service principal, from the workspace of the serving endpoint
    (include.connections: the provider's DatabricksHook, the same auth as Jobs and SQL). Tokens live
    an hour; a model is built per task."""
    from urllib.parse import urlsplit

    from include.connections import service_principal_token

    host = urlsplit(config.base_url or "").netloc
    if not host:
        raise ValueError("a Databricks serving endpoint needs host https://<workspace>/serving-endpoints")
    return SecretStr(service_principal_token(host, config.client_id or "", config.api_key.get_secret_value()))


# Imported lazily (an offline run never pays for them), which is unsafe to do for the first time from
# several threads at once: concurrent first imports of these packages can hand one thread a
# partially initialised module ("partially initialized module 'httpx' has no attribute 'URL'").
LLM_MODULES = (
    "httpx", "openai", "langchain_openai", "langchain_core.tools", "langchain.agents",
    "langchain.agents.middleware", "langchain.agents.structured_output",
)


def import_llm_modules() -> None:
    """Import the LLM path's packages in the calling thread; call before fanning LLM work out to threads."""
    import importlib

    for name in LLM_MODULES:
        importlib.import_module(name)


def llm_mode_label(config: LLMConfig | None) -> str:
    """What a user is told about the model in use."""
    return f"llm ({config.label()})" if config else "deterministic (no LLM configured)"
