-- Remediation decisions per action and outcome (all time).
SELECT action, outcome, COUNT(*) AS n
FROM {{ ops }}.remediation_decisions
GROUP BY action, outcome
