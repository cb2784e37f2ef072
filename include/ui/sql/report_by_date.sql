-- One stored report with its HTML.
SELECT report_date, generated_at, title, findings_by_severity, findings_by_domain, emailed_to, html
FROM {{ ops }}.health_reports
WHERE report_date = :report_date
