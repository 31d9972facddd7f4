"""Writes of the scoring app, by concern: rule sets, daily notifications (Python and PostgreSQL paths), monthly
warnings, penalty proposals, the monthly assessment and the job entry points.

Jobs aggregate in the database for all partners at once (``scoring.selectors``), evaluate the plain values
with the pure evaluators of ``scoring.rules`` and write in bulk. Re-running a job upserts on the natural key,
so a second run changes nothing; results that were approved (or are waiting for approval) are never
changed silently: the job raises ``JobRefused`` and writes nothing.
"""

from core.bulk import BATCH

from .assessment import ASSESSMENT_FIELDS, monthly_assessment_approved, monthly_assessment_run
from .jobs import daily_notifications_job, month_end_job, monthly_assessment_job
from .month_end import (
    month_end_counts_merge,
    month_end_has_protected_results,
    month_end_shards,
    month_notifications_run,
    month_notifications_write_sql,
)
from .notifications import daily_notifications_run, daily_notifications_write_python
from .notifications_pg import daily_notifications_write_sql
from .penalties import (
    PROPOSAL_FACT_FIELDS,
    PROPOSAL_KEY,
    SUSPENSION_START_APPROVAL,
    SUSPENSION_START_REACHED,
    penalty_proposal_approval_problems,
    penalty_proposal_approved,
    penalty_proposal_chains_insert_sql,
    penalty_proposals_reconcile,
)
from .refusals import PROTECTED_STATUSES
from .rule_sets import (
    rule_entry_update,
    rule_set_activate,
    rule_set_copy_as_draft,
    rule_set_mark_used,
    rule_set_problems,
)
from .warnings import WarningState, monthly_warnings_refresh

__all__ = [
    "ASSESSMENT_FIELDS",
    "BATCH",
    "PROPOSAL_FACT_FIELDS",
    "PROPOSAL_KEY",
    "PROTECTED_STATUSES",
    "SUSPENSION_START_APPROVAL",
    "SUSPENSION_START_REACHED",
    "WarningState",
    "daily_notifications_job",
    "daily_notifications_run",
    "daily_notifications_write_python",
    "daily_notifications_write_sql",
    "month_end_counts_merge",
    "month_end_has_protected_results",
    "month_end_job",
    "month_end_shards",
    "month_notifications_run",
    "month_notifications_write_sql",
    "monthly_assessment_approved",
    "monthly_assessment_job",
    "monthly_assessment_run",
    "monthly_warnings_refresh",
    "penalty_proposal_approval_problems",
    "penalty_proposal_approved",
    "penalty_proposal_chains_insert_sql",
    "penalty_proposals_reconcile",
    "rule_entry_update",
    "rule_set_activate",
    "rule_set_copy_as_draft",
    "rule_set_mark_used",
    "rule_set_problems",
]
