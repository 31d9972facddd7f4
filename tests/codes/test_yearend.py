"""Year-end recycling proposals (R-B-YEAREND) and their R-B-PROCESS approval."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from codes.choices import CodeKind, CodeStatus, ProposalAction, ProposalTrigger
from codes.models import CodeRecyclingProposal
from codes.services import code_yearend_job, code_yearend_propose, process_approve, process_assess, process_return
from codes.tasks import code_yearend_task
from core.audit import audit_trail
from core.choices import ApprovalStatus, JobStatus
from core.jobs import JobRefused
from core.models import JobRun
from scoring.models import RuleSet

from .factories import BusinessCodeFactory, CodeMonthlyStatFactory

pytestmark = pytest.mark.django_db

WINDOW = [dt.date(2026, m, 1) for m in range(7, 13)]


def code_with_users(users, *, effective=dt.date(2025, 6, 1), kind=CodeKind.MONTHLY, status=CodeStatus.ACTIVE,
                    months=WINDOW):
    code = BusinessCodeFactory(effective_date=effective, kind=kind, status=status)
    values = users if isinstance(users, list) else [users] * len(months)
    for month, value in zip(months, values, strict=True):
        CodeMonthlyStatFactory(code=code, month=month, users=value)
    return code


@pytest.mark.parametrize(
    ("users", "proposed"),
    [(999, True), (1000, False), ([0, 0, 0, 2000, 2000, 1994], True), ([0, 0, 0, 2000, 2000, 2000], False)],
    ids=["avg-999", "avg-1000", "mixed-avg-999", "mixed-avg-1000"],
)
def test_year_end_threshold(users, proposed):
    """R-B-YEAREND: a monthly code in force over a year with a 6-month average below 1,000 is proposed."""
    code = code_with_users(users)
    counts = code_yearend_propose(year=2026)
    assert counts["candidates"] == 1
    proposals = CodeRecyclingProposal.objects.filter(code=code, trigger=ProposalTrigger.YEAR_END, trigger_key="2026")
    assert proposals.exists() is proposed
    if proposed:
        proposal = proposals.get()
        assert (proposal.action, proposal.rule_id, proposal.status) == (
            ProposalAction.RECYCLE, "R-B-YEAREND", ApprovalStatus.DRAFT)
        assert proposal.average_users == 999
        assert proposal.items[0]["rule"] == "R-B-YEAREND" and "月均 999.00，低于 1000" in proposal.items[0]["detail"]
        assert proposal.rule_set == RuleSet.objects.get(version=1)


@pytest.mark.parametrize(
    ("effective", "kind", "status", "candidate"),
    [
        (dt.date(2025, 12, 30), CodeKind.MONTHLY, CodeStatus.ACTIVE, True),   # more than a year on 2026-12-31
        (dt.date(2025, 12, 31), CodeKind.MONTHLY, CodeStatus.ACTIVE, False),  # exactly a year: not more
        (dt.date(2026, 3, 1), CodeKind.MONTHLY, CodeStatus.ACTIVE, False),
        (dt.date(2024, 1, 1), CodeKind.PER_USE, CodeStatus.ACTIVE, False),
        (dt.date(2024, 1, 1), CodeKind.MONTHLY, CodeStatus.NO_NEW_USERS, True),  # own-channel continuation
        (dt.date(2024, 1, 1), CodeKind.MONTHLY, CodeStatus.RECYCLING, False),
    ],
)
def test_only_monthly_codes_in_force_over_a_year(effective, kind, status, candidate):
    """R-B-YEAREND: only monthly codes in force for more than 1 year are judged."""
    code_with_users(10, effective=effective, kind=kind, status=status)
    code_yearend_propose(year=2026)
    assert CodeRecyclingProposal.objects.exists() is candidate


def test_missing_months_count_zero():
    code = code_with_users([6000], months=[dt.date(2026, 12, 1)])  # only December: 6000 / 6 = 1000
    code_yearend_propose(year=2026)
    assert not CodeRecyclingProposal.objects.filter(code=code).exists()
    code_with_users([5994], months=[dt.date(2026, 12, 1)])
    code_yearend_propose(year=2026)
    proposal = CodeRecyclingProposal.objects.get()
    assert "0（无统计）" in proposal.items[0]["detail"]


def test_second_run_changes_nothing_and_is_recorded():
    code_with_users(500)
    code_with_users(5000)
    first = code_yearend_job(year=2026)
    rows = list(CodeRecyclingProposal.objects.values("id", "code_id", "items", "average_users"))
    second = code_yearend_job(year=2026)
    assert (first["created"], second["created"], second["unchanged"]) == (1, 0, 1)
    assert list(CodeRecyclingProposal.objects.values("id", "code_id", "items", "average_users")) == rows
    runs = JobRun.objects.filter(job="code_yearend", key="2026")
    assert runs.count() == 2 and {r.status for r in runs} == {JobStatus.SUCCEEDED}
    assert runs.first().total == 2 and runs.first().done == 2


def test_draft_dropped_when_no_longer_due():
    code = code_with_users(500)
    code_yearend_propose(year=2026)
    code.stats.update(users=1500)
    assert code_yearend_propose(year=2026)["deleted"] == 1
    assert not CodeRecyclingProposal.objects.exists()


def test_refuses_to_change_an_approved_proposal(reviewers, director):
    code = code_with_users(500)
    code_yearend_propose(year=2026)
    proposal = CodeRecyclingProposal.objects.get()
    process_assess(obj=proposal, actor=reviewers[0], note="同意回收")
    process_approve(obj=proposal, actor=director)
    code.stats.update(users=400)
    with pytest.raises(JobRefused, match=code.code):
        code_yearend_propose(year=2026)
    with pytest.raises(CommandError, match="已提交或已批准"):
        call_command("run_code_yearend", "--year", "2026", verbosity=0)
    assert JobRun.objects.filter(job="code_yearend", status=JobStatus.REFUSED).count() == 1
    code.stats.update(users=500)
    assert code_yearend_propose(year=2026) == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 1,
                                               "candidates": 1}
    assert CodeRecyclingProposal.objects.get().status == ApprovalStatus.APPROVED


def test_refuses_before_december_statistics_exist():
    code_with_users([1, 1, 1, 1, 1], months=WINDOW[:5])
    with pytest.raises(JobRefused, match="2026-12"):
        code_yearend_propose(year=2026)
    assert not CodeRecyclingProposal.objects.exists()


def test_command_and_task(capsys):
    code_with_users(10)
    call_command("run_code_yearend", "--year", "2026", verbosity=0)
    assert CodeRecyclingProposal.objects.count() == 1
    assert code_yearend_task.delay(2026).get()["unchanged"] == 1


def test_process_assessment_director_and_return(reviewers, director):
    """R-B-PROCESS: group assessment → submit → director review; a return goes back to assessment."""
    code = code_with_users(10)
    code_yearend_propose(year=2026)
    proposal = CodeRecyclingProposal.objects.get()
    with pytest.raises(ValidationError, match="组内评估"):
        process_assess(obj=proposal, actor=reviewers[0], note=" ")
    with pytest.raises(PermissionDenied):
        process_assess(obj=proposal, actor=director, note="评估")  # assessment is the operations group's
    proposal = process_assess(obj=proposal, actor=reviewers[0], note="用户过少，建议回收")
    assert proposal.status == ApprovalStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        process_approve(obj=proposal, actor=reviewers[1])  # the director decides
    proposal = process_return(obj=proposal, actor=director, reason="请核实12月数据")
    assert (proposal.status, proposal.assessed_at) == (ApprovalStatus.RETURNED, None)
    with pytest.raises(ValidationError):
        process_approve(obj=proposal, actor=director)  # back in assessment: nothing to approve
    proposal = process_assess(obj=proposal, actor=reviewers[1], note="已核实")
    proposal = process_approve(obj=proposal, actor=director, note="同意")
    code.refresh_from_db()
    assert code.status == CodeStatus.RECYCLING and code.recycling_started_on and code.stopped_new_users_on
    assert [e.action for e in audit_trail(proposal).order_by("at", "id")] == [
        "assess", "submit", "return", "assess", "submit", "approve"]
    assert {e.rule_id for e in audit_trail(proposal)} == {"R-B-PROCESS"}
    assert [e.rule_id for e in audit_trail(code)] == ["R-B-YEAREND"]


def _queries_for(count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CodeRecyclingProposal.objects.all().delete()
    for _ in range(count):
        code_with_users(10)
    with CaptureQueriesContext(connection) as captured:
        code_yearend_propose(year=2026)
    return len(captured.captured_queries)


def test_year_end_is_set_based():
    """No query per code: the number of queries does not grow with the number of codes."""
    from scoring.selectors import rule_book_in_force

    rule_book_in_force(on=dt.date(2026, 12, 31))  # the rule book is cached after its first read
    few, many = _queries_for(3), _queries_for(30)
    assert few == many
    assert CodeRecyclingProposal.objects.count() == 33
