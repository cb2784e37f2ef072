"""Approvals waiting in Airflow, read from Airflow's own human-in-the-loop records.

Read in-process through Airflow's models (the api-server already holds a metadata-DB session)
rather than by calling our own server's `GET /api/v2/dags/~/dagRuns/~/hitlDetails`: no
self-HTTP round trip, no token forwarding, no dependence on how the server is reached from
outside, and it also serves the metrics scraper, which holds a static token and no Airflow
user. A page gets only the DAGs its user may read (the auth manager's
`get_authorized_dag_ids`, the same filter the REST endpoint applies); metrics count them all.
"""

from __future__ import annotations

from typing import Any

from include.ui.models import PendingApproval

WAITING_STATES = ("awaiting_input", "deferred")


def _labels(assignees: Any) -> list[str]:
    out = []
    for item in assignees or []:
        if isinstance(item, dict):
            out.append(str(item.get("name") or item.get("id") or ""))
        else:
            out.append(str(item))
    return [a for a in out if a]


def pending_approvals(user: Any = None, limit: int = 500) -> list[PendingApproval]:
    """Unanswered human-in-the-loop tasks that are still waiting, oldest first.

    Args:
        user: the Airflow user whose readable DAGs bound the result; None = every DAG (metrics).
        limit: at most this many.
    """
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.models.hitl import HITLDetail
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        query = (
            select(
                HITLDetail.subject, HITLDetail.body, HITLDetail.options, HITLDetail.assignees, HITLDetail.created_at,
                TaskInstance.dag_id, TaskInstance.run_id, TaskInstance.task_id, TaskInstance.map_index,
            )
            .join(TaskInstance, HITLDetail.ti_id == TaskInstance.id)
            .where(HITLDetail.responded_at.is_(None))
            .where(TaskInstance.state.in_(WAITING_STATES))
            .order_by(HITLDetail.created_at)
            .limit(limit)
        )
        if user is not None:
            readable = get_auth_manager().get_authorized_dag_ids(user=user, method="GET", session=session)
            query = query.where(TaskInstance.dag_id.in_(readable))
        rows = session.execute(query).all()
    return [
        PendingApproval(
            dag_id=r.dag_id,
            dag_run_id=r.run_id,
            task_id=r.task_id,
            map_index=r.map_index,
            subject=r.subject,
            body=r.body,
            options=[str(o) for o in (r.options or [])],
            assignees=_labels(r.assignees),
            created_at=r.created_at,
        )
        for r in rows
    ]
