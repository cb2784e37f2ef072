-- Tables a question may name, by their three-part name (findings use it as the id) and short name.
SELECT DISTINCT CONCAT(table_catalog, '.', table_schema, '.', table_name) AS id, table_name AS name
FROM system.information_schema.tables
WHERE table_schema <> 'information_schema' AND table_catalog <> 'system'
