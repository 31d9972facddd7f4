"""The jobs as Celery tasks and beat schedule rows; one test runs them through a real worker on Redis."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.choices import ApprovalStatus
from core.models import JobRun
from scoring import tasks
from scoring.models import DailyNotification, MonthlyAssessment
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.factories import make_tickets, set_revenue

OCT = dt.date(2026, 10, 1)


@pytest.mark.django_db
def test_tasks_run_the_jobs_and_default_to_the_previous_day_and_month():
    partner = PartnerFactory(code="T1")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    make_tickets(partner, yesterday, 25)
    ContractFactory(partner=partner)
    result = tasks.run_daily_notifications.delay()
    assert result.get()["date"] == yesterday.isoformat()
    assert DailyNotification.objects.get().date == yesterday
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert tasks.run_monthly_assessment.delay().get()["month"] == f"{last_month:%Y-%m}"
    assert MonthlyAssessment.objects.filter(month=last_month).exists()
    assert tasks.run_monthly_assessment.delay(month="2026-10").get()["assessed"] == 1
    assert set(JobRun.objects.values_list("job", flat=True)) == {"run_daily_notifications", "run_monthly_assessment"}


@pytest.mark.django_db
def test_beat_schedule_rows_are_editable_periodic_tasks():
    daily = PeriodicTask.objects.get(task="scoring.run_daily_notifications")
    monthly = PeriodicTask.objects.get(task="scoring.run_monthly_assessment")
    assert daily.enabled and monthly.enabled
    assert (daily.crontab.hour, daily.crontab.minute, daily.crontab.day_of_month) == ("2", "30", "*")
    assert monthly.crontab.day_of_month == "5" and str(monthly.crontab.timezone) == "Asia/Shanghai"
    assert daily.args == "[]" and monthly.kwargs == "{}"
    from celery import current_app

    assert {"scoring.run_daily_notifications", "scoring.run_monthly_assessment"} <= set(current_app.tasks)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process():
    """A real ``celery -A migu_ops worker`` on REDIS_URL, reading the test database (which it can see because
    the test runs with committed transactions). Consumes a private queue so no other worker takes the tasks."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a PostgreSQL database it can share with the test")
    queue = f"test-scoring-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "migu_ops.settings.test",
           "REDIS_URL": os.environ["REDIS_URL"], "CELERY_TEST_WORKER": "1"}
    log = Path(f"/tmp/{queue}.log")
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "migu_ops", "worker", "--pool=solo", "-Q", queue,
             "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )
    from migu_ops.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # this test is about the broker: send for real
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.returncode not in (0, -15):
            print(log.read_text())
        log.unlink(missing_ok=True)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' rule set and groups
def test_a_real_worker_on_redis_runs_both_jobs(celery_worker_process, staff_user, division_leader):
    from migu_ops.celery import app

    partner = PartnerFactory(code="CW1")
    ContractFactory(partner=partner)
    set_revenue(partner, OCT, 1000000)
    make_tickets(partner, OCT.replace(day=7), 35)

    daily = app.send_task("scoring.run_daily_notifications", kwargs={"date": "2026-10-07"},
                          queue=celery_worker_process)
    assert daily.get(timeout=90)["notifications"] == 2
    assert DailyNotification.objects.get().complaint_count == 35

    monthly = app.send_task("scoring.run_monthly_assessment", kwargs={"month": "2026-10"},
                            queue=celery_worker_process)
    assert monthly.get(timeout=60)["created"] == 1
    again = app.send_task("scoring.run_monthly_assessment", kwargs={"month": "2026-10"},
                          queue=celery_worker_process)
    assert again.get(timeout=60)["unchanged"] == 1  # twice: the same rows

    from core.approval import approval_approve, approval_submit

    approval_approve(obj=approval_submit(obj=MonthlyAssessment.objects.get(), actor=staff_user),
                     actor=division_leader)
    set_revenue(partner, OCT, 3000000)
    refused = app.send_task("scoring.run_monthly_assessment", kwargs={"month": "2026-10"},
                            queue=celery_worker_process)
    with pytest.raises(Exception, match="已审批"):
        refused.get(timeout=60)
    assessment = MonthlyAssessment.objects.get()
    assert assessment.status == ApprovalStatus.APPROVED and assessment.revenue_score == 30


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' rule set and groups
def test_a_real_worker_runs_the_month_end_as_partner_shards_with_a_final_step(celery_worker_process):
    from celery.result import AsyncResult

    from migu_ops.celery import app

    partners = [PartnerFactory(code=f"SH{n}") for n in range(4)]
    for n, partner in enumerate(partners):
        ContractFactory(partner=partner)
        set_revenue(partner, OCT, 1000000)
        make_tickets(partner, OCT.replace(day=7 + n), 35)  # R-D-NOTIFY: 35 tickets → 2 notifications

    started = app.send_task("scoring.run_month_end_sharded",
                            kwargs={"month": "2026-10", "shards": 2, "queue": celery_worker_process},
                            queue=celery_worker_process)
    info = started.get(timeout=90)
    assert info["shards"] == 2
    done = AsyncResult(info["collect_task_id"], app=app).get(timeout=120)
    assert done["shards"] == 2 and done["notifications"] == 8 and done["created"] == 4
    assert DailyNotification.objects.count() == 4 and MonthlyAssessment.objects.count() == 4
    shard_runs = JobRun.objects.filter(job="run_month_end")
    assert shard_runs.count() == 2 and {run.status for run in shard_runs} == {"succeeded"}
    assert all(run.key.startswith("2026-10 #") for run in shard_runs)

    again = app.send_task("scoring.run_month_end_sharded",
                          kwargs={"month": "2026-10", "shards": 2, "queue": celery_worker_process},
                          queue=celery_worker_process).get(timeout=90)
    rerun = AsyncResult(again["collect_task_id"], app=app).get(timeout=120)
    assert rerun["unchanged"] == 4 and rerun["notification_rows_created"] == 0  # idempotent
