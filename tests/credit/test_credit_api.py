"""GET /api/v1/credit-scores/ (CONTRACT.md §3), the path to the next grade, sanctions and what is blocked."""

import datetime as dt
from decimal import Decimal

import pytest

from credit.models import CreditSanction
from credit.services import credit_sanctions_apply_due, credit_scoring_run
from tests.factories import ContractFactory

from .factories import MonthlyCreditScoreFactory

pytestmark = pytest.mark.django_db

SCORES = "/api/v1/credit-scores/"


@pytest.fixture
def scored(partner_a, publish):
    ContractFactory(partner=partner_a, start_date=dt.date(2024, 1, 1))
    credit_scoring_run(month=dt.date(2026, 9, 1))
    credit_scoring_run(month=dt.date(2026, 10, 1))
    september, october = partner_a.credit_scores.order_by("month")
    return publish(september, on=dt.date(2026, 10, 9)), october


def test_partner_sees_only_published_scores_in_the_contract_shape_r_k_range(scored, partner_a_client):
    response = partner_a_client.get(SCORES)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["month"] for row in rows] == ["2026-09"]  # October is still a draft
    row = rows[0]
    assert row["partner"] == "PA" and row["grade"] == "A"
    assert row["score"] == 850 and isinstance(row["score"], (int, float))
    assert row["rule_set_version"] == 1
    assert [(i["rule"], i["points"], i["weight"]) for i in row["items"]] == [
        ("R-K-COMPOSE", 100, 0.6), ("R-K-HEALTH", 100, 0.25), ("R-K-STRATEGIC", 0, 0.15)]
    assert all(i["detail"] for i in row["items"])


def test_staff_see_drafts_and_filter_by_month(scored, staff_client):
    assert staff_client.get(SCORES).json()["count"] == 2
    assert [r["month"] for r in staff_client.get(SCORES, {"month": "2026-10"}).json()["results"]] == ["2026-10"]
    bad = staff_client.get(SCORES, {"month": "2026-13"})
    assert bad.status_code == 400 and "month" in bad.json()


def test_path_to_the_next_grade_r_k_range(partner_a, partner_a_client, publish):
    score = publish(MonthlyCreditScoreFactory(
        partner=partner_a, grade="C", score=Decimal("485"), monthly_score=Decimal("485"),
        items=[{"rule": "R-K-COMPOSE", "item": "base_standard", "name": "基础", "points": 60, "weight": 0.6,
                "detail": "人工录入 60 分"},
               {"rule": "R-K-HEALTH", "item": "health", "name": "健康度", "points": 50, "weight": 0.25,
                "detail": "通报 2 次"},
               {"rule": "R-K-STRATEGIC", "item": "strategic", "name": "战略", "points": 0, "weight": 0.15,
                "detail": "无"}],
        months=[{"month": "2026-10", "monthly_score": 485, "weight": 1.0, "configured_weight": 0.5}],
    ), on=dt.date(2026, 11, 6))
    response = partner_a_client.get(f"{SCORES}{score.pk}/path/")
    assert response.status_code == 200
    path = response.json()
    assert (path["grade"], path["next_grade"], path["threshold"], path["points_missing"]) == ("C", "B", 600, 115)
    assert path["monthly_score_needed"] == 669 and path["reachable_next_month"] is True
    assert {i["item"]: i["max_gain_score"] for i in path["items"]} == {
        "base_standard": 150, "health": 78.13, "strategic": 93.75}
    assert "R-K-RANGE" in path["rules"]


def test_path_of_a_draft_is_hidden_from_the_partner(scored, partner_a_client):
    _, draft = scored
    assert partner_a_client.get(f"{SCORES}{draft.pk}/path/").status_code == 404


def test_sanctions_and_blocked_actions_for_the_partner_r_k_range(partner_a, partner_a_client, publish):
    publish(MonthlyCreditScoreFactory(partner=partner_a, grade="E", score=Decimal("200"),
                                      monthly_score=Decimal("200")), on=dt.date(2026, 9, 30))
    credit_sanctions_apply_due(on=dt.date(2026, 10, 13))

    sanctions = partner_a_client.get("/api/v1/credit-sanctions/", {"month": "2026-10"}).json()["results"]
    assert len(sanctions) == CreditSanction.objects.filter(partner=partner_a).count() == 5
    assert {s["due_on"] for s in sanctions} == {"2026-10-13"}
    assert {s["status"] for s in sanctions} == {"applied", "pending"}

    blocked = partner_a_client.get(f"/api/v1/blocked/{partner_a.code}/", {"date": "2026-10-13"}).json()
    by_action = {b["action"]: b for b in blocked["blocked"]}
    assert {"apply_codes", "new_products", "new_cooperation_types", "settlement"} <= set(by_action)
    assert by_action["settlement"]["rule_ids"] == ["R-K-RANGE"] and by_action["settlement"]["blocked_until"] is None
    assert "promote" in blocked["allowed"]

    before = partner_a_client.get("/api/v1/blocked/", {"date": "2026-10-12"}).json()["results"]
    assert before == [{"partner": "PA", "date": "2026-10-12", "blocked": [], "allowed": before[0]["allowed"]}]
    bad = partner_a_client.get("/api/v1/blocked/", {"date": "13/10/2026"})
    assert bad.status_code == 400 and "date" in bad.json()


def test_staff_blocked_list_shows_partners_with_restrictions(partner_a, partner_b, staff_client, publish):
    publish(MonthlyCreditScoreFactory(partner=partner_a, grade="C", score=Decimal("500"),
                                      monthly_score=Decimal("500")), on=dt.date(2026, 9, 30))
    credit_sanctions_apply_due(on=dt.date(2026, 10, 13))
    rows = staff_client.get("/api/v1/blocked/", {"date": "2026-10-14"}).json()["results"]
    assert [r["partner"] for r in rows] == ["PA"]
    assert staff_client.get("/api/v1/blocked/", {"partner": "PB"}).json()["results"][0]["blocked"] == []


def test_scores_are_approved_over_the_api_by_the_division_leader_r_k_range(partner_a, staff_client, division_leader,
                                                                            partner_a_client):
    from rest_framework.test import APIClient

    score = MonthlyCreditScoreFactory(partner=partner_a, grade="C", score=Decimal("500"),
                                      monthly_score=Decimal("500"))
    assert partner_a_client.post(f"{SCORES}{score.pk}/submit/").status_code == 403
    assert staff_client.post(f"{SCORES}{score.pk}/submit/", {"note": "10月信用积分"}).json()["status"] == "submitted"
    assert staff_client.post(f"{SCORES}{score.pk}/approve/").status_code == 403  # operations staff lack the role

    leader = APIClient()
    leader.force_authenticate(division_leader)
    response = leader.post(f"{SCORES}{score.pk}/approve/", {"note": "同意"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert CreditSanction.objects.filter(credit_score=score).count() == 3
    assert partner_a_client.get(SCORES).json()["count"] == 1
