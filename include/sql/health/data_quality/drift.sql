-- Drift of one monitored table's columns in the window, from its Lakehouse Monitoring
-- `_drift_metrics` table (bound per monitored table from an allow-list; the name below is a
-- placeholder). Params: :window_start, :window_end, :drift_js, :drift_psi
SELECT column_name, MAX(js_distance) AS max_js_distance, MAX(population_stability_index) AS max_psi,
       MIN(ks_test.pvalue) AS min_ks_pvalue, MAX(`window`.`end`) AS latest_window_end, COUNT(*) AS windows
FROM per_object.monitoring.drift_metrics
WHERE `window`.start < CAST(:window_end AS TIMESTAMP) AND `window`.`end` > CAST(:window_start AS TIMESTAMP)
  AND drift_type = 'CONSECUTIVE' AND slice_key IS NULL AND column_name <> ':table'
GROUP BY column_name
HAVING MAX(js_distance) >= :drift_js OR MAX(population_stability_index) >= :drift_psi
ORDER BY max_js_distance DESC
