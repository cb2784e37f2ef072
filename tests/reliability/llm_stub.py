"""A loopback OpenAI-compatible chat-completions server for the reliability suite.

Real HTTP on 127.0.0.1, so the real `ChatOpenAI` built by `agents.llm.build_chat_model` talks to it
exactly as to OpenAI or a Databricks serving endpoint. It records every request (body and headers)
and answers according to its `mode`:

    ok              `responder(body)` decides (default: a valid answer to whatever tool or schema was asked)
    status:<code>   that HTTP error (`retry_after` adds a Retry-After header, as Azure OpenAI sends on 429)
    hang            never answers in time (holds the connection until `hang_s` or shutdown)
    malformed_json  200 with a body that is not JSON
    invalid_tool    200, well-formed, but the tool call's arguments break the schema / name an unknown tool
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
STRUCTURED = {"LLMAnalysis", "LLMRoute", "SynthesisAnswer", "TriageAnalysis", "RequestFacts"}


def completion(message: dict[str, Any], finish: str = "stop", model: str = "stub-model") -> dict[str, Any]:
    return {"id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def tool_call_reply(name: str, args: dict[str, Any] | str, call_id: str = "call_1") -> tuple[int, dict[str, Any]]:
    arguments = args if isinstance(args, str) else json.dumps(args)
    message = {"role": "assistant", "content": None,
               "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}]}
    return 200, completion(message, "tool_calls")


def content_reply(text: str) -> tuple[int, dict[str, Any]]:
    return 200, completion({"role": "assistant", "content": text})


def offered_tools(body: dict[str, Any]) -> list[str]:
    return [t.get("function", {}).get("name", "") for t in body.get("tools") or []]


def schema_name(body: dict[str, Any]) -> str | None:
    """The structured-output schema asked for through `response_format` (json_schema), if any."""
    fmt = body.get("response_format") or {}
    return (fmt.get("json_schema") or {}).get("name") if isinstance(fmt, dict) else None


def prompt_text(body: dict[str, Any]) -> str:
    """Everything the model was shown (all message contents), as one string."""
    parts = []
    for m in body.get("messages") or []:
        content = m.get("content")
        parts.append(content if isinstance(content, str) else json.dumps(content))
    return "\n".join(p for p in parts if p)


def valid_args(name: str, echo: str = "") -> dict[str, Any]:
    """Minimal schema-valid arguments for LakePilot's structured answers."""
    note = ("stub answer. " + echo)[:300]
    return {
        "LLMAnalysis": {"headline": note[:200] or "stub headline", "findings": []},
        "LLMRoute": {"domains": ["cost"], "ambiguous": False, "reason": note[:200]},
        "SynthesisAnswer": {"headline": "stub headline", "body": note or "stub body"},
        "TriageAnalysis": {"category": "network", "suggested_action": "RETRY", "confidence": 0.9, "rationale": note},
        "RequestFacts": {},
    }.get(name, {})


def default_responder(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A valid answer to whichever structured answer the request asks for."""
    schema = schema_name(body)
    if schema:
        return content_reply(json.dumps(valid_args(schema)))
    tools = offered_tools(body)
    wanted = next((t for t in tools if t in STRUCTURED), None)
    if wanted:
        return tool_call_reply(wanted, valid_args(wanted))
    return content_reply("stub: nothing to say")


class OpenAIStub:
    """One stub server; `url` is the base URL (`.../v1`) for an `LLMConfig`."""

    def __init__(self, mode: str = "ok", responder: Responder | None = None, *, hang_s: float = 60.0,
                 retry_after: int | None = None) -> None:
        self.mode = mode
        self.responder = responder or default_responder
        self.hang_s = hang_s
        self.retry_after = retry_after
        self.bodies: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server hook name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
                with outer._lock:
                    outer.bodies.append(raw)
                    outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                outer._answer(self, raw)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="openai-stub", daemon=True)

    # -- lifecycle ----------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> OpenAIStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what it saw -------------------------------------------------------------------------------
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            raw = list(self.bodies)
        out = []
        for text in raw:
            try:
                out.append(json.loads(text))
            except json.JSONDecodeError:
                out.append({"_raw": text})
        return out

    def all_text(self) -> str:
        """Every request body and header value received, as one string (for secret scans)."""
        with self._lock:
            return "\n".join(self.bodies) + "\n" + "\n".join(json.dumps(h) for h in self.headers)

    def prompts_text(self) -> str:
        """Every request body received (what the model was sent), as one string."""
        with self._lock:
            return "\n".join(self.bodies)

    # -- answering ---------------------------------------------------------------------------------
    def _send(self, handler: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self, handler: BaseHTTPRequestHandler, raw: str) -> None:
        mode = self.mode
        if mode == "hang":
            deadline = time.monotonic() + self.hang_s
            while time.monotonic() < deadline and not self._stopping.is_set():
                time.sleep(0.05)
            self._send(handler, 504, b'{"error": {"message": "stub gave up"}}')
            return
        if mode.startswith("status:"):
            status = int(mode.split(":", 1)[1])
            kind = "rate_limit_exceeded" if status == 429 else "server_error"
            body = json.dumps({"error": {"message": f"stub says {status}", "type": kind, "code": kind}}).encode()
            extra = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else None
            self._send(handler, status, body, extra)
            return
        if mode == "malformed_json":
            self._send(handler, 200, b'{"id": "chatcmpl-stub", "choices": [ {"message": {"role": "assistant", "content": "')
            return
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            self._send(handler, 400, b'{"error": {"message": "bad request body"}}')
            return
        if mode == "invalid_tool":
            status, payload = self._invalid(body)
        else:
            status, payload = self.responder(body)
        self._send(handler, status, json.dumps(payload).encode())

    def _invalid(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A well-formed reply whose answer breaks the schema (or names a tool nobody offered)."""
        schema = schema_name(body)
        if schema:
            return content_reply('{"capabilities": "drop_database", "team": {"nested": ["not", "a", "string"]}')
        tools = offered_tools(body)
        wanted = next((t for t in tools if t in STRUCTURED), None)
        if wanted is None:
            return tool_call_reply("delete_everything", {"confirm": True})
        broken = {
            "LLMAnalysis": {"headline": 42, "findings": "not a list"},
            "LLMRoute": {"domains": ["billing", "DROP TABLE findings"], "ambiguous": "maybe"},
            "SynthesisAnswer": {"title": "wrong field"},
            "TriageAnalysis": {"category": "alien", "suggested_action": "DELETE_JOB", "confidence": 7},
        }.get(wanted, {"unexpected": True})
        return tool_call_reply(wanted, broken)
