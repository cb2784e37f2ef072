-- Informational: per sensitive schema, how many tables carry the classification tag.
-- Params: :sensitive_schemas (comma-separated schema names), :classification_tag
WITH tables AS (
  SELECT table_catalog, table_schema, table_name
  FROM system.information_schema.tables
  WHERE array_contains(split(:sensitive_schemas, ','), lower(table_schema))
),
tagged AS (
  SELECT DISTINCT catalog_name, schema_name, table_name
  FROM system.information_schema.table_tags
  WHERE tag_name = :classification_tag
)
SELECT t.table_catalog, t.table_schema, COUNT(*) AS tables, COUNT(g.table_name) AS classified,
       collect_list(CASE WHEN g.table_name IS NULL THEN t.table_name END) AS unclassified
FROM tables t
LEFT JOIN tagged g
  ON t.table_catalog = g.catalog_name AND t.table_schema = g.schema_name AND t.table_name = g.table_name
GROUP BY t.table_catalog, t.table_schema
ORDER BY t.table_catalog, t.table_schema
