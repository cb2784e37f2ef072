-- Domain x severity counts of the findings in scope (text filter applied, domain/severity not).
{% include "_scoped_findings.sql" %}
SELECT domain, severity, COUNT(*) AS n
FROM scoped
WHERE (:q = '' OR instr(lower(concat_ws(' ', entity_type, entity_id, `check`, metric, summary)), :q) > 0)
GROUP BY domain, severity
