-- Findings matching the page's filters, most severe first.
{% include "_scoped_findings.sql" %}
SELECT *
FROM scoped
WHERE (:domain = '' OR domain = :domain)
  AND (:severity = '' OR severity = :severity)
  AND (:q = '' OR instr(lower(concat_ws(' ', entity_type, entity_id, `check`, metric, summary)), :q) > 0)
ORDER BY
  CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
  domain,
  detected_at DESC,
  finding_id
LIMIT {{ limit }}
