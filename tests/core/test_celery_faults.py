"""Celery faults on PostgreSQL + Redis: a worker killed (SIGKILL) in the middle of the month-end settlement leaves
nothing partial; the message goes to the next worker (late acks) and the final state equals an undisturbed run.
Two beats sending the same schedule run the job once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from core.choices import JobStatus
from core.jobs import stale_runs_fail
from core.models import JobRun
from settlement.models import SettlementStatement
from settlement.services import settlement_job
from tests.factories import ContractFactory, PartnerFactory
from tests.scoring.test_jobs_tasks import _database_url
from tests.settlement.factories import OCT, set_revenue

pytestmark = pytest.mark.celery_worker

FIELDS = ["contract_id", "month", "status", "revenue", "payable", "amount_due", "carried_forward", "held_balance",
          "on_hold", "stopped", "items", "rule_set_id"]


class Worker:
    """A real ``celery -A migu_ops worker`` (solo pool) on a private queue, reading the test database."""

    def __init__(self, queue: str, name: str):
        env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "migu_ops.settings.test",
               "CELERY_VISIBILITY_TIMEOUT": "5", "CELERY_UNACKED_RESTORE_INTERVAL": "1",
               "CELERY_UNACKED_RESTORE_THROTTLE": "1", "JOB_HEARTBEAT_INTERVAL": "0.5",
               "JOB_HEARTBEAT_TIMEOUT": "3", "JOB_LOCK_POLL": "0.2"}
        self.log = Path(f"/tmp/{queue}-{name}.log")
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "migu_ops", "worker", "--pool=solo", "-Q", queue,
                 "-n", f"{queue}-{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--loglevel=INFO"],
                cwd=settings.BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.unlink(missing_ok=True)


@pytest.fixture
def broker():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a PostgreSQL database it can share with the test")
    from migu_ops.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    workers = []
    queue = f"test-faults-{uuid.uuid4().hex[:8]}"

    def start(name):
        workers.append(Worker(queue, name))
        return workers[-1]

    try:
        yield app, queue, start
    finally:
        app.conf.task_always_eager = eager
        for worker in workers:
            worker.stop()


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _statements():
    return sorted(SettlementStatement.objects.values_list(*FIELDS))


def _blocked_on_statements() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                       "'settlement_settlementstatement'::regclass")
        return cursor.fetchone()[0] > 0


def _end_backends_of_the_killed_worker() -> None:
    """The killed worker's server session notices the closed socket only when it next talks to it (or with
    ``client_connection_check_interval``); end it now as the server would, so it does not outlive the test."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE NOT granted AND relation = "
                       "'settlement_settlementstatement'::regclass")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' rule set and groups
def test_a_worker_killed_mid_settlement_leaves_the_same_result_as_an_undisturbed_run(broker, settings):
    app, queue, start = broker
    for i in range(4):
        contract = ContractFactory(partner=PartnerFactory(), revenue_share=Decimal("0.4500"))
        set_revenue(contract, OCT, f"{1000 + 250 * i}.00")
    settlement_job(month=OCT)
    undisturbed = _statements()
    assert len(undisturbed) == 4
    SettlementStatement.objects.all().delete()
    JobRun.objects.all().delete()

    first = start("a")
    sent = time.monotonic()
    with transaction.atomic():  # hold the statements so the run stops mid-way, inside its transaction
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE settlement_settlementstatement IN EXCLUSIVE MODE")
        result = app.send_task("settlement.run_settlement", kwargs={"month": "2026-10"}, queue=queue)
        assert _wait_for(lambda: JobRun.objects.filter(status=JobStatus.RUNNING, total=4).exists(), 40), \
            first.log.read_text()
        assert _wait_for(_blocked_on_statements, 20)  # computed, now waiting to write
        first.kill()
        _end_backends_of_the_killed_worker()
    assert not SettlementStatement.objects.exists()  # nothing partial
    time.sleep(max(0.0, 6 - (time.monotonic() - sent)))  # past the visibility timeout: the message is handed out
    second = start("b")
    counts = result.get(timeout=45)
    assert counts["created"] == 4, second.log.read_text()
    assert _statements() == undisturbed

    settings.JOB_HEARTBEAT_TIMEOUT = 3
    stale_runs_fail()
    statuses = sorted(JobRun.objects.values_list("status", flat=True))
    assert statuses == [JobStatus.FAILED, JobStatus.SUCCEEDED]  # the killed run is failed, not running for ever

    # Beat started twice: two messages for the same scheduled run; the job runs once.
    JobRun.objects.all().delete()
    twins = [app.send_task("settlement.run_settlement", queue=queue) for _ in range(2)]
    answers = [twin.get(timeout=30) for twin in twins]
    assert sum("skipped" in answer for answer in answers) == 1
    assert JobRun.objects.filter(job="run_settlement").count() == 1
