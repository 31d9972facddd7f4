"""Activating a rule set is an approvable request (division leader, R-D-APPROVAL) that needs a back-test of at
least the last complete month, made after the set's last edit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from backtest.models import RuleSetActivationRequest
from backtest.services import backtest_job, rule_set_activation_request
from core.approval import ApprovalError, approval_approve, approval_submit
from core.choices import ApprovalStatus
from core.months import add_months, previous_month
from scoring.choices import RuleSetStatus
from scoring.services import rule_entry_update, rule_set_copy_as_draft
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.factories import default_rule_set, set_revenue

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(staff_user):
    partner = PartnerFactory(code="ACT")
    ContractFactory(partner=partner, start_date=dt.date(2025, 1, 1))
    set_revenue(partner, previous_month(timezone.localdate()), 200000)
    draft = rule_set_copy_as_draft(source=default_rule_set(), actor=staff_user)
    rule_entry_update(entry=draft.entries.get(key="notify_threshold"), value={"value": 30}, actor=staff_user)
    return draft


def next_month_start():
    return add_months(timezone.localdate().replace(day=1), 1)


def test_r_d_approval_activation_without_a_backtest_is_refused_in_chinese(draft, staff_user):
    with pytest.raises(ValidationError, match="尚未回测：启用前须至少回测上一个完整月份"):
        rule_set_activation_request(rule_set=draft, effective_from=next_month_start(), actor=staff_user)
    assert not RuleSetActivationRequest.objects.exists()


def test_r_d_approval_backtest_of_an_older_month_does_not_cover_the_last_complete_month(draft, staff_user):
    older = add_months(previous_month(timezone.localdate()), -1)
    backtest_job(rule_set=draft, months=[older])
    with pytest.raises(ValidationError, match="未包括上一个完整月份"):
        rule_set_activation_request(rule_set=draft, effective_from=next_month_start(), actor=staff_user)


def test_r_d_approval_division_leader_approves_and_the_set_becomes_active(draft, staff_user, division_leader):
    backtest_job(rule_set=draft, months=[previous_month(timezone.localdate())], user=staff_user)
    request = rule_set_activation_request(rule_set=draft, effective_from=next_month_start(), actor=staff_user)
    assert request.report.rule_set == draft
    approval_submit(obj=request, actor=staff_user)
    with pytest.raises(PermissionDenied, match="分管领导"):
        approval_approve(obj=request, actor=staff_user)  # not the division leader
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
    approval_approve(obj=RuleSetActivationRequest.objects.get(pk=request.pk), actor=division_leader)
    draft.refresh_from_db()
    request.refresh_from_db()
    assert (draft.status, draft.effective_from, request.status) == (
        RuleSetStatus.ACTIVE, next_month_start(), ApprovalStatus.APPROVED)


def test_r_d_approval_set_edited_after_its_backtest_needs_a_new_one(draft, staff_user, division_leader):
    backtest_job(rule_set=draft, months=[previous_month(timezone.localdate())])
    request = rule_set_activation_request(rule_set=draft, effective_from=next_month_start(), actor=staff_user)
    approval_submit(obj=request, actor=staff_user)
    rule_entry_update(entry=draft.entries.get(key="notify_threshold"), value={"value": 40}, actor=staff_user)
    with pytest.raises(ApprovalError, match="之后又被修改（notify_threshold）"):
        approval_approve(obj=RuleSetActivationRequest.objects.get(pk=request.pk), actor=division_leader)
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT


def test_admin_activate_action_files_a_request_and_shows_the_report(draft, staff_user, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.com", "pw-root-12345")
    client.force_login(root)
    draft.effective_from = next_month_start()
    draft.save()
    changelist = reverse("admin:scoring_ruleset_changelist")
    response = client.post(changelist, {"action": "activate", "_selected_action": [draft.pk]}, follow=True)
    assert "尚未回测" in response.content.decode()
    assert not RuleSetActivationRequest.objects.exists()

    backtest_job(rule_set=draft, months=[previous_month(timezone.localdate())])
    client.post(changelist, {"action": "activate", "_selected_action": [draft.pk]})
    request = RuleSetActivationRequest.objects.get()
    assert request.status == ApprovalStatus.SUBMITTED
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.DRAFT
    page = client.get(reverse("admin:backtest_rulesetactivationrequest_change", args=[request.pk])).content.decode()
    assert "最新回测汇总" in page and "notify_threshold" in page
    report_page = client.get(reverse("admin:backtest_backtestreport_change", args=[request.report.pk]))
    assert "考核得分分布" in report_page.content.decode()
    rows = client.get(reverse("admin:backtest_backtestrow_changelist"), {"report__id__exact": request.report.pk,
                                                                          "o": "-6"})
    assert rows.status_code == 200 and "ACT" in rows.content.decode()
    export = client.get(reverse("admin:backtest_backtestrow_export"), {"report__id__exact": request.report.pk})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_admin_backtest_action_runs_the_job_for_the_last_complete_month(draft, client, django_user_model):
    from backtest.models import BacktestReport

    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw-root-12345"))
    response = client.post(reverse("admin:scoring_ruleset_changelist"),
                           {"action": "backtest_last_month", "_selected_action": [draft.pk]}, follow=True)
    assert "已开始回测" in response.content.decode()
    report = BacktestReport.objects.get(rule_set=draft)
    last = previous_month(timezone.localdate())
    assert (report.month_from, report.month_to, report.created_by.username) == (last, last, "root")
    assert report.rows.get(partner__code="ACT").payout_after is not None
