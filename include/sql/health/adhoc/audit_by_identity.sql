-- What one identity did: actions by service, source address and outcome. Params: :email, :start, :end
SELECT service_name, action_name, source_ip_address, response.status_code AS status_code, COUNT(*) AS events,
       MIN(event_time) AS first_seen, MAX(event_time) AS last_seen
FROM system.access.audit
WHERE user_identity.email = :email
  AND event_time >= CAST(:start AS TIMESTAMP) AND event_time < CAST(:end AS TIMESTAMP)
GROUP BY service_name, action_name, source_ip_address, response.status_code
ORDER BY events DESC
