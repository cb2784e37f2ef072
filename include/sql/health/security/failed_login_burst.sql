-- Failed sign-ins per source IP inside the window. Each address's densest hour — any 60 minutes, not a
-- clock hour, so 22 failures from 01:52 to 02:00 and on past 02:00 count together — is a burst when it
-- reaches :burst_threshold. Below that, an address that failed against :spray_min_users accounts or more
-- with :spray_min_failures failures or more over the whole window is a slow spray (the check keeps those
-- only for addresses that never signed anyone in: a busy office NAT has such days).
-- `ip_seen_ok_before` tells whether the address ever signed someone in successfully in the history, and
-- `ok_days` on how many days; `users_recovered` counts the burst's accounts that then signed in from the
-- same address within the hour (people mistyping a just-rotated password, not an attacker guessing).
-- Params: :window_start, :window_end, :history_start, :burst_threshold, :spray_min_failures, :spray_min_users
{% from "_audit.sql" import sign_in_actions %}
WITH failures AS (
  SELECT source_ip_address, event_time, user_identity.email AS email, workspace_id, user_agent,
         timestampdiff(SECOND, CAST(:window_start AS TIMESTAMP), event_time) AS second
  FROM system.access.audit
  WHERE event_time >= CAST(:window_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
    AND action_name IN ({{ sign_in_actions() }})
    AND response.status_code IN (401, 403)
),
dense AS (
  SELECT source_ip_address, event_time,
         COUNT(*) OVER (PARTITION BY source_ip_address ORDER BY second
                        RANGE BETWEEN CURRENT ROW AND 3599 FOLLOWING) AS in_hour
  FROM failures
),
per_ip AS (
  SELECT d.source_ip_address, MAX(d.in_hour) AS peak, w.failures, w.users
  FROM dense d
  JOIN (SELECT source_ip_address, COUNT(*) AS failures, COUNT(DISTINCT email) AS users
        FROM failures GROUP BY source_ip_address) w ON d.source_ip_address = w.source_ip_address
  GROUP BY d.source_ip_address, w.failures, w.users
),
spans AS (
  -- a burst: its densest hour (the earliest, if several are as dense); a spray: the whole window
  SELECT d.source_ip_address, 'burst' AS kind, MIN(d.event_time) AS span_start,
         MIN(d.event_time) + INTERVAL 1 HOUR AS span_end
  FROM dense d JOIN per_ip p ON d.source_ip_address = p.source_ip_address AND d.in_hour = p.peak
  WHERE p.peak >= :burst_threshold
  GROUP BY d.source_ip_address
  UNION ALL
  SELECT source_ip_address, 'spray' AS kind, CAST(:window_start AS TIMESTAMP) AS span_start,
         CAST(:window_end AS TIMESTAMP) AS span_end
  FROM per_ip
  WHERE peak < :burst_threshold AND failures >= :spray_min_failures AND users >= :spray_min_users
),
bursts AS (
  SELECT f.source_ip_address, s.kind, COUNT(*) AS failures, COUNT(DISTINCT f.email) AS users,
         MIN(f.event_time) AS first_seen, MAX(f.event_time) AS last_seen, MIN(f.workspace_id) AS workspace_id,
         collect_set(f.email) AS emails, MAX(f.user_agent) AS user_agent
  FROM failures f
  JOIN spans s ON f.source_ip_address = s.source_ip_address
   AND f.event_time >= s.span_start AND f.event_time < s.span_end
  GROUP BY f.source_ip_address, s.kind
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
    AND action_name IN ({{ sign_in_actions() }})
    AND response.status_code = 200
    AND source_ip_address IN (SELECT source_ip_address FROM bursts)
),
recovered AS (
  SELECT f.source_ip_address, COUNT(DISTINCT f.email) AS users_recovered
  FROM failures f
  JOIN bursts b ON f.source_ip_address = b.source_ip_address
   AND f.event_time >= b.first_seen AND f.event_time <= b.last_seen
  JOIN successes ok ON ok.source_ip_address = f.source_ip_address AND ok.email = f.email
   AND timestampdiff(SECOND, f.event_time, ok.event_time) BETWEEN 1 AND 3600
  GROUP BY f.source_ip_address
)
SELECT b.*, k.source_ip_address IS NOT NULL AS ip_seen_ok_before, COALESCE(k.ok_days, 0) AS ok_days,
       COALESCE(r.users_recovered, 0) AS users_recovered
FROM bursts b
LEFT JOIN known k ON b.source_ip_address = k.source_ip_address
LEFT JOIN recovered r ON b.source_ip_address = r.source_ip_address
ORDER BY b.failures DESC
