-- Who acted from one source address, and how. Params: :ip, :start, :end
SELECT user_identity.email AS email, service_name, action_name, response.status_code AS status_code,
       COUNT(*) AS events, MIN(event_time) AS first_seen, MAX(event_time) AS last_seen
FROM system.access.audit
WHERE source_ip_address = :ip
  AND event_time >= CAST(:start AS TIMESTAMP) AND event_time < CAST(:end AS TIMESTAMP)
GROUP BY user_identity.email, service_name, action_name, response.status_code
ORDER BY events DESC
