import datetime as dt

import pytest
from django.core.management import call_command

from partners.choices import PartnerClass
from partners.demo import demo_seed
from partners.models import ComplaintTicket, Contract, MonthlyRevenue, Partner

pytestmark = pytest.mark.django_db


def test_demo_seed_is_believable_and_idempotent():
    first = demo_seed(partner_count=20, months=2, today=dt.date(2026, 11, 23))
    second = demo_seed(partner_count=20, months=2, today=dt.date(2026, 11, 23))
    assert first == second
    assert Partner.objects.filter(partner_class=PartnerClass.CORE).exists()
    assert Partner.objects.filter(partner_class=PartnerClass.ORDINARY).exists()
    assert Contract.objects.filter(incubation=True).exists()
    assert MonthlyRevenue.objects.filter(month=dt.date(2026, 9, 1)).exists()
    assert not MonthlyRevenue.objects.filter(month=dt.date(2026, 11, 1)).exists()
    # at least one burst day reaches the notification threshold of 25 tickets
    from django.db.models import Count

    busiest = (
        ComplaintTicket.objects.values("partner", "cooperation_type", "received_on")
        .annotate(n=Count("id")).order_by("-n").first()
    )
    assert busiest["n"] >= 25


def test_seed_demo_command_prints_counts(capsys):
    call_command("seed_demo", partners=5, months=1, data_only=True)
    assert "partners 5" in capsys.readouterr().out
