-- Per serving endpoint: server-side errors (5xx) and throttling (429) in the window vs baseline.
-- Params: :window_start, :window_end, :baseline_start
WITH entities AS (
  SELECT DISTINCT served_entity_id, endpoint_name, workspace_id FROM system.serving.served_entities
),
requests AS (
  SELECT e.endpoint_name, e.workspace_id, u.request_time, u.status_code
  FROM system.serving.endpoint_usage u
  JOIN entities e ON u.served_entity_id = e.served_entity_id
  WHERE u.request_time >= CAST(:baseline_start AS TIMESTAMP) AND u.request_time < CAST(:window_end AS TIMESTAMP)
)
SELECT endpoint_name, MIN(workspace_id) AS workspace_id,
       COUNT_IF(request_time >= CAST(:window_start AS TIMESTAMP)) AS window_requests,
       COUNT_IF(request_time >= CAST(:window_start AS TIMESTAMP) AND (status_code >= 500 OR status_code = 429)) AS window_errors,
       COUNT_IF(request_time < CAST(:window_start AS TIMESTAMP)) AS baseline_requests,
       COUNT_IF(request_time < CAST(:window_start AS TIMESTAMP) AND (status_code >= 500 OR status_code = 429)) AS baseline_errors,
       collect_set(CASE WHEN request_time >= CAST(:window_start AS TIMESTAMP) AND status_code >= 429 THEN status_code END) AS error_codes
FROM requests
GROUP BY endpoint_name
ORDER BY endpoint_name
