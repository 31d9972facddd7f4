"""The month end in batches leaves the rows of one pass over the whole month.

``month_end_job`` holds one batch at a time — warnings and proposals partner range by range, assessment inputs,
results and their INSERTs batch by batch — so its memory does not grow with the month. These tests make every
batch one partner (or one row) and compare every stored row with the day-by-day runs (``test_month_end``), and
check that a refusal found in a later batch still leaves nothing written.
"""

import datetime as dt

import pytest

from core.approval import approval_approve, approval_submit
from core.jobs import JobRefused
from scoring.models import MonthlyAssessment
from scoring.services import assessment as assessment_module
from scoring.services import month_end as month_end_module
from scoring.services import month_end_job, monthly_assessment_job
from scoring.services import penalties as penalties_module
from tests.scoring.factories import SALES, set_revenue
from tests.scoring.test_month_end import day_by_day, month_data, snapshot, wipe_results

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def one_partner_batches(monkeypatch):
    """Every batch of the month end as small as it gets: one partner per range, chain statement and assessment
    batch, one row per assessment INSERT."""
    monkeypatch.setattr(month_end_module, "RANGE_PARTNERS", 1)
    monkeypatch.setattr(penalties_module, "CHAIN_BATCH", 1)
    monkeypatch.setattr(assessment_module, "ASSESS_BATCH", 1)
    monkeypatch.setattr(assessment_module, "WRITE_BATCH", 1)


def test_month_end_in_batches_of_one_partner_writes_the_rows_of_the_day_by_day_runs(monkeypatch):
    month_data()
    day_by_day()
    monthly_assessment_job(month=OCT)
    expected = snapshot()
    wipe_results()
    one_partner_batches(monkeypatch)
    counts = month_end_job(month=OCT)
    assert snapshot() == expected
    assert counts["proposals_created"] == len(expected["proposals"])
    assert counts["assessed"] == counts["created"] == len(expected["assessments"])
    assert counts["upgraded_complaints_included"] == len(expected["inclusions"])
    again = month_end_job(month=OCT)
    assert snapshot() == expected
    assert again["created"] == again["updated"] == 0 and again["unchanged"] == len(expected["assessments"])


def test_month_end_in_batches_refuses_and_writes_nothing_when_a_later_batch_holds_an_approved_change(
    monkeypatch, staff_user, division_leader
):
    a, b, c, d = month_data()
    month_end_job(month=OCT)
    last = max((a, b, c, d), key=lambda partner: partner.pk)
    assessment = MonthlyAssessment.objects.get(partner=last, cooperation_type=SALES)
    approval_approve(obj=approval_submit(obj=assessment, actor=staff_user), actor=division_leader)
    before = snapshot()
    one_partner_batches(monkeypatch)
    # every partner's result would change; the batches before the approved one were written, then taken back
    for partner in (a, b, c, d):
        set_revenue(partner, OCT, 90000)
    with pytest.raises(JobRefused, match="已审批"):
        month_end_job(month=OCT)
    assert snapshot() == before
