"""The monthly assessment evaluator (R-M-*), table-driven at every bracket edge, on the default rule set."""

import datetime as dt
from decimal import Decimal

import pytest

from scoring.rules import AssessmentInputs, evaluate_assessment
from scoring.selectors import rule_book_in_force

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
SALES, JOINT = "sales_channel", "joint_membership"


@pytest.fixture
def book():
    return rule_book_in_force(on=OCT)[1]


def assess(book, **values):
    values.setdefault("month", OCT)
    values.setdefault("cooperation_type", SALES)
    for key in ("revenue", "cash_contribution", "ad_sales"):
        if key in values:
            values[key] = Decimal(str(values[key]))
    return evaluate_assessment(AssessmentInputs(**values), book)


def rules_of(result) -> list[str]:
    return [entry["rule"] for entry in result.items]


@pytest.mark.parametrize(
    ("revenue", "points"),
    [
        ("0", 0), ("99999.99", 0), ("100000", 10), ("100000.01", 10), ("299999.99", 10), ("300000", 20),
        ("999999.99", 20), ("1000000", 30), ("2000000", 40), ("2999999.99", 40), ("3000000", 50),
        ("3000000.01", 50),
    ],
)
def test_r_m_rev_revenue_brackets_edges_10wan_and_300wan(book, revenue, points):
    result = assess(book, revenue=revenue)
    assert result.revenue_score == points
    assert result.items[0]["rule"] == "R-M-REV"
    assert result.items[0]["points"] == points


@pytest.mark.parametrize(
    ("start", "incubation", "revenue_score"),
    [
        (dt.date(2026, 10, 1), True, 50),  # month 1 (the start month counts)
        (dt.date(2026, 10, 31), True, 50),  # started on the month's last day: still month 1
        (dt.date(2026, 5, 1), True, 50),  # month 6: last incubation month
        (dt.date(2026, 5, 31), True, 50),  # month 6 by calendar month, whatever the day
        (dt.date(2026, 4, 30), False, 0),  # month 7: bracket score again (revenue 0 → 0)
        (dt.date(2026, 4, 1), False, 0),
        (None, False, 0),  # no incubation-flagged contract
    ],
)
def test_r_m_incub_months_one_to_six_from_start_month_inclusive(book, start, incubation, revenue_score):
    result = assess(book, revenue="0", incubation_start=start)
    assert result.incubation is incubation
    assert result.revenue_score == revenue_score
    assert result.items[0]["rule"] == ("R-M-INCUB" if incubation else "R-M-REV")


def test_r_m_incub_full_score_whatever_the_revenue(book):
    result = assess(book, revenue="2500000", incubation_start=dt.date(2026, 8, 1))
    assert result.revenue_score == 50
    assert "培育期第 3/6 个月" in result.items[0]["detail"]


@pytest.mark.parametrize(
    ("tickets", "revenue", "ratio", "points"),
    [
        (0, "1000000", "0", 50),
        (100, "1000000", "1", 50),  # ratio exactly 1 → 50 (≤1)
        (101, "1000000", "1.01", 40),
        (200, "1000000", "2", 40),
        (201, "1000000", "2.01", 30),
        (300, "1000000", "3", 30),
        (400, "1000000", "4", 20),
        (401, "1000000", "4.01", 10),
        (500, "1000000", "5", 10),  # ratio exactly 5 → 10 (≤5)
        (501, "1000000", "5.01", 0),
        (1, "10000", "1", 50),  # revenue exactly at the 1万 floor
        (1, "5000", "1", 50),  # below the floor: counted as 10,000 元
        (2, "0", "2", 40),  # no revenue: 10,000 元
        (6, "9999.99", "6", 0),
    ],
)
def test_r_m_health_ratio_edges_and_10000_floor(book, tickets, revenue, ratio, points):
    result = assess(book, revenue=revenue, complaint_count=tickets)
    assert result.health_ratio == Decimal(ratio)
    assert result.health_score == points
    assert result.items[1]["rule"] == "R-M-HEALTH"


def test_r_m_health_detail_shows_the_arithmetic(book):
    result = assess(book, revenue="1000000", complaint_count=233)
    assert result.items[1]["detail"] == "质万比 2.33 (233 件 × 10000 / 1,000,000 元) → 30"
    floor = assess(book, revenue="5000", complaint_count=3)
    assert "低于 10,000 元，按 10,000 元计" in floor.items[1]["detail"]


@pytest.mark.parametrize(
    ("values", "bonus"),
    [
        ({}, 0),
        ({"marketing_resources": True}, 10),
        ({"cash_contribution": "79999.99"}, 0),
        ({"cash_contribution": "80000"}, 5),
        ({"cash_contribution": "250000"}, 10),  # highest tier of the line only, not 5 + 10
        ({"cash_contribution": "2000000"}, 50),
        ({"active_users": 99999}, 0),
        ({"active_users": 100000}, 10),
        ({"active_users": 1000000}, 50),
        ({"marketing_resources": True, "cash_contribution": "400000", "active_users": 200000}, 40),
        ({"marketing_resources": True, "cash_contribution": "1000000", "active_users": 200000}, 50),  # 55 → cap
        ({"cash_contribution": "2000000", "active_users": 1000000}, 50),  # 100 → cap 50
    ],
)
def test_r_m_bonus_highest_tier_per_line_and_cap_50(book, values, bonus):
    result = assess(book, **values)
    assert result.bonus_score == bonus
    bonus_points = sum(e["points"] for e in result.items if e["rule"] in ("R-M-BONUS", "R-M-NODOUBLE"))
    assert bonus_points == bonus


def test_r_m_bonus_cap_is_a_visible_line(book):
    result = assess(book, cash_contribution="2000000", active_users=1000000, marketing_resources=True)
    cap_lines = [e for e in result.items if "超过上限" in e["detail"]]
    assert cap_lines == [{"rule": "R-M-BONUS", "points": -60, "detail": cap_lines[0]["detail"]}]


@pytest.mark.parametrize(
    ("client_promotion", "users", "bonus", "nodouble_points"),
    [
        (True, 200000, 15, -10),  # marketing 10 vs users 15: only the higher (15)
        (True, 100000, 10, -10),  # equal: one of them (10)
        (True, 0, 10, None),  # no user line: marketing counts
        (False, 200000, 25, None),  # marketing without client promotion: both count
    ],
)
def test_r_m_nodouble_marketing_with_client_promotion_vs_active_users(book, client_promotion, users, bonus,
                                                                     nodouble_points):
    result = assess(book, marketing_resources=True, marketing_includes_client_promotion=client_promotion,
                    active_users=users)
    assert result.bonus_score == bonus
    lines = [e["points"] for e in result.items if e["rule"] == "R-M-NODOUBLE"]
    assert lines == ([nodouble_points] if nodouble_points is not None else [])


@pytest.mark.parametrize(
    ("cooperation_type", "cash", "ads", "bonus"),
    [
        (SALES, "0", "80000", 5),  # ad sales alone reach the 8万 tier
        (SALES, "50000", "30000", 5),  # cash + ads = 8万
        (SALES, "50000", "29999.99", 0),
        (JOINT, "0", "80000", 0),  # only a sales channel's ad sales count
        (JOINT, "80000", "500000", 5),
    ],
)
def test_r_m_ads_sales_channel_ad_sales_count_as_cash(book, cooperation_type, cash, ads, bonus):
    result = assess(book, cooperation_type=cooperation_type, cash_contribution=cash, ad_sales=ads)
    assert result.bonus_score == bonus
    cash_line = result.items[3]
    assert ("R-M-ADS" in cash_line["detail"]) is (cooperation_type == SALES and Decimal(ads) > 0)


@pytest.mark.parametrize(
    ("late", "upgraded", "deduction"),
    [(0, 0, 0), (1, 0, 1), (7, 0, 7), (0, 1, 10), (3, 2, 23)],
)
def test_r_m_ded_late_or_quality_minus_1_upgraded_minus_10(book, late, upgraded, deduction):
    result = assess(book, revenue="3000000", late_or_quality_count=late,
                    upgraded_ticket_ids=tuple(f"U{i}" for i in range(upgraded)))
    assert result.deduction_score == deduction
    assert result.total == 100 - deduction
    assert [e["rule"] for e in result.items[-2:]] == ["R-M-DED", "R-M-DED"]


def test_r_m_upgrade_once_named_in_the_deduction_line(book):
    result = assess(book, upgraded_ticket_ids=("U1", "U2"))
    assert "U1、U2" in result.items[-1]["detail"] and "R-M-UPGRADE-ONCE" in result.items[-1]["detail"]


@pytest.mark.parametrize(
    ("values", "total", "clamped"),
    [
        ({"revenue": "3000000"}, 100, False),  # 50 + 50 exactly: no clamp line
        ({"revenue": "3000000", "marketing_resources": True}, 100, True),  # 110 → 100
        ({"revenue": "3000000", "cash_contribution": "2000000"}, 100, True),  # 150 → 100
        ({"complaint_count": 6, "late_or_quality_count": 50}, 0, True),  # 0 + 0 − 50 → 0
        ({"late_or_quality_count": 50}, 0, False),  # 0 + 50 − 50 = 0 exactly
        ({"late_or_quality_count": 51}, 0, True),  # −1 → 0
        ({"upgraded_ticket_ids": ("A", "B", "C", "D", "E", "F")}, 0, True),  # 50 − 60 → 0
    ],
)
def test_r_m_total_clamped_to_0_and_100(book, values, total, clamped):
    result = assess(book, **values)
    assert result.total == total
    clamp_lines = [e for e in result.items if e["rule"] == "R-M-TOTAL"]
    assert bool(clamp_lines) is clamped


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"revenue": "1234567.89", "complaint_count": 333, "marketing_resources": True, "active_users": 650000},
        {"revenue": "3000000", "cash_contribution": "2000000", "marketing_resources": True},
        {"late_or_quality_count": 80, "upgraded_ticket_ids": ("X",)},
        {"incubation_start": dt.date(2026, 9, 1), "marketing_resources": True,
         "marketing_includes_client_promotion": True, "active_users": 800000},
    ],
)
def test_r_m_total_breakdown_points_add_up_to_the_total(book, values):
    result = assess(book, **values)
    assert Decimal(str(sum(e["points"] for e in result.items))) == result.total
    assert result.total == max(0, min(100, result.revenue_score + result.health_score + result.bonus_score
                                      - result.deduction_score))


def test_r_m_ded_without_deductions_reads_zero_not_minus_zero(book):
    result = assess(book, revenue="1000000")
    deductions = [e for e in result.items if e["rule"] == "R-M-DED"]
    assert [e["points"] for e in deductions] == [0, 0]
    assert all("-0" not in e["detail"] for e in deductions), deductions
