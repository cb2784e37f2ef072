-- Recent provisioning runs, newest first.
SELECT *
FROM {{ ops }}.provisioning_runs
ORDER BY updated_at DESC
LIMIT {{ limit }}
