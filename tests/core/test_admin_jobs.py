"""Jobs from the admin: staff with core.run_job start any job for a date or month; the run records who started it,
its duration and counts (a table, not JSON), and running runs show a live progress bar fed by a JSON endpoint."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.choices import ApproverRole, JobStatus
from core.models import JobRun
from settlement.models import SettlementStatement
from tests.factories import ContractFactory, PartnerFactory, UserFactory
from tests.settlement.factories import OCT, set_revenue

pytestmark = pytest.mark.django_db

START = "admin:core_jobrun_start"


@pytest.fixture
def ops_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_operations_role_holds_the_run_job_permission(staff_user):
    assert staff_user.has_perm("core.run_job")
    assert Group.objects.get(name=ApproverRole.OPERATIONS).permissions.filter(codename="run_job").exists()


def test_the_start_page_lists_every_job(ops_client):
    page = ops_client.get(reverse(START))
    assert page.status_code == 200
    text = page.content.decode()
    for label in ["每日投诉通报", "月度考核", "信用积分", "月度结算", "信用处罚", "业务代码年末清理"]:
        assert label in text
    assert "python manage.py run_settlement --month" in text


def test_ops_starts_a_settlement_month_and_sees_who_when_and_the_counts_as_a_table(ops_client, staff_user):
    contract = ContractFactory(partner=PartnerFactory(), revenue_share=Decimal("0.4500"))
    set_revenue(contract, OCT, "1000.00")
    answer = ops_client.post(reverse(START), {"job": "run_settlement", "period": "2026-10"})
    assert answer.status_code == 302 and "job=run_settlement" in answer["Location"]
    run = JobRun.objects.get(job="run_settlement", key="2026-10")
    assert (run.status, run.started_by, run.counts["created"]) == (JobStatus.SUCCEEDED, staff_user, 1)
    assert SettlementStatement.objects.filter(month=OCT).count() == 1

    listing = ops_client.get(answer["Location"]).content.decode()
    assert "月度结算" in listing and "已运行完成" in listing and "启动作业" in listing
    detail = ops_client.get(reverse("admin:core_jobrun_change", args=[run.pk])).content.decode()
    assert '<table class="jobrun-counts readonly-table">' in detail and "<th>合同</th><td>1</td>" in detail
    assert '"created"' not in detail  # not raw JSON
    assert "耗时" in detail and staff_user.username in detail


def test_a_refusal_is_shown_as_a_message_not_an_error_page(ops_client, monkeypatch):
    from core.jobs import JobRefused

    def refuse(**kwargs):
        raise JobRefused("2026-10 结算会改动已审批的结算单")

    monkeypatch.setattr("settlement.tasks.settlement_job", refuse)
    answer = ops_client.post(reverse(START), {"job": "run_settlement", "period": "2026-10"}, follow=True)
    assert answer.status_code == 200
    assert "已拒绝：2026-10 结算会改动已审批的结算单" in answer.content.decode()


@pytest.mark.parametrize(("job", "period", "error"), [
    ("run_settlement", "2026-13", "2026-13"),
    ("run_daily_notifications", "2026-10", "2026-10"),
    ("code_yearend", "26", "不是年份"),
])
def test_a_bad_period_is_refused_on_the_form(ops_client, job, period, error):
    page = ops_client.post(reverse(START), {"job": job, "period": period})
    assert page.status_code == 200 and error in page.content.decode()
    assert not JobRun.objects.exists()


def test_staff_without_the_permission_cannot_start_jobs(client):
    head = UserFactory(is_staff=True, username="head")
    head.groups.add(Group.objects.get(name=ApproverRole.DEPARTMENT_HEAD))
    client.force_login(head)
    assert client.get(reverse(START)).status_code == 403
    assert client.post(reverse(START), {"job": "run_settlement", "period": "2026-10"}).status_code == 403
    assert not JobRun.objects.exists()


def test_a_running_run_has_a_live_progress_bar_and_a_json_endpoint(ops_client):
    run = JobRun.objects.create(job="run_monthly_assessment", key="2026-10", total=8, done=2,
                                heartbeat_at=timezone.now())
    listing = ops_client.get(reverse("admin:core_jobrun_changelist")).content.decode()
    url = reverse("admin:core_jobrun_progress", args=[run.pk])
    assert f'data-progress-url="{url}"' in listing and "core/jobrun_progress.js" in listing
    state = ops_client.get(url).json()
    assert state | {"duration": None} == {
        "id": run.pk, "status": "running", "status_display": "运行中", "done": 2, "total": 8, "percent": 25,
        "message": "", "duration": None, "running": True,
    }


def test_listing_marks_runs_whose_process_died_as_failed(ops_client, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 60
    run = JobRun.objects.create(job="run_settlement", key="2026-10",
                                heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    ops_client.get(reverse("admin:core_jobrun_changelist"))
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED


def test_a_failed_run_offers_a_rerun_with_its_job_and_period(ops_client):
    run = JobRun.objects.create(job="run_settlement", key="2026-10", status=JobStatus.FAILED,
                                finished_at=timezone.now(), heartbeat_at=timezone.now())
    detail = ops_client.get(reverse("admin:core_jobrun_change", args=[run.pk])).content.decode()
    link = reverse(START) + "?job=run_settlement&amp;period=2026-10"
    assert link in detail
    form = ops_client.get(reverse(START), {"job": "run_settlement", "period": "2026-10"}).content.decode()
    assert 'value="2026-10"' in form and '<option value="run_settlement" selected>' in form


def test_the_list_and_its_filter_show_the_jobs_registered_labels(ops_client):
    JobRun.objects.create(job="run_daily_notifications", key="2026-10-08", status=JobStatus.SUCCEEDED)
    listing = ops_client.get(reverse("admin:core_jobrun_changelist")).content.decode()
    assert "每日投诉通报" in listing and ">run_daily_notifications<" not in listing
    assert "?job=run_daily_notifications" in listing
