-- Stored daily reports without their HTML, newest first.
SELECT report_date, generated_at, title, findings_by_severity, findings_by_domain, emailed_to
FROM {{ ops }}.health_reports
ORDER BY report_date DESC
LIMIT {{ limit }}
