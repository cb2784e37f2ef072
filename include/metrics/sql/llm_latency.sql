-- LLM call latency per agent and model as a histogram.
SELECT
  agent,
  model,
{%- with value = "latency_s" %}{% include "_histogram_columns.sql" %}{% endwith %}
FROM {{ ops }}.llm_calls
GROUP BY agent, model
