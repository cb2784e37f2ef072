-- LLM calls and estimated spend since :since.
SELECT COUNT(*) AS calls, COALESCE(SUM(cost_usd), 0.0) AS cost_usd
FROM {{ ops }}.llm_calls
WHERE started_at >= :since
