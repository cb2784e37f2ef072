-- The newest stored report with its HTML.
SELECT report_date, generated_at, title, findings_by_severity, findings_by_domain, emailed_to, html
FROM {{ ops }}.health_reports
ORDER BY report_date DESC
LIMIT 1
