"""Writes of the credit app, by concern: the monthly job, sanctions, major violations, and the evidence and manual
item scores that go into the score.
"""

from .inputs import (
    company_importance_approval_problems,
    company_importance_approved,
    company_importance_authorisation_problems,
    company_importance_effective_month,
    company_importance_file,
    company_importance_review,
    importance_categories,
    manual_item_keys,
    manual_item_score_set,
)
from .monthly import FIELDS, JOB_NAME, credit_scoring_compute, credit_scoring_job, credit_scoring_run
from .sanctions import (
    SANCTIONS_JOB_NAME,
    credit_sanction_apply,
    credit_sanction_cancel,
    credit_sanction_choose,
    credit_sanction_end,
    credit_sanctions_apply_due,
    credit_sanctions_daily,
    credit_sanctions_end_for_ended_cooperations,
    credit_sanctions_end_with_cooperation,
    credit_sanctions_issue,
    credit_sanctions_job,
    credit_score_approved,
    sanction_due_date,
)
from .violations import linked_penalties_settle, major_violation_approved, major_violation_record

__all__ = [
    "FIELDS",
    "JOB_NAME",
    "SANCTIONS_JOB_NAME",
    "company_importance_approval_problems",
    "company_importance_approved",
    "company_importance_authorisation_problems",
    "company_importance_effective_month",
    "company_importance_file",
    "company_importance_review",
    "credit_sanction_apply",
    "credit_sanction_cancel",
    "credit_sanction_choose",
    "credit_sanction_end",
    "credit_sanctions_apply_due",
    "credit_sanctions_daily",
    "credit_sanctions_end_for_ended_cooperations",
    "credit_sanctions_end_with_cooperation",
    "credit_sanctions_issue",
    "credit_sanctions_job",
    "credit_score_approved",
    "credit_scoring_compute",
    "credit_scoring_job",
    "credit_scoring_run",
    "importance_categories",
    "linked_penalties_settle",
    "major_violation_approved",
    "major_violation_record",
    "manual_item_keys",
    "manual_item_score_set",
    "sanction_due_date",
]
