"""Writes of the codes app, by concern: applications, their review chain, a code's status, change requests and
the R-B-PROCESS steps, recycling proposals and exits, the year-end clean-up.
"""

from .applications import application_apply, application_recompute, batch_close, batch_for_month
from .changes import code_change_approved, code_change_request_create, process_approve, process_assess, process_return
from .lifecycle import business_code_create, code_activate, code_recycle_finish
from .recycling import code_exit_propose, partner_exit_register, recycling_proposal_approved, recycling_proposal_raise
from .reviews import application_decide, application_review, code_application_approved
from .yearend import code_yearend_job, code_yearend_propose

__all__ = [
    "application_apply",
    "application_decide",
    "application_recompute",
    "application_review",
    "batch_close",
    "batch_for_month",
    "business_code_create",
    "code_activate",
    "code_application_approved",
    "code_change_approved",
    "code_change_request_create",
    "code_exit_propose",
    "code_recycle_finish",
    "code_yearend_propose",
    "partner_exit_register",
    "process_approve",
    "process_assess",
    "process_return",
    "recycling_proposal_approved",
    "recycling_proposal_raise",
    "code_yearend_job",
]
