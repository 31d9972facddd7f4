"""The admin home is the dashboard: each role sees it with figures linking to their lists on demo data, with a
bounded number of queries (aggregated in the database). Server times are printed, never asserted: they are
measured on an idle machine (docs/workspace.md)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.selectors import approval_inbox
from demo.services import demo_load

pytestmark = pytest.mark.django_db

PAGES = ["admin:index", "approval-inbox", "admin:scoring_monthlyassessment_changelist",
         "admin:scoring_penaltyproposal_changelist", "admin:settlement_settlementstatement_changelist",
         "admin:credit_monthlycreditscore_changelist"]


def test_each_demo_login_sees_the_dashboard_and_its_pages_quickly(client, capsys):
    demo_load(partner_count=24, months=2)
    for username in ["demo_ops", "demo_head", "demo_leader"]:
        _pages_of(client, username, capsys)
    leader = get_user_model().objects.get(username="demo_leader")
    client.force_login(leader)
    html = client.get(reverse("admin:index")).content.decode()
    total = sum(group.count for group in approval_inbox(user=leader))
    assert 'data-figure="inbox"' in html and f">{total}</div>" in html


def _pages_of(client, username, capsys):
    client.force_login(get_user_model().objects.get(username=username))
    timings = []
    for name in PAGES:
        client.get(reverse(name))  # warm caches (rule book, content types)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(reverse(name))
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, name
        # bounded, not per row: the inbox reads each approvable kind (a few queries a kind, 16 kinds), the lists a page
        assert len(queries) < 70, (name, len(queries))
        timings.append((name, round(elapsed), len(queries)))
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="dashboard"' in html and "通报热力图" in html and "unfold/js/chart/chart.js" in html
    assert reverse("approval-inbox") in html and "?overdue=yes" in html
    with capsys.disabled():
        print(f"\n{username}: " + ", ".join(f"{n} {ms} ms/{q} q" for n, ms, q in timings))


def test_the_last_job_runs_show_the_jobs_registered_labels(client, staff_user):
    from core.models import JobRun

    JobRun.objects.create(job="run_daily_notifications", key="2026-10-08")
    JobRun.objects.create(job="retired_job", key="2026-10")
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<td>每日投诉通报</td>" in html and "run_daily_notifications" not in html
    assert "<td>retired_job</td>" in html


def test_without_data_the_charts_say_so_instead_of_drawing_a_bare_axis(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert html.count("暂无数据") == 3 and "<canvas" not in html


def test_the_darkest_heat_map_cells_have_white_numbers(client, staff_user):
    import datetime as dt

    from tests.factories import PartnerFactory
    from tests.scoring.factories import make_notification

    partner = PartnerFactory(code="H")
    make_notification(partner, day=dt.date(2026, 10, 1), notifications=1)
    make_notification(partner, day=dt.date(2026, 10, 2), notifications=4)
    client.force_login(staff_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'rgba(220,38,38,1.0); color: #fff" title="2日 4"' in html
    assert 'rgba(220,38,38,0.25)" title="1日 1"' in html
