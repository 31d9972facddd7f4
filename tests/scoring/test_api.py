"""The scoring endpoints (CONTRACT.md §3): shapes, filters, publication to partners, staff approval actions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.choices import ApprovalStatus, ApproverRole
from scoring.models import MonthlyAssessment
from scoring.services import daily_notifications_run, monthly_assessment_run
from tests.factories import ContractFactory
from tests.scoring.factories import JOINT, SALES, make_assessment, make_proposal, make_tickets, set_revenue

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def leader_client(division_leader):
    return client_for(division_leader)


def test_notifications_and_warnings_shapes_and_filters(staff_client, partner_a, partner_b):
    make_tickets(partner_a, OCT.replace(day=5), 65)
    make_tickets(partner_b, OCT.replace(day=5), 25, cooperation_type=JOINT)
    make_tickets(partner_a, OCT.replace(day=6), 35)
    for day in (5, 6):
        daily_notifications_run(day=OCT.replace(day=day))

    rows = staff_client.get(reverse("notification-list"), {"partner": "PA", "month": "2026-10"}).json()["results"]
    assert [(r["date"], r["complaint_count"], r["notifications"]) for r in rows] == [
        ("2026-10-06", 35, 2), ("2026-10-05", 65, 5)]
    assert set(rows[0]) >= {"partner", "cooperation_type", "date", "complaint_count", "notifications", "items"}
    assert rows[0]["partner"] == "PA" and rows[0]["items"][0]["rule"] == "R-D-NOTIFY"
    assert staff_client.get(reverse("notification-list"), {"date": "2026-10-05"}).json()["count"] == 2
    assert staff_client.get(reverse("notification-list"), {"cooperation_type": JOINT}).json()["count"] == 1
    assert staff_client.get(reverse("notification-list"), {"month": "2026-11"}).json()["count"] == 0
    assert staff_client.get(reverse("notification-list"), {"month": "2026-13"}).status_code == 400

    warnings = staff_client.get(reverse("warning-list"), {"month": "2026-10", "partner": "PA"}).json()["results"]
    assert warnings == [{
        "id": warnings[0]["id"], "partner": "PA", "cooperation_type": SALES,
        "cooperation_type_display": "数字产品销售渠道", "month": "2026-10", "notification_count": 7, "level": 1,
        "level_display": "一级预警",
        "level_reached_on": {"1": "2026-10-05"}, "rule_set_version": 1,
        "items": warnings[0]["items"],
    }]


def test_assessment_shape_scores_as_numbers_money_as_strings(staff_client, partner_a):
    ContractFactory(partner=partner_a)
    set_revenue(partner_a, OCT, "1000000")
    make_tickets(partner_a, OCT.replace(day=9), 233)
    monthly_assessment_run(month=OCT)
    [row] = staff_client.get(reverse("assessment-list"), {"month": "2026-10"}).json()["results"]
    assert {k: row[k] for k in ("partner", "cooperation_type", "month", "total", "revenue_score", "health_score",
                                "bonus_score", "deduction_score", "status", "rule_set_version", "revenue")} == {
        "partner": "PA", "cooperation_type": SALES, "month": "2026-10", "total": 60.0, "revenue_score": 30.0,
        "health_score": 30.0, "bonus_score": 0.0, "deduction_score": 0.0, "status": "draft", "rule_set_version": 1,
        "revenue": "1000000.00",
    }
    assert {"rule": "R-M-HEALTH", "points": 30.0, "detail": "质万比 2.33 (233 件 × 10000 / 1,000,000 元) → 30"} in (
        row["items"]
    )


@pytest.mark.parametrize("basename", ["assessment", "penalty-proposal"])
def test_partners_see_only_approved_results(basename, partner_a, partner_a_client):
    make = make_assessment if basename == "assessment" else make_proposal
    draft = make(partner_a, month=dt.date(2026, 9, 1))
    submitted = make(partner_a, month=dt.date(2026, 8, 1), status=ApprovalStatus.SUBMITTED)
    approved = make(partner_a, status=ApprovalStatus.APPROVED)
    rows = partner_a_client.get(reverse(f"{basename}-list")).json()["results"]
    assert [r["id"] for r in rows] == [approved.pk]
    for hidden in (draft, submitted):
        assert partner_a_client.get(reverse(f"{basename}-detail", args=[hidden.pk])).status_code == 404


@pytest.mark.parametrize("basename", ["assessment", "penalty-proposal"])
def test_partner_users_cannot_post_approval_actions(basename, partner_a, partner_a_client):
    make = make_assessment if basename == "assessment" else make_proposal
    row = make(partner_a, status=ApprovalStatus.APPROVED)
    response = partner_a_client.post(reverse(f"{basename}-submit", args=[row.pk]), {}, format="json")
    assert response.status_code == 403


def test_staff_submit_leader_approve_through_the_api(staff_client, leader_client, partner_a):
    assessment = make_assessment(partner_a)
    response = staff_client.post(reverse("assessment-submit", args=[assessment.pk]), {"note": "请审批"},
                                 format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert staff_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json"
                             ).status_code == 403  # operations staff are not the division leader (R-M-APPROVAL)
    response = leader_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = leader_client.post(reverse("assessment-approve", args=[assessment.pk]), {}, format="json")
    assert response.status_code == 400 and "已审批发布" in str(response.json())


def test_return_needs_a_reason_and_self_approval_is_refused(staff_client, leader_client, division_leader,
                                                             partner_a):
    proposal = make_proposal(partner_a, level=2)
    assert leader_client.post(reverse("penalty-proposal-submit", args=[proposal.pk]), {}, format="json"
                              ).status_code == 403  # submitting is the operations staff's (CONTRACT §4)
    division_leader.groups.add(Group.objects.get(name=ApproverRole.OPERATIONS))  # one login, both roles
    assert leader_client.post(reverse("penalty-proposal-submit", args=[proposal.pk]), {}, format="json"
                              ).status_code == 200
    response = leader_client.post(reverse("penalty-proposal-approve", args=[proposal.pk]), {}, format="json")
    assert response.status_code == 403  # the leader submitted it: no self-approval
    response = leader_client.post(reverse("penalty-proposal-return", args=[proposal.pk]), {}, format="json")
    assert response.status_code == 400
    response = leader_client.post(reverse("penalty-proposal-return", args=[proposal.pk]), {"reason": "数据有误"},
                                  format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_approved_proposal_lists_its_suspensions(staff_client, leader_client, partner_a, partner_a_client):
    proposal = make_proposal(partner_a, level=1)
    staff_client.post(reverse("penalty-proposal-submit", args=[proposal.pk]), {}, format="json")
    leader_client.post(reverse("penalty-proposal-approve", args=[proposal.pk]), {}, format="json")
    [row] = partner_a_client.get(reverse("penalty-proposal-list"), {"month": "2026-10"}).json()["results"]
    assert row["status"] == "approved" and row["payout_percent"] == 75.0 and row["superseded"] is False
    assert sorted(s["action"] for s in row["suspensions"]) == ["apply_codes", "promote"]
    assert {s["rule_id"] for s in row["suspensions"]} == {"R-D-WARN"}


def test_assessment_filters(staff_client, partner_a, partner_b):
    make_assessment(partner_a, total=Decimal("55"))
    make_assessment(partner_b, total=Decimal("95"), cooperation_type=JOINT, status=ApprovalStatus.APPROVED)
    url = reverse("assessment-list")
    assert staff_client.get(url, {"min_total": 90}).json()["count"] == 1
    assert staff_client.get(url, {"status": "approved"}).json()["results"][0]["partner"] == "PB"
    assert staff_client.get(url, {"cooperation_type": SALES, "partner": "PA"}).json()["count"] == 1
    assert staff_client.get(url, {"month": "2026-09"}).json()["count"] == 0
    assert MonthlyAssessment.objects.count() == 2
