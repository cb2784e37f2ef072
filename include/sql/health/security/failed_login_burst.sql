-- Failed sign-ins per source IP and clock hour inside the window; bursts at or above the threshold.
-- `ip_seen_ok_before` tells whether the address ever signed someone in successfully in the history, and
-- `ok_days` on how many days; `users_recovered` counts the burst's accounts that then signed in from the
-- same address within the hour (people mistyping a just-rotated password, not an attacker guessing).
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
  SELECT source_ip_address, COUNT(DISTINCT CAST(event_time AS DATE)) AS ok_days
  FROM system.access.audit
  WHERE event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_start AS TIMESTAMP)
    AND response.status_code = 200
    AND source_ip_address IN (SELECT source_ip_address FROM bursts)
  GROUP BY source_ip_address
),
successes AS (
  SELECT source_ip_address, user_identity.email AS email, event_time
  FROM system.access.audit
  WHERE event_time >= CAST(:window_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
    AND action_name IN ('login', 'aadTokenLogin', 'aadBrowserLogin', 'tokenLogin', 'samlLogin', 'mfaLogin',
                        'oidcTokenAuthorization', 'passwordVerifyAuthentication')
    AND response.status_code = 200
    AND source_ip_address IN (SELECT source_ip_address FROM bursts)
),
recovered AS (
  SELECT f.source_ip_address, f.hour_start, COUNT(DISTINCT f.email) AS users_recovered
  FROM failures f
  JOIN bursts b ON f.source_ip_address = b.source_ip_address AND f.hour_start = b.hour_start
  JOIN successes ok ON ok.source_ip_address = f.source_ip_address AND ok.email = f.email
   AND timestampdiff(SECOND, f.event_time, ok.event_time) BETWEEN 1 AND 3600
  GROUP BY f.source_ip_address, f.hour_start
)
SELECT b.*, k.source_ip_address IS NOT NULL AS ip_seen_ok_before, COALESCE(k.ok_days, 0) AS ok_days,
       COALESCE(r.users_recovered, 0) AS users_recovered
FROM bursts b
LEFT JOIN known k ON b.source_ip_address = k.source_ip_address
LEFT JOIN recovered r ON b.source_ip_address = r.source_ip_address AND b.hour_start = r.hour_start
ORDER BY b.failures DESC
