-- Privileged actions by people in the window: grants and permission changes, group (admin)
-- membership changes, token and secret creation. Business hours are applied in Python (UTC),
-- so the result does not depend on the SQL session's time zone.
-- Params: :window_start, :window_end
SELECT user_identity.email AS email, event_time, service_name, action_name, source_ip_address, workspace_id,
       request_params
FROM system.access.audit
WHERE event_time >= CAST(:window_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
  AND response.status_code = 200
  AND user_identity.email LIKE '%@%'
  AND (
    (service_name = 'unityCatalog' AND action_name IN ('updatePermissions', 'updateSharePermissions', 'updateMetastoreAssignment'))
    OR (service_name = 'permissions')
    OR (service_name = 'accounts' AND action_name IN ('addPrincipalToGroup', 'removePrincipalFromGroup', 'generateDbToken',
                                                      'createServicePrincipalSecret', 'setAdmin', 'changeAccountAdmin'))
    OR (service_name = 'tokens' AND action_name IN ('createToken', 'generateDbToken'))
  )
ORDER BY event_time
