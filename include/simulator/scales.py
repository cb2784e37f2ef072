"""How big a simulated account is at each scale."""

from __future__ import annotations

from pydantic import BaseModel

from include.simulator.manifest import Scale


class ScaleProfile(BaseModel):
    """Entity counts and traffic volumes of one scale."""

    name: Scale
    workspaces: int
    jobs_per_workspace: int
    all_purpose_per_workspace: int
    warehouses_per_workspace: int
    endpoints: int
    users_per_workspace: int
    service_principals_per_workspace: int
    queries_per_warehouse_day: int
    requests_per_endpoint_day: int
    incidents_per_kind: int
    # Rows per generated batch: bounds memory for the big tables at large scale.
    batch_days: int = 1


SCALES: dict[str, ScaleProfile] = {
    "small": ScaleProfile(
        name="small", workspaces=3, jobs_per_workspace=10, all_purpose_per_workspace=3,
        warehouses_per_workspace=1, endpoints=5, users_per_workspace=10,
        service_principals_per_workspace=2, queries_per_warehouse_day=120,
        requests_per_endpoint_day=400, incidents_per_kind=1,
    ),
    "medium": ScaleProfile(
        name="medium", workspaces=5, jobs_per_workspace=22, all_purpose_per_workspace=4,
        warehouses_per_workspace=2, endpoints=10, users_per_workspace=25,
        service_principals_per_workspace=3, queries_per_warehouse_day=500,
        requests_per_endpoint_day=2_000, incidents_per_kind=2,
    ),
    "large": ScaleProfile(
        name="large", workspaces=8, jobs_per_workspace=60, all_purpose_per_workspace=6,
        warehouses_per_workspace=3, endpoints=16, users_per_workspace=60,
        service_principals_per_workspace=5, queries_per_warehouse_day=3_000,
        requests_per_endpoint_day=8_000, incidents_per_kind=3,
    ),
}


def scale_profile(name: str) -> ScaleProfile:
    """The profile of a scale name, or a ValueError naming the allowed ones."""
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; use one of: {', '.join(SCALES)}") from None
