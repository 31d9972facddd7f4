"""R-N-QUAL [beyond the seed]: a daily job flags documents expiring within 30/60/90 days (rule-set bands)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import JobRun
from newspaper.models import QualificationDocument
from newspaper.services import documents_expiry_check
from newspaper.tasks import documents_expiry_check_task
from scoring.models import RuleEntry
from tests.factories import PartnerFactory

from .factories import document

pytestmark = pytest.mark.django_db
D = dt.date(2026, 3, 2)


@pytest.mark.parametrize(("days_left", "band"), [
    (-1, None), (0, 30), (30, 30), (31, 60), (60, 60), (61, 90), (90, 90), (91, None),
])
def test_r_n_qual_expiry_bands_30_60_90(days_left, band):
    partner = PartnerFactory(code="EX")
    doc = document(partner, valid_from=dt.date(2025, 1, 1), valid_to=D + dt.timedelta(days=days_left))
    documents_expiry_check(on=D)
    doc.refresh_from_db()
    assert doc.expiry_warning_days == band and doc.expiry_checked_on == D


def test_r_n_qual_expiry_bands_are_rule_set_data_and_the_job_runs_twice_the_same():
    RuleEntry.objects.filter(key="newspaper_document_expiry_warning_days").update(value={"items": [15, 45]})
    partner = PartnerFactory(code="EX")
    document(partner, number="A", valid_to=D + dt.timedelta(days=20))
    first = documents_expiry_check(on=D)
    assert documents_expiry_check(on=D) == first == {"checked": 1, "flagged": 1, "expired": 0}
    assert QualificationDocument.objects.get(number="A").expiry_warning_days == 45


def test_expiry_command_and_task_record_a_job_run():
    document(PartnerFactory(code="EX"), valid_to=D + dt.timedelta(days=10))
    call_command("run_newspaper_document_expiry", "--date", "2026-03-02", verbosity=0)
    assert documents_expiry_check_task.delay(date="2026-03-02").get() == {"checked": 1, "flagged": 1, "expired": 0}
    runs = JobRun.objects.filter(job="newspaper_documents_expiry_check", key="2026-03-02", status="succeeded")
    assert runs.count() == 2 and runs.first().total == runs.first().done == 1


def test_expiry_beat_run_is_claimed_once_per_day():
    document(PartnerFactory(code="EX"), valid_to=timezone.localdate() + dt.timedelta(days=10))
    assert documents_expiry_check_task.apply(task_id="beat-1").get()["flagged"] == 1
    assert "skipped" in documents_expiry_check_task.apply(task_id="beat-2").get()  # a second beat's message
    assert JobRun.objects.filter(job="newspaper_documents_expiry_check").count() == 1
    assert PeriodicTask.objects.get(task="newspaper.documents_expiry_check").crontab.hour == "6"


def test_expiry_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--date"):
        call_command("run_newspaper_document_expiry", "--date", "2026-02-30", verbosity=0)


def test_the_newspaper_jobs_are_on_the_admin_start_page(client, staff_user):
    client.force_login(staff_user)
    text = client.get(reverse("admin:core_jobrun_start")).content.decode()
    assert "手机报资质证照到期检查" in text and "手机报年度运营分" in text


def test_r_n_qual_documents_expiring_counts_by_band_for_the_dashboard():
    from newspaper.selectors import documents_expiring

    partner = PartnerFactory(code="EX")
    for number, days_left in [("A", 0), ("B", 30), ("C", 31), ("D", 90), ("E", 91), ("F", -1)]:
        document(partner, number=number, valid_from=dt.date(2024, 1, 1), valid_to=D + dt.timedelta(days=days_left))
    assert documents_expiring(on=D, within_days=90) == {"expired": 0, "bands": {30: 2, 60: 1, 90: 1}, "total": 4}
    assert documents_expiring(on=D, within_days=45) == {"expired": 0, "bands": {30: 2, 45: 1}, "total": 3}
    other = PartnerFactory(code="EY")
    document(other, number="G", valid_from=dt.date(2024, 1, 1), valid_to=D - dt.timedelta(days=1))
    assert documents_expiring(on=D, within_days=30)["expired"] == 1  # EX's F was renewed (A..E valid), EY's not
