-- End of each domain's latest sweep window, from findings and (when kept) the sweep records.
SELECT domain, MAX(window_end) AS window_end
FROM (
  SELECT domain, window_end FROM {{ ops }}.findings
  {%- if with_runs %}
  UNION ALL
  SELECT domain, window_end FROM {{ ops }}.health_domain_runs
  {%- endif %}
) AS sweeps
GROUP BY domain
