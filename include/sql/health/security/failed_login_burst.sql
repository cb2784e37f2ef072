-- Failed sign-ins per source IP and clock hour inside the window; bursts at or above the threshold.
-- `ip_seen_ok_before` tells whether the address ever signed someone in successfully in the history.
-- Params: :window_start, :window_end, :history_start, :burst_threshold
WITH failures AS (
  SELECT source_ip_address, date_trunc('HOUR', event_time) AS hour_start, event_time,
         user_identity.email AS email, workspace_id, user_agent
  FROM system.access.audit
  WHERE event_time >= CAST(:window_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
    AND action_name IN ('login', 'aadTokenLogin', 'aadBrowserLogin', 'tokenLogin', 'samlLogin', 'mfaLogin',
                        'oidcTokenAuthorization', 'passwordVerifyAuthentication')
    AND response.status_code IN (401, 403)
),
bursts AS (
  SELECT source_ip_address, hour_start, COUNT(*) AS failures, COUNT(DISTINCT email) AS users,
         MIN(event_time) AS first_seen, MAX(event_time) AS last_seen, MIN(workspace_id) AS workspace_id,
         collect_set(email) AS emails, MAX(user_agent) AS user_agent
  FROM failures
  GROUP BY source_ip_address, hour_start
  HAVING COUNT(*) >= :burst_threshold
),
known AS (
  SELECT DISTINCT source_ip_address
  FROM system.access.audit
  WHERE event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_start AS TIMESTAMP)
    AND response.status_code = 200
    AND source_ip_address IN (SELECT source_ip_address FROM bursts)
)
SELECT b.*, k.source_ip_address IS NOT NULL AS ip_seen_ok_before
FROM bursts b
LEFT JOIN known k ON b.source_ip_address = k.source_ip_address
ORDER BY b.failures DESC
