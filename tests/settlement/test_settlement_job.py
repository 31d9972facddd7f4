"""run_settlement: idempotent, set-based, refuses to change approved statements (a correction is an adjustment
line), approval by the division leader in month order; command, Celery task and beat schedule (R-S-*)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from core.approval import approval_approve, approval_submit
from core.choices import JobStatus
from core.jobs import JobRefused
from core.models import AuditEvent, JobRun
from scoring.models import RuleSet
from settlement.models import SettlementStatement
from settlement.services import settlement_adjustment_record, settlement_job, write_down_record
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.factories import make_warning

from .factories import NOV, OCT, restrict_settlement, run, set_revenue, statement_of

pytestmark = pytest.mark.django_db

M = Decimal


def populated(n=5):
    contracts = []
    for i in range(n):
        c = ContractFactory(partner=PartnerFactory(), revenue_share=M("0.4500"))
        set_revenue(c, OCT, f"{1000 + i * 333.33:.2f}")
        contracts.append(c)
    make_warning(contracts[0].partner, month=OCT, level=2)
    write_down_record(contract=contracts[1], month=OCT, amount=M("5000.00"))
    restrict_settlement(contracts[2].partner, dt.date(2026, 10, 1))
    return contracts


def snapshot():
    return sorted(
        SettlementStatement.objects.values_list("id", "contract_id", "amount_due", "carried_forward", "held_balance",
                                                "items", "status")
    )


def test_second_run_changes_nothing():
    populated()
    first = run(OCT)
    before, history = snapshot(), SettlementStatement.history.count()
    second = run(OCT)
    assert snapshot() == before
    assert SettlementStatement.history.count() == history  # not even a rewrite of the same values
    assert (first["created"], second["created"], second["updated"], second["unchanged"]) == (5, 0, 0, 5)


def test_job_run_is_recorded_and_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    populated(3)
    with django_assert_max_num_queries(40):
        counts = settlement_job(month=OCT)
    run_row = JobRun.objects.get(job="run_settlement", key="2026-10")
    assert run_row.status == JobStatus.SUCCEEDED and run_row.counts["contracts"] == 3 == counts["contracts"]
    more = populated(12)
    assert more
    with django_assert_max_num_queries(40):  # 15 contracts: same query count, no query per partner
        settlement_job(month=OCT)


def test_rerun_refuses_to_change_an_approved_statement(staff_user, division_leader):
    c = ContractFactory(revenue_share=M("0.5000"))
    set_revenue(c, OCT, "1000.00")
    run(OCT)
    statement = statement_of(c, OCT)
    approval_submit(obj=statement, actor=staff_user)
    approval_approve(obj=statement, actor=division_leader)
    assert RuleSet.objects.get(version=1).locked

    run(OCT)  # unchanged inputs: fine, nothing written
    set_revenue(c, OCT, "1200.00")  # revenue corrected after approval
    with pytest.raises(JobRefused, match="已审批"):
        settlement_job(month=OCT)
    assert statement_of(c, OCT).amount_due == M("500.00")
    assert JobRun.objects.filter(job="run_settlement", status=JobStatus.REFUSED).count() == 1
    with pytest.raises(CommandError, match="已审批"):
        call_command("run_settlement", "--month", "2026-10", verbosity=0)

    # the correction is a new adjustment line in the next open month, never an edit
    with pytest.raises(ValidationError) as error:
        write_down_record(contract=c, month=OCT, amount=M("1.00"))
    assert "month" in error.value.message_dict
    settlement_adjustment_record(contract=c, month=NOV, corrects_month=OCT, amount=M("100.00"), rule_id="R-S-BASE",
                                 reason="10月收入更正 +200 元 × 0.5")
    set_revenue(c, OCT, "1000.00")
    set_revenue(c, NOV, "1000.00")
    run(NOV)
    november = statement_of(c, NOV)
    assert november.adjustments == M("100.00") and november.amount_due == M("600.00")
    assert any("更正 2026-10" in item["detail"] for item in november.items)


def test_submitted_statement_whose_figures_change_goes_back_to_draft(staff_user):
    c = ContractFactory(revenue_share=M("0.5000"))
    set_revenue(c, OCT, "1000.00")
    run(OCT)
    approval_submit(obj=statement_of(c, OCT), actor=staff_user)
    set_revenue(c, OCT, "1100.00")
    run(OCT)
    statement = statement_of(c, OCT)
    assert (statement.status, statement.amount_due) == ("draft", M("550.00"))
    assert AuditEvent.objects.filter(action="recompute_back_to_draft").count() == 1


def test_statements_are_approved_by_the_division_leader_in_month_order(staff_user, department_head,
                                                                        division_leader):
    c = ContractFactory(revenue_share=M("0.5000"))
    for month in (OCT, NOV):
        set_revenue(c, month, "1000.00")
        run(month)
    october, november = statement_of(c, OCT), statement_of(c, NOV)
    approval_submit(obj=november, actor=staff_user)
    with pytest.raises(ValidationError, match="按月份顺序"):
        approval_approve(obj=november, actor=division_leader)
    approval_submit(obj=october, actor=staff_user)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=october, actor=department_head)
    approval_approve(obj=october, actor=division_leader)
    approval_approve(obj=november, actor=division_leader)
    assert set(SettlementStatement.objects.values_list("status", flat=True)) == {"approved"}


def test_contract_without_revenue_or_outside_its_period():
    running = ContractFactory(revenue_share=M("0.5000"))
    ended = ContractFactory(revenue_share=M("0.5000"), start_date=dt.date(2024, 1, 1), end_date=dt.date(2026, 9, 30))
    future = ContractFactory(revenue_share=M("0.5000"), start_date=dt.date(2026, 11, 1))
    set_revenue(ended, OCT, "1000.00")
    run(OCT)
    assert statement_of(running, OCT).amount_due == M("0.00")
    assert not SettlementStatement.objects.filter(contract__in=[ended, future]).exists()


def test_renewed_contract_takes_the_months_revenue():
    partner = PartnerFactory()
    old = ContractFactory(partner=partner, revenue_share=M("0.4000"), start_date=dt.date(2024, 1, 1),
                          end_date=dt.date(2026, 10, 14))
    new = ContractFactory(partner=partner, revenue_share=M("0.5000"), start_date=dt.date(2026, 10, 15))
    set_revenue(new, OCT, "1000.00")
    run(OCT)
    assert statement_of(new, OCT).payable == M("500.00")
    old_statement = statement_of(old, OCT)
    assert old_statement.payable == M("0.00") and "计收入" in old_statement.items[0]["detail"]


def test_command_and_celery_task(capsys):
    c = ContractFactory(revenue_share=M("0.5000"))
    set_revenue(c, OCT, "1000.00")
    call_command("run_settlement", "--month", "2026-10", verbosity=0)
    assert statement_of(c, OCT).amount_due == M("500.00")
    with pytest.raises(CommandError, match="--month"):
        call_command("run_settlement", "--month", "2026-13", verbosity=0)

    from settlement.tasks import run_settlement

    counts = run_settlement.delay("2026-10").get()
    assert counts["unchanged"] == 1


def test_beat_schedule_runs_the_previous_month():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="settlement.run_settlement")
    assert task.enabled and task.crontab.day_of_month == "5"
