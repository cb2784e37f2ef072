"""Schemas of the Databricks system tables LakePilot reads, as Databricks DDL column lists.

Column names and types are those of the real tables (`DESCRIBE` output where known, see
`../shared/reference/databricks.md` Part 1); a local replica and a directory of exported
tables must both match them. Real tables gain columns over time, so readers accept extra
columns but never missing or re-typed ones.
"""

from __future__ import annotations

_USAGE_METADATA = (
    "struct<cluster_id:string, job_id:string, warehouse_id:string, instance_pool_id:string, "
    "node_type:string, job_run_id:string, notebook_id:string, dlt_pipeline_id:string, "
    "endpoint_name:string, endpoint_id:string, dlt_update_id:string, dlt_maintenance_id:string, "
    "run_name:string, job_name:string, notebook_path:string, central_clean_room_id:string, "
    "source_region:string, destination_region:string, app_id:string, app_name:string, "
    "metastore_id:string, private_endpoint_name:string, storage_api_type:string, "
    "budget_policy_id:string, ai_runtime_pool_id:string, ai_runtime_workload_id:string, "
    "uc_table_catalog:string, uc_table_schema:string, uc_table_name:string, "
    "database_instance_id:string, sharing_materialization_id:string, schema_id:string, "
    "usage_policy_id:string, base_environment_id:string, agent_bricks_id:string, index_id:string, "
    "catalog_id:string>"
)

_PRODUCT_FEATURES = (
    "struct<jobs_tier:string, sql_tier:string, dlt_tier:string, is_serverless:boolean, "
    "is_photon:boolean, serving_type:string, networking:struct<connectivity_type:string>, "
    "ai_runtime:struct<compute_type:string>, model_serving:struct<offering_type:string>, "
    "ai_gateway:struct<feature_type:string>, performance_target:string, "
    "serverless_gpu:struct<workload_type:string>, "
    "agent_bricks:struct<problem_type:string, workload_type:string>, "
    "ai_functions:struct<ai_function:string>, apps:struct<compute_size:string>, "
    "lakeflow_connect:struct<task_type:string, zerobus_request_type:string>, "
    "lakebase:struct<storage_type:string, compute_type:string>, "
    "ai_bi_genie:struct<capability_type:string, offering_type:string>, "
    "genie:struct<offering_type:string>>"
)

_COMPUTE_REF = "array<struct<type:string, cluster_id:string, warehouse_id:string>>"
_HEALTH_RULES = "array<struct<metric:string, operator:string, value:bigint>>"

_LINEAGE_COMMON = """
    account_id string, metastore_id string, workspace_id string, entity_type string,
    entity_id string, entity_run_id string, source_table_full_name string,
    source_table_catalog string, source_table_schema string, source_table_name string,
    source_path string, source_type string, {source_column}
    target_table_full_name string, target_table_catalog string, target_table_schema string,
    target_table_name string, target_path string, target_type string, {target_column}
    created_by string, event_time timestamp, event_date date, record_id string, event_id string,
    statement_id string,
    entity_metadata struct<job_info:struct<job_id:string, job_run_id:string>, dashboard_id:string,
      legacy_dashboard_id:string, notebook_id:string, sql_query_id:string,
      dlt_pipeline_info:struct<dlt_pipeline_id:string, dlt_update_id:string>,
      genie_space_id:string, alert_id:string>,
    direct_access boolean
"""

_DQ_COUNT = (
    "struct<status:string, error_code:string, last_value:bigint, "
    "min_predicted_value:bigint, max_predicted_value:bigint>"
)

SYSTEM_TABLES: dict[str, str] = {
    "system.billing.usage": f"""
        account_id string, workspace_id string, record_id string, sku_name string, cloud string,
        usage_start_time timestamp, usage_end_time timestamp, usage_date date,
        custom_tags map<string,string>, usage_unit string, usage_quantity decimal(38,18),
        usage_metadata {_USAGE_METADATA},
        identity_metadata struct<run_as:string, created_by:string, owned_by:string, run_by:string>,
        record_type string, ingestion_date date, billing_origin_product string,
        product_features {_PRODUCT_FEATURES}, usage_type string
    """,
    "system.billing.list_prices": """
        account_id string, price_start_time timestamp, price_end_time timestamp, sku_name string,
        cloud string, currency_code string, usage_unit string,
        pricing struct<`default`:decimal(38,18), promotional:struct<`default`:decimal(38,18)>,
          effective_list:struct<`default`:decimal(38,18)>>
    """,
    "system.access.audit": """
        account_id string, workspace_id string, version string, event_time timestamp,
        event_date date, source_ip_address string, user_agent string, session_id string,
        user_identity struct<email:string, subject_name:string>, service_name string,
        action_name string, request_id string, request_params map<string,string>,
        response struct<status_code:int, error_message:string, result:string>,
        audit_level string, event_id string,
        identity_metadata struct<run_by:string, run_as:string, acting_resource:string,
          run_by_display_name:string, run_as_display_name:string>
    """,
    "system.lakeflow.jobs": f"""
        account_id string, workspace_id string, job_id string, name string, creator_id string,
        tags map<string,string>, run_as string, change_time timestamp, delete_time timestamp,
        description string,
        trigger struct<file_arrival:struct<url:string, min_time_between_triggers_seconds:int,
            wait_after_last_change_seconds:int>,
          periodic:struct<interval:int, units:string>, continuous:struct<enabled:boolean>,
          table_update:struct<table_names:array<string>, min_time_between_triggers_seconds:bigint,
            wait_after_last_change_seconds:bigint, condition:string>,
          schedule:struct<quartz_cron_expression:string, timezone_id:string>>,
        trigger_type string, run_as_user_name string, creator_user_name string, paused boolean,
        timeout_seconds bigint, health_rules {_HEALTH_RULES},
        deployment struct<kind:string, metadata_file_path:string>, create_time timestamp
    """,
    "system.lakeflow.job_tasks": f"""
        account_id string, workspace_id string, job_id string, task_key string,
        depends_on_keys array<string>, change_time timestamp, delete_time timestamp,
        timeout_seconds bigint, health_rules {_HEALTH_RULES}
    """,
    "system.lakeflow.job_run_timeline": f"""
        account_id string, workspace_id string, job_id string, run_id string,
        period_start_time timestamp, period_end_time timestamp, trigger_type string,
        result_state string, run_type string, run_name string, compute_ids array<string>,
        termination_code string, job_parameters map<string,map<string,string>>,
        source_task_run_id string, root_task_run_id string, compute {_COMPUTE_REF},
        termination_type string, setup_duration_seconds bigint, queue_duration_seconds bigint,
        run_duration_seconds bigint, cleanup_duration_seconds bigint,
        execution_duration_seconds bigint
    """,
    "system.lakeflow.job_task_run_timeline": f"""
        account_id string, workspace_id string, job_id string, run_id string, job_run_id string,
        parent_run_id string, period_start_time timestamp, period_end_time timestamp,
        task_key string, compute_ids array<string>, result_state string,
        termination_code string, compute {_COMPUTE_REF}, termination_type string,
        task_parameters map<string,string>, setup_duration_seconds bigint,
        cleanup_duration_seconds bigint, execution_duration_seconds bigint
    """,
    "system.query.history": """
        account_id string, workspace_id string, statement_id string, executed_by string,
        session_id string, execution_status string,
        compute struct<type:string, cluster_id:string, warehouse_id:string>,
        executed_by_user_id string, statement_text string, statement_type string,
        error_message string, client_application string, client_driver string,
        total_duration_ms bigint, waiting_for_compute_duration_ms bigint,
        waiting_at_capacity_duration_ms bigint, execution_duration_ms bigint,
        compilation_duration_ms bigint, total_task_duration_ms bigint,
        result_fetch_duration_ms bigint, start_time timestamp, end_time timestamp,
        update_time timestamp, read_partitions bigint, pruned_files bigint, read_files bigint,
        read_rows bigint, produced_rows bigint, read_bytes bigint, read_io_cache_percent tinyint,
        from_result_cache boolean, spilled_local_bytes bigint, written_bytes bigint,
        shuffle_read_bytes bigint,
        query_source struct<job_info:struct<job_id:string, job_run_id:string, job_task_run_id:string>,
          legacy_dashboard_id:string, dashboard_id:string, alert_id:string, notebook_id:string,
          sql_query_id:string, genie_space_id:string,
          pipeline_info:struct<pipeline_id:string, update_id:string>>,
        executed_as_user_id string, executed_as string, written_rows bigint, written_files bigint,
        cache_origin_statement_id string, query_parameters string, query_tags map<string,string>,
        pruned_files_bytes bigint, read_files_bytes bigint
    """,
    "system.compute.clusters": """
        account_id string, workspace_id string, cluster_id string, cluster_name string,
        owned_by string, create_time timestamp, delete_time timestamp, driver_node_type string,
        worker_node_type string, worker_count bigint, min_autoscale_workers bigint,
        max_autoscale_workers bigint, auto_termination_minutes bigint,
        enable_elastic_disk boolean, tags map<string,string>, cluster_source string,
        init_scripts array<string>,
        aws_attributes struct<instance_profile_arn:string, zone_id:string, first_on_demand:int,
          availability:string, spot_bid_price_percent:int, ebs_volume_type:string,
          ebs_volume_count:int, ebs_volume_size:int, ebs_volume_iops:int,
          ebs_volume_throughput:int>,
        azure_attributes struct<first_on_demand:int, availability:string, spot_bid_max_price:double>,
        gcp_attributes struct<use_preemptible_executors:boolean, zone_id:string,
          first_on_demand:int, availability:string>,
        driver_instance_pool_id string, worker_instance_pool_id string, dbr_version string,
        change_time timestamp, change_date date, data_security_mode string, policy_id string
    """,
    "system.compute.node_timeline": """
        account_id string, workspace_id string, cluster_id string, instance_id string,
        start_time timestamp, end_time timestamp, driver boolean, cpu_user_percent double,
        cpu_system_percent double, cpu_wait_percent double, mem_used_percent double,
        mem_swap_percent double, network_sent_bytes bigint, network_received_bytes bigint,
        disk_free_bytes_per_mount_point map<string,bigint>, node_type string
    """,
    "system.compute.node_types": """
        account_id string, node_type string, core_count double, memory_mb bigint, gpu_count bigint
    """,
    "system.compute.warehouse_events": """
        account_id string, workspace_id string, warehouse_id string, event_type string,
        cluster_count int, event_time timestamp
    """,
    "system.compute.warehouses": """
        warehouse_id string, workspace_id string, account_id string, warehouse_name string,
        warehouse_type string, warehouse_channel string, warehouse_size string,
        min_clusters int, max_clusters int, auto_stop_minutes int, tags map<string,string>,
        change_time timestamp, delete_time timestamp
    """,
    "system.access.table_lineage": _LINEAGE_COMMON.format(source_column="", target_column=""),
    "system.access.column_lineage": _LINEAGE_COMMON.format(
        source_column="source_column_name string,", target_column="target_column_name string,"
    ),
    "system.serving.served_entities": """
        served_entity_id string, account_id string, workspace_id string, created_by string,
        endpoint_name string, endpoint_id string, served_entity_name string, entity_type string,
        entity_name string, entity_version string, endpoint_config_version int, task string,
        external_model_config struct<provider:string>,
        foundation_model_config struct<min_provisioned_throughput:bigint,
          max_provisioned_throughput:bigint>,
        custom_model_config struct<min_concurrency:int, max_concurrency:int, compute_type:string>,
        feature_spec_config struct<min_concurrency:int, max_concurrency:int, compute_type:string>,
        change_time timestamp, endpoint_delete_time timestamp
    """,
    "system.serving.endpoint_usage": """
        workspace_id string, account_id string, client_request_id string,
        databricks_request_id string, requester string, status_code int,
        request_time timestamp, input_token_count bigint, output_token_count bigint,
        input_character_count bigint, output_character_count bigint,
        usage_context map<string,string>, request_streaming boolean, served_entity_id string
    """,
    "system.data_quality_monitoring.table_results": f"""
        event_time timestamp, catalog_name string, schema_name string, table_name string,
        catalog_id string, schema_id string, table_id string, status string,
        freshness struct<status:string, commit_freshness:struct<status:string, error_code:string,
          last_value:timestamp, predicted_value:timestamp>>,
        completeness struct<status:string, total_row_count:{_DQ_COUNT},
          daily_row_count:{_DQ_COUNT}>,
        downstream_impact struct<impact_level:int, num_downstream_tables:int,
          num_queries_on_affected_tables:int>,
        root_cause_analysis struct<upstream_jobs:array<struct<job_id:string, workspace_id:string,
          job_name:string, last_run_status:string, run_page_url:string>>>
    """,
    "system.information_schema.tables": """
        table_catalog string, table_schema string, table_name string, table_type string,
        is_insertable_into string, commit_action string, table_owner string, comment string,
        created timestamp, created_by string, last_altered timestamp, last_altered_by string,
        data_source_format string, storage_sub_directory string, storage_path string
    """,
    "system.information_schema.column_tags": """
        catalog_name string, schema_name string, table_name string, column_name string,
        tag_name string, tag_value string
    """,
    "system.information_schema.table_tags": """
        catalog_name string, schema_name string, table_name string, tag_name string, tag_value string
    """,
}

# Tables that live outside `system` and exist once per monitored object. Their location is
# listed in the workspace manifest; the name patterns are Databricks' own.
PER_OBJECT_TABLES: dict[str, str] = {
    # Lakehouse Monitoring (data profiling) output: `{output_schema}.{table}_drift_metrics`.
    "drift_metrics": """
        `window` struct<start:timestamp, `end`:timestamp>, granularity string,
        monitor_version bigint, slice_key string, slice_value string, column_name string,
        data_type string, window_cmp struct<start:timestamp, `end`:timestamp>, drift_type string,
        count_delta bigint, avg_delta double, percent_null_delta double,
        percent_zeros_delta double, percent_distinct_delta double,
        non_null_columns_delta struct<added:int, missing:int>, js_distance double,
        ks_test struct<statistic:double, pvalue:double>, wasserstein_distance double,
        population_stability_index double, chi_squared_test struct<statistic:double, pvalue:double>,
        tv_distance double, l_infinity_distance double
    """,
    # Model serving inference (payload) table: `{catalog}.{schema}.{prefix}_payload`.
    "inference_payload": """
        client_request_id string, databricks_request_id string, `date` date, timestamp_ms bigint,
        status_code int, execution_time_ms bigint, sampling_fraction double, request string,
        response string, request_metadata map<string,string>
    """,
}
