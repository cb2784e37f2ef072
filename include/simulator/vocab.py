"""Static vocabulary of the simulated account: clouds, node types, SKUs and list prices, teams.

Prices are list prices in USD per DBU in the range Databricks publishes for Premium tier;
node DBU rates are typical per-node-hour figures. They make costs realistic in size, not exact.
"""

from __future__ import annotations

from typing import NamedTuple


class Region(NamedTuple):
    cloud: str
    region: str
    sku_suffix: str  # how serverless / SQL SKUs spell the region


REGIONS: list[Region] = [
    Region("AWS", "us-east-1", "US_EAST_N_VIRGINIA"),
    Region("AZURE", "westeurope", "EUROPE_WEST"),
    Region("AWS", "us-west-2", "US_WEST_OREGON"),
    Region("AZURE", "eastus", "US_EAST"),
    Region("AWS", "eu-west-1", "EUROPE_IRELAND"),
    Region("AZURE", "northeurope", "EUROPE_NORTH"),
]


class NodeType(NamedTuple):
    node_type: str
    cores: float
    memory_mb: int
    gpus: int
    dbu_per_hour: float


NODE_TYPES: dict[str, list[NodeType]] = {
    "AWS": [
        NodeType("m5d.large", 2, 8192, 0, 0.34),
        NodeType("i3.xlarge", 4, 31232, 0, 1.0),
        NodeType("m5d.2xlarge", 8, 32768, 0, 1.37),
        NodeType("i3.2xlarge", 8, 62464, 0, 2.0),
        NodeType("r5d.4xlarge", 16, 131072, 0, 3.6),
        NodeType("g5.2xlarge", 8, 32768, 1, 2.5),
    ],
    "AZURE": [
        NodeType("Standard_D4ds_v5", 4, 16384, 0, 0.75),
        NodeType("Standard_DS3_v2", 4, 14336, 0, 0.75),
        NodeType("Standard_DS4_v2", 8, 28672, 0, 1.5),
        NodeType("Standard_E8ds_v4", 8, 65536, 0, 2.0),
        NodeType("Standard_E16ds_v4", 16, 131072, 0, 4.0),
        NodeType("Standard_NC6s_v3", 6, 114688, 1, 3.0),
    ],
}
GPU_NODE = {cloud: next(n for n in nodes if n.gpus) for cloud, nodes in NODE_TYPES.items()}
CPU_NODES = {cloud: [n for n in nodes if not n.gpus] for cloud, nodes in NODE_TYPES.items()}

# Workload family -> (sku name template, USD per DBU on AWS, on AZURE, billing_origin_product).
SKU_FAMILIES: dict[str, tuple[str, float, float, str]] = {
    "jobs": ("PREMIUM_JOBS_COMPUTE", 0.15, 0.30, "JOBS"),
    "jobs_serverless": ("PREMIUM_JOBS_SERVERLESS_COMPUTE_{suffix}", 0.35, 0.45, "JOBS"),
    "all_purpose": ("PREMIUM_ALL_PURPOSE_COMPUTE", 0.55, 0.55, "ALL_PURPOSE"),
    "dlt": ("PREMIUM_DLT_CORE_COMPUTE", 0.20, 0.30, "DLT"),
    "sql_pro": ("PREMIUM_SQL_PRO_COMPUTE_{suffix}", 0.55, 0.66, "SQL"),
    "sql_serverless": ("PREMIUM_SERVERLESS_SQL_COMPUTE_{suffix}", 0.70, 0.70, "SQL"),
    "serving": ("PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_{suffix}", 0.07, 0.082, "MODEL_SERVING"),
}

WAREHOUSE_DBU_PER_CLUSTER_HOUR: dict[str, float] = {
    "2X_SMALL": 4.0,
    "X_SMALL": 6.0,
    "SMALL": 12.0,
    "MEDIUM": 24.0,
    "LARGE": 40.0,
}


def sku_name(family: str, region: Region) -> str:
    return SKU_FAMILIES[family][0].format(suffix=region.sku_suffix)


def list_price(family: str, cloud: str) -> float:
    _, aws, azure, _ = SKU_FAMILIES[family]
    return aws if cloud == "AWS" else azure


class Team(NamedTuple):
    name: str
    cost_center: str
    subjects: tuple[str, ...]


TEAMS: list[Team] = [
    Team("data-eng", "CC-1010", ("orders", "customers", "payments", "clickstream", "inventory", "shipments")),
    Team("analytics", "CC-2040", ("sales", "sessions", "campaigns", "retention", "web_traffic", "nps")),
    Team("ml", "CC-3300", ("churn", "fraud", "recommendations", "demand_forecast", "propensity", "ltv")),
    Team("finance", "CC-4100", ("ledger", "invoices", "fx_rates", "revenue", "payroll", "expenses")),
    Team("marketing", "CC-5200", ("leads", "attribution", "email_events", "ad_spend", "audiences", "promotions")),
    Team("platform", "CC-6000", ("audit_export", "cost_rollup", "usage_metrics", "sla_metrics", "access_review", "lineage_sync")),
]

WORKSPACE_NAMES: list[tuple[str, str]] = [
    ("dataeng-prod", "dataeng"),
    ("analytics-prod", "analytics"),
    ("ml-prod", "mlplatform"),
    ("finance-prod", "finance"),
    ("marketing-prod", "marketing"),
    ("platform-shared", "platform"),
    ("emea-prod", "emea"),
    ("apac-prod", "apac"),
]

FIRST_NAMES = (
    "ana", "ben", "chloe", "david", "elena", "farid", "grace", "hugo", "isabel", "jonas", "kenji",
    "lucia", "marc", "nadia", "oscar", "priya", "quentin", "rosa", "samir", "tessa", "umar", "vera",
    "wei", "ximena", "yusuf", "zoe", "aiko", "bruno", "carla", "dmitri", "emma", "felix",
)
LAST_NAMES = (
    "alvarez", "brennan", "chen", "dubois", "eriksen", "fischer", "garcia", "haddad", "ito", "jensen",
    "kowalski", "laurent", "moreau", "nakamura", "okafor", "petrov", "quinn", "rossi", "schmidt",
    "tanaka", "usman", "vogel", "wagner", "xu", "yilmaz", "zhang",
)
EMAIL_DOMAIN = "acme-retail.com"

# Sensitive schemas: tables here should carry a `classification` tag.
SENSITIVE_SCHEMAS = ("pii", "finance_restricted", "hr")

CLIENT_APPLICATIONS = (
    "Databricks SQL Editor", "Databricks SQL Dashboard", "Tableau", "PowerBI", "dbt", "Databricks SQL Alert",
)
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "databricks-sdk-py/0.38.0 python/3.11.9 os/linux auth/pat",
    "databricks-cli/0.230.0 go/1.22.5 os/darwin",
    "Apache-HttpClient/4.5.14 (Java/17.0.11) Databricks-JDBC/2.6.40",
)
