"""core.jobs: one run per job and period at a time (never an IntegrityError), live progress other connections see,
heartbeats and stale runs marked failed, one claim per beat-scheduled run."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from core.choices import JobStatus
from core.jobs import job_run, stale_runs_fail
from core.models import JobRun, ScheduledRun
from partners.choices import ImportStatus
from partners.models import ImportRun
from settlement.models import SettlementStatement
from tests.factories import ContractFactory, PartnerFactory
from tests.settlement.factories import OCT, set_revenue

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs real PostgreSQL connections")


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _in_thread(target, errors: list):
    def body():
        try:
            target()
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_settlement_runs_of_one_month_wait_for_each_other(settings):
    settings.JOB_LOCK_POLL = 0.05
    for i in range(3):
        contract = ContractFactory(partner=PartnerFactory(), revenue_share=Decimal("0.4500"))
        set_revenue(contract, OCT, f"{1000 + i * 100}.00")
    errors = []
    with connection.cursor() as cursor:  # a run of October already holds the period: both new ones must wait
        cursor.execute("SELECT pg_advisory_lock(hashtext('job:run_settlement:2026-10'))")
        threads = [_in_thread(lambda: call_command("run_settlement", "--month", "2026-10", verbosity=0), errors)
                   for _ in range(2)]
        assert _wait_for(lambda: JobRun.objects.filter(job="run_settlement", message__startswith="等待").count() == 2)
        cursor.execute("SELECT pg_advisory_unlock(hashtext('job:run_settlement:2026-10'))")
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert SettlementStatement.objects.filter(month=OCT).count() == 3
    runs = list(JobRun.objects.filter(job="run_settlement").values_list("status", "counts"))
    assert [status for status, _ in runs] == [JobStatus.SUCCEEDED, JobStatus.SUCCEEDED]
    assert sorted(counts["created"] for _, counts in runs) == [0, 3]  # the second found the first one's rows


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_committed_outside_the_jobs_transaction_so_others_see_it_live(settings):
    settings.JOB_HEARTBEAT_INTERVAL = 0.1
    reached, release, errors, run_ids = threading.Event(), threading.Event(), [], []

    def job():
        with job_run(job="test_progress", key="2026-10") as progress, transaction.atomic():
            run_ids.append(progress.run.pk)
            progress.set_total(10)
            progress.advance(3)
            reached.set()
            release.wait(20)

    thread = _in_thread(job, errors)
    try:
        assert reached.wait(20)
        assert _wait_for(lambda: JobRun.objects.filter(pk=run_ids[0], done=3, total=10).exists(), timeout=5)
        first_beat = JobRun.objects.get(pk=run_ids[0]).heartbeat_at
        assert _wait_for(lambda: JobRun.objects.get(pk=run_ids[0]).heartbeat_at > first_beat, timeout=5)
        assert JobRun.objects.get(pk=run_ids[0]).status == JobStatus.RUNNING
    finally:
        release.set()
        thread.join(30)
    assert errors == []
    run = JobRun.objects.get(pk=run_ids[0])
    assert (run.status, run.done, run.total) == (JobStatus.SUCCEEDED, 3, 10)


@pytest.mark.django_db
def test_runs_without_a_heartbeat_past_the_timeout_are_marked_failed_and_can_be_rerun(settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 60
    now = timezone.now()
    dead = JobRun.objects.create(job="run_settlement", key="2026-10", heartbeat_at=now - dt.timedelta(seconds=61))
    alive = JobRun.objects.create(job="run_settlement", key="2026-09", heartbeat_at=now - dt.timedelta(seconds=30))
    dead_import = ImportRun.objects.create(kind="partners", file_name="p.csv",
                                           heartbeat_at=now - dt.timedelta(seconds=90))
    assert stale_runs_fail(now=now) == 2
    dead.refresh_from_db(), alive.refresh_from_db(), dead_import.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "60 秒没有心跳" in dead.message and dead.finished_at == now
    assert alive.status == JobStatus.RUNNING
    assert dead_import.status == ImportStatus.FAILED and "没有心跳" in dead_import.errors

    contract = ContractFactory(partner=PartnerFactory(), revenue_share=Decimal("0.4500"))
    set_revenue(contract, OCT, "1000.00")
    call_command("run_settlement", "--month", "2026-10", verbosity=0)  # the re-run
    assert JobRun.objects.filter(job="run_settlement", key="2026-10", status=JobStatus.SUCCEEDED).count() == 1


@pytest.mark.django_db
def test_starting_a_run_fails_the_dead_ones_first(settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 60
    dead = JobRun.objects.create(job="x", key="k", heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    with job_run(job="y", key="k") as progress:
        progress.set_total(1)
        progress.advance()
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED
    assert JobRun.objects.get(job="y").heartbeat_at is not None


@pytest.mark.django_db
def test_a_failing_job_is_recorded_failed_with_the_error():
    with pytest.raises(ZeroDivisionError), job_run(job="boom", key="k"):
        raise ZeroDivisionError("division by zero")
    run = JobRun.objects.get(job="boom")
    assert run.status == JobStatus.FAILED and run.message.startswith("ZeroDivisionError")


@pytest.mark.django_db
def test_a_beat_scheduled_run_is_claimed_once_per_period_and_a_redelivery_runs_again():
    from settlement.tasks import run_settlement

    first = run_settlement.apply(task_id="beat-1").get()
    assert "skipped" not in first
    assert "skipped" in run_settlement.apply(task_id="beat-2").get()  # a second beat's message: not run
    assert "skipped" not in run_settlement.apply(task_id="beat-1").get()  # the same message redelivered: runs
    assert ScheduledRun.objects.get().task_id == "beat-1"
    assert JobRun.objects.filter(job="run_settlement").count() == 2
    assert "skipped" not in run_settlement.apply(kwargs={"month": "2026-10"}, task_id="hand").get()  # by hand: runs


@pytest.mark.django_db
def test_every_registered_job_has_a_celery_task_accepting_its_period_and_user():
    import inspect

    from core.jobs import job_specs

    assert {spec.name for spec in job_specs()} == {
        "run_daily_notifications", "run_monthly_assessment", "run_credit_scoring", "run_settlement",
        "apply_credit_sanctions", "code_yearend", "newspaper_documents_expiry_check", "run_newspaper_scores",
        "run_backtest",
    }
    for spec in job_specs():
        parameters = inspect.signature(spec.celery_task().run).parameters
        assert spec.period in parameters and "user_id" in parameters, spec
        from django.core.management import get_commands

        assert spec.command in get_commands(), spec
