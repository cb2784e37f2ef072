"""Model serving: `serving.served_entities` (SCD2), `serving.endpoint_usage` and payload tables.

`endpoint_usage` has no latency column; latency lives in each endpoint's inference (payload)
table as `execution_time_ms`, one row per request with the same `databricks_request_id`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from include.lakehouse.schema import per_object_schema, system_table_schema
from include.simulator.arrowkit import batch, choice_strings, map_array, rows_table
from include.simulator.context import Context
from include.simulator.ids import DAY, HOUR, from_us, hex_id, uuids
from include.simulator.world import EndpointPlan

DIURNAL = 0.65 + 0.7 * np.clip(np.sin((np.arange(24) - 5) / 24 * 2 * np.pi), 0, None)
_REQUESTS = ['{"dataframe_records": [{"customer_id": 1042, "tenure": 17, "plan": "pro"}]}',
             '{"inputs": [[0.12, 3.4, 1.0, 0.0, 7.5]]}',
             '{"messages": [{"role": "user", "content": "Where is my order?"}], "max_tokens": 256}']
_RESPONSES = ['{"predictions": [0.137]}', '{"predictions": [1]}', '{"choices": [{"message": {"content": "..."}}]}',
              '{"error_code": "INTERNAL_ERROR", "message": "upstream model error"}']


def _served_rows(ctx: Context) -> list[dict[str, Any]]:
    rows = []
    rng = ctx.rng("serving.entities")
    for ep in ctx.world.endpoints:
        info = ep.info
        base: dict[str, Any] = {
            "account_id": ctx.world.account_id, "workspace_id": info.workspace_id, "created_by": ep.requesters[-1],
            "endpoint_name": info.endpoint_name, "endpoint_id": info.endpoint_id, "served_entity_name": f"{info.endpoint_name}-1",
            "entity_type": info.entity_type, "entity_name": info.entity_name, "task": ep.task, "endpoint_delete_time": None,
        }
        if info.entity_type == "FOUNDATION_MODEL":
            base["foundation_model_config"] = {"min_provisioned_throughput": 0, "max_provisioned_throughput": 9500}
        else:
            base["custom_model_config"] = {"min_concurrency": 4, "max_concurrency": 16, "compute_type": "CPU"}
        rows.append({**base, "served_entity_id": hex_id(rng, 32), "entity_version": "1", "endpoint_config_version": 1,
                     "change_time": from_us(ep.created_us)})
        rows.append({**base, "served_entity_id": info.served_entity_id, "entity_version": "2", "endpoint_config_version": 2,
                     "served_entity_name": f"{info.endpoint_name}-2", "change_time": from_us(ep.created_us + 7 * DAY)})
    return rows


def day_requests(ctx: Context, ep: EndpointPlan, day: int) -> dict[str, np.ndarray]:
    """One endpoint's requests on one day (deterministic per seed, endpoint and day)."""
    rng = ctx.rng(f"serving:{ep.info.endpoint_name}:{day}")
    effect = ctx.plan.endpoints.get(ep.info.endpoint_name)
    hours = day + np.arange(24) * HOUR
    weekday = from_us(day).weekday() < 5
    lam = ep.requests_per_day / 24 * DIURNAL / DIURNAL.mean() * (1.0 if weekday else 0.75)
    if effect and effect.traffic_mult != 1.0:
        overlap = np.clip((hours + HOUR - effect.t0) / HOUR, 0, 1)
        lam = lam * (1 + (effect.traffic_mult - 1) * overlap)
    counts = rng.poisson(lam)
    t = np.sort(np.repeat(hours, counts) + rng.integers(0, HOUR, int(counts.sum())))
    n = len(t)
    latency = rng.lognormal(np.log(ep.latency_median_ms), 0.3, n)
    error_rate = np.full(n, ep.error_rate)
    if effect is not None:
        after = t >= effect.t0
        latency = np.where(after, latency * effect.latency_mult, latency)
        if effect.error_rate is not None:
            error_rate = np.where(after, effect.error_rate, error_rate)
    draw = rng.random(n)
    status = np.where(draw < error_rate, rng.choice([500, 503, 504], n), np.where(draw < error_rate + 0.003, 400, 200))
    latency = np.where(status >= 500, rng.uniform(5, 60, n), latency)
    llm = ep.info.entity_type == "FOUNDATION_MODEL"
    return {"t": t, "latency": latency, "status": status, "request_id": uuids(rng, n),
            "requester": rng.integers(0, len(ep.requesters), n), "in_tok": rng.integers(20, 1200, n) if llm else None,
            "out_tok": rng.integers(5, 500, n) if llm else None}


def _usage_batch(ctx: Context, ep: EndpointPlan, r: dict[str, Any], schema: pa.Schema) -> pa.RecordBatch:
    n = len(r["t"])
    llm = r["in_tok"] is not None
    return batch(schema, n, {
        "workspace_id": ep.info.workspace_id, "account_id": ctx.world.account_id, "databricks_request_id": r["request_id"],
        "requester": choice_strings(ep.requesters, r["requester"]), "status_code": r["status"].astype(np.int32),
        "request_time": r["t"], "input_token_count": r["in_tok"] if llm else None, "output_token_count": r["out_tok"] if llm else None,
        "input_character_count": (r["in_tok"] * 4) if llm else np.full(n, 180), "output_character_count": (r["out_tok"] * 4) if llm else np.full(n, 24),
        "request_streaming": False, "served_entity_id": ep.info.served_entity_id,
    })


def _payload_batch(ep: EndpointPlan, r: dict[str, Any], schema: pa.Schema) -> pa.RecordBatch:
    n = len(r["t"])
    kind = 2 if ep.task == "llm/v1/chat" else (1 if ep.task else 0)
    resp = np.where(r["status"] >= 500, 3, kind if kind != 1 else 1)
    meta = {"model_name": ep.info.entity_name, "model_version": "2", "endpoint_name": ep.info.endpoint_name}
    return batch(schema, n, {
        "databricks_request_id": r["request_id"], "date": (r["t"] // DAY).astype(np.int32), "timestamp_ms": r["t"] // 1000,
        "status_code": r["status"].astype(np.int32), "execution_time_ms": np.round(r["latency"]).astype(np.int64),
        "sampling_fraction": 1.0, "request": choice_strings(_REQUESTS, np.full(n, kind)),
        "response": choice_strings(_RESPONSES, resp), "request_metadata": map_array([meta], np.zeros(n, np.int64)),
    })


def generate_serving(ctx: Context) -> None:
    """Write served entities, endpoint usage and one payload table per endpoint."""
    world = ctx.world
    ctx.write("system.serving.served_entities", rows_table(system_table_schema("system.serving.served_entities"), _served_rows(ctx)))
    usage_schema = system_table_schema("system.serving.endpoint_usage")

    def usage() -> Iterator[pa.RecordBatch]:
        for day in ctx.day_starts().tolist():
            for ep in world.endpoints:
                yield _usage_batch(ctx, ep, day_requests(ctx, ep, day), usage_schema)

    ctx.write("system.serving.endpoint_usage", usage(), total_batches=world.days * len(world.endpoints))
    payload_schema = per_object_schema("inference_payload")
    for ep in world.endpoints:
        assert ep.info.inference_table
        batches = (_payload_batch(ep, day_requests(ctx, ep, day), payload_schema) for day in ctx.day_starts().tolist())
        ctx.write(ep.info.inference_table, batches, schema=payload_schema, total_batches=world.days)
