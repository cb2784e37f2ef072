-- Each domain's latest sweep and the checks that could not run in it (errors as stored JSON).
SELECT domain, MAX_BY(errors, swept_at) AS errors, MAX(swept_at) AS swept_at
FROM {{ ops }}.health_domain_runs
GROUP BY domain
