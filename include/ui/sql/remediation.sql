-- Remediation ledger entries matching the page's filters, newest first.
SELECT *
FROM {{ ops }}.remediation_decisions
WHERE decided_at >= :since
  AND (:outcome = '' OR outcome = :outcome)
  AND (:action = '' OR action = :action)
  AND (:q = '' OR instr(lower(concat_ws(' ', job_name, job_id, run_id, category, reason)), :q) > 0)
ORDER BY decided_at DESC, run_id, attempt DESC
LIMIT {{ limit }}
