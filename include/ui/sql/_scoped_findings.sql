{#- Findings in scope: `open` = the latest finding of every unresolved issue (finding_states: open or
    acknowledged; see include/health/lifecycle.py), or, on a deployment without issue states yet, each
    domain's latest sweep; `all` = detected since :since. -#}
WITH latest AS (
  SELECT domain, MAX(window_end) AS window_end
  FROM (
    SELECT domain, window_end FROM {{ ops }}.findings
    {%- if with_runs %}
    UNION ALL
    SELECT domain, window_end FROM {{ ops }}.health_domain_runs
    {%- endif %}
  ) AS sweeps
  GROUP BY domain
),
scoped AS (
  {%- if status == "open" and with_states %}
  SELECT f.*, s.issue_key AS issue_key, s.status AS issue_status, s.first_seen AS issue_first_seen,
         s.reopened AS issue_reopened, s.changed_by AS issue_changed_by, s.reason AS issue_reason
  FROM {{ ops }}.finding_states AS s
  JOIN {{ ops }}.findings AS f ON f.finding_id = s.last_finding_id
  WHERE s.status IN ('open', 'acknowledged')
  {%- else %}
  SELECT f.*
  FROM {{ ops }}.findings AS f
  {%- if status == "open" %}
  JOIN latest AS l ON f.domain = l.domain AND f.window_end = l.window_end
  {%- else %}
  WHERE f.detected_at >= :since
  {%- endif %}
  {%- endif %}
)
