-- When the newest daily report was generated.
SELECT MAX(generated_at) AS generated_at
FROM {{ ops }}.health_reports
