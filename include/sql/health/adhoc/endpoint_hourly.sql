-- One serving endpoint per hour: requests and errors (5xx/429). Params: :endpoint_name, :start, :end
SELECT date_trunc('HOUR', u.request_time) AS hour_start, COUNT(*) AS requests,
       COUNT_IF(u.status_code >= 500 OR u.status_code = 429) AS errors
FROM system.serving.endpoint_usage u
WHERE u.served_entity_id IN (
    SELECT served_entity_id FROM system.serving.served_entities WHERE endpoint_name = :endpoint_name)
  AND u.request_time >= CAST(:start AS TIMESTAMP) AND u.request_time < CAST(:end AS TIMESTAMP)
GROUP BY date_trunc('HOUR', u.request_time)
ORDER BY hour_start
