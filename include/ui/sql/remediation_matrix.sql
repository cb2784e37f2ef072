-- Action x outcome counts of ledger entries in the window (text filter applied).
SELECT action, outcome, COUNT(*) AS n
FROM {{ ops }}.remediation_decisions
WHERE decided_at >= :since
  AND (:q = '' OR instr(lower(concat_ws(' ', job_name, job_id, run_id, category, reason)), :q) > 0)
GROUP BY action, outcome
