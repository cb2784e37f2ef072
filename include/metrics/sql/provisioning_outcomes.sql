-- Provisioning runs per outcome (all time).
SELECT outcome, COUNT(*) AS n
FROM {{ ops }}.provisioning_runs
GROUP BY outcome
