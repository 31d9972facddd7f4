"""Pure credit evaluators at every rule edge: R-K-RANGE, R-K-HEALTH, R-K-STRATEGIC (R-K-PRODUCTS), R-K-WEIGHTED,
R-K-COMPOSE and the path to the next grade."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from core.rulebook import RuleParam
from credit.rules import (
    PartnerMonthFacts,
    compose_monthly,
    evaluate_health,
    evaluate_strategic,
    grade_for,
    grade_sanction_codes,
    next_grade_path,
    on_time_percent,
    weighted_score,
)
from scoring.selectors import rule_book_in_force

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
D = Decimal


@pytest.fixture
def book():
    return rule_book_in_force(on=OCT)[1]


def with_values(book, **values):
    """A copy of the rule book with some parameter values replaced."""
    params = dict(book.params)
    for key, value in values.items():
        params[key] = dataclasses.replace(params[key], value=value)
    return dataclasses.replace(book, params=params)


def facts(**kwargs):
    return PartnerMonthFacts(partner_id=1, month=OCT, **kwargs)


# --- R-K-RANGE ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("1000", "A"), ("800", "A"), ("799.99", "B"), ("600", "B"), ("599.99", "C"), ("450", "C"),
        ("449.99", "D"), ("300", "D"), ("299.99", "E"), ("150", "E"), ("149.99", "F"), ("0.01", "F"),
        ("0", "X"), ("-5", "X"),
    ],
)
def test_grade_edges_r_k_range(book, score, grade):
    assert grade_for(D(score), book) == grade


@pytest.mark.parametrize(
    ("grade", "codes"),
    [
        ("A", []),
        ("B", []),
        ("C", ["no_new_codes", "no_new_products", "no_new_cooperation_types"]),
        ("D", ["no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion"]),
        ("E", ["no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion",
               "suspend_settlement"]),
        ("F", ["no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion",
               "suspend_settlement", "suspend_all_sales"]),
        ("X", ["no_new_codes", "no_new_products", "no_new_cooperation_types", "suspend_billing_or_promotion",
               "suspend_settlement", "suspend_all_sales", "terminate"]),
    ],
)
def test_cumulative_sanctions_per_grade_r_k_range(book, grade, codes):
    assert grade_sanction_codes(grade, book) == codes


# --- R-K-HEALTH --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("notifications", "tickets", "late", "points"),
    [
        (0, 0, 0, 100),      # no tickets: on-time rate counts as 100 %
        (1, 0, 0, 75),
        (3, 0, 0, 25),
        (4, 0, 0, 0),        # 4 notifications → 0
        (5, 0, 0, 0),        # floor 0
        (0, 1000, 51, 80),   # 94.9 % < 95 % → −20
        (0, 1000, 50, 100),  # 95.0 % is not below 95 %
        (0, 20, 1, 100),     # exactly 95 %
        (0, 20, 2, 80),      # 90 %
        (2, 1000, 51, 30),
        (3, 1000, 51, 5),
        (4, 1000, 51, 0),
    ],
)
def test_health_r_k_health(book, notifications, tickets, late, points):
    result = evaluate_health(facts(notifications=notifications, tickets=tickets, late_tickets=late), book,
                             {"item": "health", "rule": "R-K-HEALTH"})
    assert result.points == points
    assert result.rule == "R-K-HEALTH"
    assert f"通报 {notifications} 次" in result.detail


def test_on_time_rate_reading_r_k_health():
    assert on_time_percent(0, 0) == 100
    assert on_time_percent(1000, 51) == D("94.9")
    assert on_time_percent(1000, 50) == D("95")


def test_health_numbers_come_from_the_rule_set_r_k_health(book):
    stricter = with_values(book, credit_health_per_notification={"value": 40}, credit_health_ontime_threshold={
        "value": 99})
    result = evaluate_health(facts(notifications=2, tickets=100, late_tickets=2), stricter, {"item": "health"})
    assert result.points == 0  # 100 − 80 − 20
    result = evaluate_health(facts(notifications=1, tickets=100, late_tickets=1), stricter, {"item": "health"})
    assert result.points == 60  # 99 % is not below 99 %


# --- R-K-STRATEGIC / R-K-PRODUCTS ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("rule", "categories", "revenue", "purchases", "ads", "points"),
    [
        ("R-K-STRATEGIC", (), "0", "0", "0", 0),
        ("R-K-STRATEGIC", ("national_media_portal",), "0", "0", "0", 100),
        ("R-K-STRATEGIC", ("provincial_media_portal", "listed_or_central_soe"), "0", "0", "0", 100),
        ("R-K-STRATEGIC", (), "49999.99", "0", "0", 0),
        ("R-K-STRATEGIC", (), "50000", "0", "0", 100),
        ("R-K-PRODUCTS", (), "0", "49999.99", "0", 0),
        ("R-K-PRODUCTS", (), "0", "50000", "0", 100),
        ("R-K-STRATEGIC", (), "0", "0", "50000", 100),
        ("R-K-STRATEGIC", ("listed_or_central_soe",), "50000", "50000", "50000", 100),  # 200 capped at 100
        ("R-K-STRATEGIC", ("no_longer_configured",), "0", "0", "0", 0),
    ],
)
def test_strategic_importance_r_k_strategic(book, rule, categories, revenue, purchases, ads, points):
    result = evaluate_strategic(
        facts(importance_categories=categories, revenue=D(revenue), product_purchases=D(purchases), ads_placed=D(ads)),
        book, {"item": "strategic", "rule": "R-K-STRATEGIC"},
    )
    assert result.points == points, rule
    assert "公司重要性" in result.detail and "经营重要性" in result.detail


@pytest.mark.parametrize(("cap", "points"), [(150, 150), (200, 200), (250, 200), (60, 60)])
def test_strategic_cap_is_rule_set_data_r_k_strategic(book, cap, points):
    capped = with_values(book, credit_strategic_cap={"value": cap})
    result = evaluate_strategic(
        facts(importance_categories=("cmcc_strategic_agreement",), revenue=D("60000")), capped, {"item": "strategic"}
    )
    assert result.points == points


# --- R-K-WEIGHTED ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("monthly_scores", "score", "weights"),
    [
        (["800"], "800", [1.0]),
        (["800", "600"], "725", [0.625, 0.375]),                 # 0.5/0.3 renormalised over 0.8
        (["800", "600", "400"], "660", [0.5, 0.3, 0.2]),
        (["800", None, "400"], "685.71", [0.7143, 0.2857]),      # a missing month drops out
        (["800", "600", "400", "1000"], "660", [0.5, 0.3, 0.2]),  # only as many months as weights
    ],
)
def test_weighting_with_fewer_months_r_k_weighted(book, monthly_scores, score, weights):
    result, months = weighted_score(OCT, [D(s) if s else None for s in monthly_scores], book)
    assert result == D(score)
    assert [m["weight"] for m in months] == weights
    assert months[0]["month"] == "2026-10"


# --- R-K-COMPOSE -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("partner_class", "joint", "flag", "profile", "monthly"),
    [
        ("ordinary", False, False, "ordinary", "850"),  # 100×0.6 + 100×0.25 + 0×0.15, ×10
        ("core", False, False, "core", "800"),          # 100×0.5 + 100×0.3 + 0×0.2, ×10
        ("ordinary", True, False, "ordinary", "850"),
        ("ordinary", True, True, "core", "800"),        # joint members on core weights when configured
    ],
)
def test_weights_per_partner_class_r_k_compose(book, partner_class, joint, flag, profile, monthly):
    configured = with_values(book, credit_core_weights_for_joint_membership={"value": flag})
    result = compose_monthly(facts(partner_class=partner_class, has_joint_membership=joint), configured)
    assert result.profile == profile
    assert result.monthly_score == D(monthly)
    assert [i["item"] for i in result.items] == ["base_standard", "health", "strategic"]
    assert {i["rule"] for i in result.items} == {"R-K-COMPOSE", "R-K-HEALTH", "R-K-STRATEGIC"}
    assert all({"rule", "points", "weight", "detail"} <= set(i) for i in result.items)


def test_base_item_entered_or_assumed_default_r_k_compose(book):
    default = compose_monthly(facts(), book).items[0]
    assert default["points"] == 100 and default["assumed"] and "默认" in default["detail"]
    entered = compose_monthly(facts(manual_scores={"base_standard": D("50")}), book)
    assert entered.items[0]["points"] == 50 and "人工录入" in entered.items[0]["detail"]
    assert entered.monthly_score == D("550")  # 50×0.6 + 100×0.25 + 0×0.15


def test_items_are_whatever_the_rule_set_configures_r_k_compose(book):
    rows = [
        {"item": "health", "name": "健康度", "rule": "R-K-HEALTH", "weight_ordinary": 2, "weight_core": 1},
        {"item": "compliance", "name": "合规项", "rule": "R-K-COMPOSE", "weight_ordinary": 2, "weight_core": 1},
    ]
    configured = with_values(book, credit_items={"columns": book.param("credit_items").value["columns"],
                                                 "rows": rows})
    result = compose_monthly(facts(notifications=2, manual_scores={"compliance": D("90")}), configured)
    assert [i["item"] for i in result.items] == ["health", "compliance"]
    assert [i["weight"] for i in result.items] == [0.5, 0.5]  # weights renormalised to a 1000 maximum
    assert result.monthly_score == D("700")  # (50 + 90) / 2 × 10


def test_weights_summing_to_zero_are_refused_r_k_compose(book):
    rows = [{"item": "health", "rule": "R-K-HEALTH", "weight_ordinary": 0, "weight_core": 0}]
    configured = with_values(book, credit_items={"columns": {}, "rows": rows})
    with pytest.raises(ValueError, match="credit_items"):
        compose_monthly(facts(), configured)


def test_rule_param_values_are_not_mutated(book):
    assert isinstance(book.param("credit_items"), RuleParam)
    assert book.rows("credit_items")[0]["item"] == "base_standard"


# --- path to the next grade (R-K-RANGE thresholds, R-K-WEIGHTED carry-over) ---------------------------------------

def test_path_to_next_grade_r_k_range(book):
    items = compose_monthly(facts(notifications=2, manual_scores={"base_standard": D("60")}), book).items
    # 60×0.6 + 50×0.25 + 0×0.15 = 48.5 → 485 (C)
    path = next_grade_path(score=D("485"), monthly_score=D("485"), month=OCT, items=items,
                           months=[{"month": "2026-10", "monthly_score": 485}], book=book)
    assert (path["grade"], path["next_grade"], path["threshold"], path["points_missing"]) == ("C", "B", 600, 115)
    # next month: (0.5 m + 0.3 × 485) / 0.8 ≥ 600 → m ≥ 669
    assert path["monthly_score_needed"] == 669
    assert path["reachable_next_month"] is True
    gains = {i["item"]: (i["max_gain_monthly_score"], i["max_gain_score"]) for i in path["items"]}
    assert gains == {"base_standard": (240, 150), "health": (125, 78.13), "strategic": (150, 93.75)}
    assert path["next_month_score_if_unchanged"] == 485


@pytest.mark.parametrize(
    ("score", "grade", "next_grade", "missing"),
    [("900", "A", None, 0), ("800", "A", None, 0), ("799.99", "B", "A", 0.01), ("150", "E", "D", 150),
     ("0", "X", "F", 0.01)],
)
def test_path_edges_r_k_range(book, score, grade, next_grade, missing):
    path = next_grade_path(score=D(score), monthly_score=D(score), month=OCT, items=[], months=[], book=book)
    assert (path["grade"], path["next_grade"], path["points_missing"]) == (grade, next_grade, missing)
