-- Successful sign-ins by people from an address they never signed in from during the history.
-- People with too little history are left out (a new joiner has only new addresses).
-- Params: :window_start, :window_end, :history_start, :min_history_logins
{% from "_audit.sql" import sign_in_actions %}
WITH logins AS (
  SELECT user_identity.email AS email, source_ip_address AS ip, event_time, workspace_id
  FROM system.access.audit
  WHERE event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
    AND action_name IN ({{ sign_in_actions() }})
    AND response.status_code = 200
    AND user_identity.email LIKE '%@%'
),
history AS (
  SELECT email, ip, COUNT(*) AS logins
  FROM logins
  WHERE event_time < CAST(:window_start AS TIMESTAMP)
  GROUP BY email, ip
),
people AS (
  SELECT email, SUM(logins) AS history_logins, COUNT(*) AS known_ips
  FROM history
  GROUP BY email
)
SELECT l.email, l.ip, MIN(l.event_time) AS first_seen, MAX(l.event_time) AS last_seen, COUNT(*) AS logins,
       MIN(l.workspace_id) AS workspace_id, p.history_logins, p.known_ips
FROM logins l
JOIN people p ON l.email = p.email
LEFT JOIN history h ON l.email = h.email AND l.ip = h.ip
WHERE l.event_time >= CAST(:window_start AS TIMESTAMP)
  AND h.ip IS NULL
  AND p.history_logins >= :min_history_logins
GROUP BY l.email, l.ip, p.history_logins, p.known_ips
ORDER BY first_seen
