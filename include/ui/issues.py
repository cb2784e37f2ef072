"""People's decisions about findings from the UI and its API (the CLI calls the same lifecycle function)."""

from __future__ import annotations

from include.health.lifecycle import FindingState, change_status
from include.lakehouse.warehouse import Warehouse
from include.ops.store import get_ops_store
from include.ui.models import FindingIssue, IssueChange


def change_issue(warehouse: Warehouse, issue_key: str, change: IssueChange, by: str) -> FindingIssue:
    """Record `by`'s decision about the issue; `LookupError` for an unknown issue, `ValueError` for a bad change."""
    state: FindingState = change_status(get_ops_store(warehouse), issue_key, change.action, by, change.reason,
                                        until=change.until)
    return FindingIssue(issue_key=state.issue_key, status=state.status, first_seen=state.first_seen,
                        reopened=state.reopened, changed_by=state.changed_by, reason=state.reason)
