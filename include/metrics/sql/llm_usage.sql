-- LLM calls, tokens and estimated cost per agent, model and status.
SELECT
  agent,
  model,
  status,
  COUNT(*) AS calls,
  COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
  COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
  COALESCE(SUM(cost_usd), 0.0) AS cost_usd,
  SUM(CASE WHEN cost_usd IS NULL AND status = 'ok' THEN 1 ELSE 0 END) AS unpriced
FROM {{ ops }}.llm_calls
GROUP BY agent, model, status
