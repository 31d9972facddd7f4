"""Writes of the mobile-newspaper app (R-N-*), by concern: partner profiles and documents (``qualification``),
products and their six-stage launch (``launch``), the 7-day test and its decision (``product_tests``), breaches
and the yearly operating score with its warning / exit proposals (``breaches_scores``) and the job entry points
(``jobs``). Import from ``newspaper.services``.

Approval hooks are plain functions (``<entity>_approved(*, obj, actor)``, ``<entity>_approval_problems(*, obj,
action)``); the models' ``on_approved`` / ``approval_problems`` only call them.
"""

from .breaches_scores import (
    breach_approval_problems,
    breach_approved,
    breach_record,
    operating_score_compute,
    operating_scores_run,
    score_action_approval_problems,
    score_action_approved,
)
from .jobs import DOCUMENT_EXPIRY_JOB_NAME, OPERATING_SCORES_JOB_NAME, documents_expiry_job, operating_scores_job
from .launch import launch_step_problems, launch_step_record, product_propose
from .product_tests import (
    product_test_approval_problems,
    product_test_approved,
    product_test_recompute,
    product_test_start,
    product_test_summarise,
    tester_add,
    tester_score_enter,
)
from .qualification import document_problems, document_record, documents_expiry_check, partner_profile_set

__all__ = [
    "DOCUMENT_EXPIRY_JOB_NAME",
    "OPERATING_SCORES_JOB_NAME",
    "breach_approval_problems",
    "breach_approved",
    "breach_record",
    "document_problems",
    "document_record",
    "documents_expiry_check",
    "documents_expiry_job",
    "launch_step_problems",
    "launch_step_record",
    "operating_score_compute",
    "operating_scores_job",
    "operating_scores_run",
    "partner_profile_set",
    "product_propose",
    "product_test_approval_problems",
    "product_test_approved",
    "product_test_recompute",
    "product_test_start",
    "product_test_summarise",
    "score_action_approval_problems",
    "score_action_approved",
    "tester_add",
    "tester_score_enter",
]
