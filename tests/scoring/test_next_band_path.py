"""The partner's path to the next bracket of the monthly assessment (R-M-*) and to the next warning level
(R-D-WARN, R-D-NOTIFY): table-driven at the edges RULES.md sets, on the default rule set, plus the endpoints."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.approval import approval_approve, approval_submit
from scoring.models import MonthlyAssessment
from scoring.rules import (
    AssessmentInputs,
    assessment_next_bracket_path,
    daily_next_notification_path,
    warning_next_level_path,
)
from scoring.selectors import assessment_path, rule_book_in_force
from scoring.services import daily_notifications_run, monthly_assessment_run
from tests.factories import PartnerFactory
from tests.scoring.factories import (
    JOINT,
    SALES,
    make_assessment,
    make_tickets,
    make_warning,
    set_contribution,
    set_revenue,
)

pytestmark = pytest.mark.django_db

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def book():
    return rule_book_in_force(on=OCT)[1]


def path_of(book, **values):
    values.setdefault("month", OCT)
    values.setdefault("cooperation_type", SALES)
    for key in ("revenue", "cash_contribution", "ad_sales"):
        if key in values:
            values[key] = Decimal(str(values[key]))
    return assessment_next_bracket_path(inputs=AssessmentInputs(**values), book=book)


def item(path, key):
    (entry,) = [entry for entry in path["items"] if entry["item"] == key]
    return entry


# --- R-M-REV ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue", "points", "next_points", "target", "change"),
    [
        ("0", 0, 10, "100000.00", "100000.00"),
        ("99999.99", 0, 10, "100000.00", "0.01"),  # just below 10万: one cent to the next bracket
        ("100000", 10, 20, "300000.00", "200000.00"),  # at the bracket: the next one is 30万
        ("999999.99", 20, 30, "1000000.00", "0.01"),
        ("2999999.99", 40, 50, "3000000.00", "0.01"),
    ],
)
def test_r_m_rev_revenue_to_reach_the_next_bracket(book, revenue, points, next_points, target, change):
    entry = item(path_of(book, revenue=revenue), "revenue")
    assert (entry["rule"], entry["rule_set_version"], entry["status"]) == ("R-M-REV", 1, "next")
    assert (entry["points"], entry["next_points"], entry["points_gain"]) == (points, next_points, next_points - points)
    assert entry["targets"] == [{"input": "revenue", "comparison": "≥", "current": f"{Decimal(revenue):.2f}",
                                 "target": target, "change": change}]
    assert f"须达到 ≥ {Decimal(target) / 10000:,.2f} 万元" in entry["detail"]


@pytest.mark.parametrize("revenue", ["3000000", "3000000.01", "90000000"])
def test_r_m_rev_at_300wan_is_the_top_bracket(book, revenue):
    entry = item(path_of(book, revenue=revenue, complaint_count=1), "revenue")
    assert (entry["status"], entry["points"], entry["next_points"], entry["points_gain"]) == ("top", 50, None, 0)
    assert entry["targets"] == [] and "已在最高档" in entry["detail"]


def test_r_m_incub_revenue_score_is_full_marks_nothing_to_lift(book):
    entry = item(path_of(book, revenue="0", incubation_start=dt.date(2026, 8, 1)), "revenue")
    assert (entry["rule"], entry["status"], entry["points"], entry["next_points"]) == ("R-M-INCUB", "incubation",
                                                                                     50, None)


def test_r_m_rev_total_gain_includes_the_health_ratio_falling_with_more_revenue(book):
    # 10 tickets on 9.99万: ratio 1.001 → health 40; at 10万 the ratio is 1 → health 50 as well
    path = path_of(book, revenue="99900", complaint_count=10)
    entry = item(path, "revenue")
    assert (entry["points_gain"], entry["total_gain"]) == (10, 20)


# --- R-M-HEALTH (closed right: a ratio equal to a threshold stays in the better bracket) --------------------------


@pytest.mark.parametrize(
    ("revenue", "tickets", "points", "next_points", "max_tickets", "revenue_needed"),
    [
        ("100000", 11, 40, 50, "10", "110000.00"),  # ratio 1.1, just above 1
        ("100000", 20, 40, 50, "10", "200000.00"),  # ratio 2: at the (1,2] bracket's edge
        ("100000", 21, 30, 40, "20", "105000.00"),  # ratio 2.1
        ("100000", 51, 0, 10, "50", "102000.00"),  # ratio 5.1: the worst bracket
        ("5000", 2, 40, 50, "1", "20000.00"),  # revenue below 1万 counts as 1万
    ],
)
def test_r_m_health_tickets_or_revenue_to_reach_the_next_bracket(book, revenue, tickets, points, next_points,
                                                                 max_tickets, revenue_needed):
    entry = item(path_of(book, revenue=revenue, complaint_count=tickets), "health")
    assert (entry["rule"], entry["status"]) == ("R-M-HEALTH", "next")
    assert (entry["points"], entry["next_points"], entry["points_gain"]) == (points, next_points, 10)
    by_input = {t["input"]: t for t in entry["targets"]}
    assert by_input["complaint_count"]["comparison"] == "≤"
    assert by_input["complaint_count"]["target"] == max_tickets
    assert by_input["complaint_count"]["change"] == str(int(max_tickets) - tickets)
    assert (by_input["revenue"]["comparison"], by_input["revenue"]["target"]) == ("≥", revenue_needed)
    # the targets really reach the next bracket, and one ticket more / one cent less does not
    health = path_of(book, revenue=revenue, complaint_count=int(max_tickets))
    assert item(health, "health")["points"] == next_points
    assert item(path_of(book, revenue=revenue_needed, complaint_count=tickets), "health")["points"] == next_points
    below = Decimal(revenue_needed) - Decimal("0.01")
    assert item(path_of(book, revenue=below, complaint_count=tickets), "health")["points"] == points


@pytest.mark.parametrize(("revenue", "tickets"), [("100000", 10), ("100000", 0), ("0", 1)])
def test_r_m_health_ratio_at_most_1_is_the_top_bracket(book, revenue, tickets):
    entry = item(path_of(book, revenue=revenue, complaint_count=tickets), "health")
    assert (entry["status"], entry["points"], entry["next_points"]) == ("top", 50, None)


# --- R-M-BONUS, R-M-ADS, R-M-NODOUBLE ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cash", "points", "next_points", "target", "change"),
    [
        ("0", 0, 5, "80000.00", "80000.00"),
        ("79999.99", 0, 5, "80000.00", "0.01"),
        ("80000", 5, 10, "200000.00", "120000.00"),
        ("999999.99", 20, 30, "1000000.00", "0.01"),
        ("1999999.99", 30, 50, "2000000.00", "0.01"),
    ],
)
def test_r_m_bonus_cash_revenue_to_the_next_tier(book, cash, points, next_points, target, change):
    entry = item(path_of(book, cash_contribution=cash), "bonus_cash")
    assert (entry["rule"], entry["status"], entry["points"], entry["next_points"]) == ("R-M-BONUS", "next", points,
                                                                                       next_points)
    assert (entry["targets"][0]["target"], entry["targets"][0]["change"]) == (target, change)
    assert entry["total_gain"] == next_points - points


def test_r_m_bonus_cash_at_200wan_is_the_top_tier(book):
    entry = item(path_of(book, cash_contribution="2000000"), "bonus_cash")
    assert (entry["status"], entry["points"], entry["next_points"]) == ("top", 50, None)


@pytest.mark.parametrize(("cooperation_type", "change"), [(SALES, "0.01"), (JOINT, "50000.01")])
def test_r_m_ads_a_sales_channels_ad_sales_count_towards_the_cash_tier(book, cooperation_type, change):
    entry = item(path_of(book, cooperation_type=cooperation_type, cash_contribution="29999.99", ad_sales="50000"),
                 "bonus_cash")
    assert entry["targets"][0]["change"] == change


@pytest.mark.parametrize(
    ("users", "points", "next_points", "target"),
    [(0, 0, 10, "100000"), (99999, 0, 10, "100000"), (100000, 10, 15, "200000"), (999999, 40, 50, "1000000")],
)
def test_r_m_bonus_active_users_to_the_next_tier(book, users, points, next_points, target):
    entry = item(path_of(book, active_users=users), "bonus_active_users")
    assert (entry["status"], entry["points"], entry["next_points"], entry["targets"][0]["target"]) == (
        "next", points, next_points, target)
    assert entry["targets"][0]["change"] == str(int(target) - users)


def test_r_m_bonus_active_users_at_100wan_is_the_top_tier(book):
    assert item(path_of(book, active_users=1000000), "bonus_active_users")["status"] == "top"


def test_r_m_bonus_marketing_resources_one_tier(book):
    missing = item(path_of(book), "bonus_marketing")
    assert (missing["status"], missing["points"], missing["next_points"], missing["total_gain"]) == ("next", 0, 10, 10)
    assert missing["targets"][0]["input"] == "marketing_resources"
    assert item(path_of(book, marketing_resources=True), "bonus_marketing")["status"] == "top"


def test_r_m_bonus_cap_a_tier_adds_nothing_to_the_total_once_the_bonus_is_50(book):
    path = path_of(book, cash_contribution="2000000")  # cash line alone already 50 = the cap
    entry = item(path, "bonus_marketing")
    assert (entry["points_gain"], entry["total_gain"]) == (10, 0)
    assert "综合贡献加分上限 50 分（R-M-BONUS）" in entry["detail"]


def test_r_m_nodouble_users_tier_adds_nothing_when_only_the_higher_counts(book):
    path = path_of(book, marketing_resources=True, marketing_includes_client_promotion=True, active_users=99999)
    entry = item(path, "bonus_active_users")
    assert (entry["points_gain"], entry["total_gain"]) == (10, 0)
    assert "R-M-NODOUBLE" in entry["detail"]


def test_r_m_total_clamp_a_tier_above_100_adds_nothing(book):
    path = path_of(book, revenue="3000000", cash_contribution="1999999.99")  # 50 + 50 + 30 → clamped to 100
    entry = item(path, "bonus_cash")
    assert (entry["points_gain"], entry["total_gain"]) == (20, 0)
    assert "R-M-TOTAL" in entry["detail"]
    assert (path["total"], path["points_to_max"]) == (100, 0)


# --- R-M-DED ------------------------------------------------------------------------------------------------------


def test_r_m_ded_incurred_deductions_cannot_be_lifted_by_the_partner(book):
    path = path_of(book, late_or_quality_count=3, upgraded_ticket_ids=("T1",))
    late, upgraded = item(path, "deduction_late_or_quality"), item(path, "deduction_upgraded")
    assert (late["rule"], late["status"], late["points"], late["next_points"], late["total_gain"]) == (
        "R-M-DED", "incurred", -3, None, 0)
    assert (upgraded["status"], upgraded["points"]) == ("incurred", -10)
    assert "合作方不能挽回" in late["detail"]
    clean = path_of(book)
    assert {item(clean, k)["status"] for k in ("deduction_late_or_quality", "deduction_upgraded")} == {
        "no_deduction"}


# --- R-M-TOTAL: no bands on the monthly total ---------------------------------------------------------------------


def test_r_m_total_has_no_next_band_and_all_lifts_together(book):
    path = path_of(book, revenue="99999.99", complaint_count=11)  # revenue 0 → 10, health 0 (ratio 1.1) → …
    assert path["next_band"] is None and path["band_rule"] == "R-M-TOTAL"
    assert "未设分档" in path["band_detail"]
    # all lifted together: revenue 10万 → 10, 10 tickets (ratio 1 at 10万) → 50, marketing 10, cash 5, users 10
    assert path["total_if_all_lifted"] == 10 + 50 + 10 + 5 + 10
    assert path["rule_set_version"] == 1
    assert set(path["rules"]) >= {"R-M-REV", "R-M-HEALTH", "R-M-BONUS", "R-M-DED", "R-M-TOTAL"}


def test_thresholds_come_from_the_assessments_rule_set(rule_set_v2):
    rule_set_v2(NOV, revenue_score_brackets={"thresholds": [50000], "points": [0, 50], "closed": "left"})
    partner = PartnerFactory(code="M1")
    for month in (OCT, NOV):
        set_revenue(partner, month, 40000)
        set_contribution(partner, month, cash_contribution=Decimal("70000"), active_users=150000)
        make_tickets(partner, month.replace(day=9), 3)
        monthly_assessment_run(month=month)
    october, november = (MonthlyAssessment.objects.get(partner=partner, month=m) for m in (OCT, NOV))
    oct_path, nov_path = assessment_path(assessment=october), assessment_path(assessment=november)
    assert oct_path["matches_assessment"] and nov_path["matches_assessment"]
    assert item(oct_path, "revenue")["targets"][0]["target"] == "100000.00"
    assert item(oct_path, "revenue")["rule_set_version"] == 1
    assert item(nov_path, "revenue")["targets"][0]["target"] == "50000.00"
    assert (item(nov_path, "revenue")["rule_set_version"], item(nov_path, "revenue")["next_points"]) == (2, 50)
    # the bonus lines read the month's contributions: 7万 cash → 8万, 15万 users → 20万
    assert item(oct_path, "bonus_cash")["targets"][0]["change"] == "10000.00"
    assert item(oct_path, "bonus_active_users")["targets"][0]["change"] == "50000"
    assert oct_path["total"] == float(october.total)


# --- R-D-WARN / R-D-NOTIFY ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "level", "next_level", "to_next", "payout"),
    [(0, 0, 1, 5, 75), (4, 0, 1, 1, 75), (5, 1, 2, 5, 50), (9, 1, 2, 1, 50), (10, 2, 3, 5, 25), (19, 3, 4, 1, 0)],
)
def test_r_d_warn_notifications_left_before_the_next_level(book, count, level, next_level, to_next, payout):
    path = warning_next_level_path(notification_count=count, book=book)
    assert (path["rule"], path["rule_set_version"], path["status"]) == ("R-D-WARN", 1, "next")
    assert (path["level"], path["next_level"], path["notifications_to_next_level"]) == (level, next_level, to_next)
    assert path["notifications_left_before_next_level"] == to_next - 1
    assert path["next_level_at"] == count + to_next
    assert path["next_level_payout_percent"] == payout
    assert f"再通报 {to_next} 次" in path["detail"] and f"{next_level} 级预警" in path["detail"]


def test_r_d_warn_level_penalties_of_the_next_level(book):
    path = warning_next_level_path(notification_count=9, book=book)
    assert [(m["action"], m["duration"], m["duration_text"]) for m in path["next_level_measures"]] == [
        ("promote", {"value": 1, "unit": "months"}, "1个月"),
        ("apply_codes", {"value": 2, "unit": "months"}, "2个月"),
    ]
    assert "暂停推广 1个月、暂停新代码申请 2个月，当月结算按 50% 支付" in path["detail"]


@pytest.mark.parametrize("count", [20, 31])
def test_r_d_warn_level_4_is_the_top(book, count):
    path = warning_next_level_path(notification_count=count, book=book)
    assert (path["status"], path["level"], path["next_level"], path["notifications_to_next_level"]) == (
        "top", 4, None, None)
    assert path["next_level_measures"] == [] and "已达最高预警级别 4 级" in path["detail"]


@pytest.mark.parametrize(
    ("count", "notifications", "next_at"),
    [(0, 0, 25), (24, 0, 25), (25, 1, 35), (34, 1, 35), (35, 2, 45), (45, 3, 55)],
)
def test_r_d_notify_complaints_left_before_the_next_notification(book, count, notifications, next_at):
    path = daily_next_notification_path(complaint_count=count, book=book)
    assert (path["rule"], path["notifications"], path["next_notification_at"]) == ("R-D-NOTIFY", notifications,
                                                                                   next_at)
    assert path["complaints_to_next_notification"] == next_at - count
    assert path["complaints_left_before_next_notification"] == next_at - count - 1


# --- The endpoints ------------------------------------------------------------------------------------------------


def _approve(assessment, staff_user, division_leader):
    approval_submit(obj=assessment, actor=staff_user)
    approval_approve(obj=assessment, actor=division_leader)


def test_assessment_path_endpoint_scoped_like_the_assessment(partner_a, partner_b, partner_a_client, staff_client,
                                                            staff_user, division_leader):
    set_revenue(partner_a, OCT, "99999.99")
    set_revenue(partner_b, OCT, "250000")
    monthly_assessment_run(month=OCT)
    own = MonthlyAssessment.objects.get(partner=partner_a)
    other = MonthlyAssessment.objects.get(partner=partner_b)
    url = reverse("assessment-path", args=[own.pk])
    assert partner_a_client.get(url).status_code == 404  # a draft is not published to the partner
    assert staff_client.get(url).status_code == 200
    _approve(own, staff_user, division_leader)
    _approve(other, staff_user, division_leader)
    body = partner_a_client.get(url).json()
    assert (body["partner"], body["month"], body["matches_assessment"]) == ("PA", "2026-10", True)
    revenue = [e for e in body["items"] if e["item"] == "revenue"][0]
    assert (revenue["item_display"], revenue["status_display"], revenue["points_gain"]) == ("收入规模", "距下一档", 10)
    assert revenue["targets"][0] == {"input": "revenue", "input_display": "信息费收入（元）", "comparison": "≥",
                                     "current": "99999.99", "target": "100000.00", "change": "0.01"}
    assert body["cooperation_type_display"] == "数字产品销售渠道"
    assert partner_a_client.get(reverse("assessment-path", args=[other.pk])).status_code == 404
    english = partner_a_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    revenue_en = [e for e in english["items"] if e["item"] == "revenue"][0]
    assert (revenue_en["item_display"], revenue_en["status_display"]) == ("Revenue scale", "To the next bracket")


def test_assessment_path_of_a_hand_made_row_says_it_does_not_match(staff_client, partner_a):
    assessment = make_assessment(partner_a, total=Decimal("80"))
    body = staff_client.get(reverse("assessment-path", args=[assessment.pk])).json()
    # no revenue and no tickets: recomputed, only the health item scores (50)
    assert (body["assessed_total"], body["total"], body["matches_assessment"]) == (80, 50, False)


@time_machine.travel(dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_warning_path_endpoint_with_todays_complaints(partner_a, partner_b, partner_a_client):
    for day in range(1, 10):  # 9 days at 25 tickets: 9 notifications, level 1
        make_tickets(partner_a, OCT.replace(day=day), 25)
    for day in range(1, 10):
        daily_notifications_run(day=OCT.replace(day=day))
    make_tickets(partner_a, OCT.replace(day=12), 31)  # today so far: 1 notification, 4 more make the 2nd
    other = make_warning(partner_b)
    warning = partner_a.monthly_warnings.get()
    body = partner_a_client.get(reverse("warning-path", args=[warning.pk])).json()
    assert (body["notification_count"], body["level"], body["next_level"]) == (9, 1, 2)
    assert (body["notifications_to_next_level"], body["next_level_payout_percent"]) == (1, 50)
    assert [(m["action_display"], m["duration_text"]) for m in body["next_level_measures"]] == [
        ("业务推广", "1个月"), ("申请新业务代码", "2个月")]
    assert (body["status"], body["status_display"], body["rule"]) == ("next", "距下一档", "R-D-WARN")
    today = body["today"]
    assert (today["date"], today["complaint_count"], today["notifications"]) == ("2026-10-12", 31, 1)
    assert (today["complaints_to_next_notification"], today["rule"]) == (4, "R-D-NOTIFY")
    assert partner_a_client.get(reverse("warning-path", args=[other.pk])).status_code == 404


@time_machine.travel(dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_warning_path_of_a_past_month_has_no_today(partner_a, staff_client):
    warning = make_warning(partner_a, notification_count=20, level=4)
    body = staff_client.get(reverse("warning-path", args=[warning.pk])).json()
    assert (body["status"], body["next_level"], body["today"]) == ("top", None, None)


# --- The admin detail pages ---------------------------------------------------------------------------------------


def test_admin_detail_pages_show_the_way_to_the_next_bracket_and_level(admin_client):
    partner = PartnerFactory(code="AD1", name="管理测试")
    set_revenue(partner, OCT, "1000000")
    make_tickets(partner, OCT.replace(day=9), 298)
    monthly_assessment_run(month=OCT)
    page = admin_client.get(reverse("admin:scoring_monthlyassessment_change",
                                    args=[MonthlyAssessment.objects.get().pk])).content.decode()
    assert "距下一档" in page
    # R-M-HEALTH: ratio 2.98 → 30; ≤ 2 gives 40
    assert ("质万比 2.98，须 ≤ 2.00：不知情订购投诉不超过 200 件（现 298 件），"
            "或按现投诉量信息费收入达到 1,490,000.00 元") in page
    assert "月度考核总分未设分档（R-M-TOTAL" in page

    for day in range(1, 10):
        make_tickets(partner, OCT.replace(day=day), 25, cooperation_type=JOINT)
        daily_notifications_run(day=OCT.replace(day=day))
    warning = partner.monthly_warnings.get(cooperation_type=JOINT)
    page = admin_client.get(reverse("admin:scoring_monthlywarning_change", args=[warning.pk])).content.decode()
    assert "当月累计通报 9 次，再通报 1 次（累计 10 次）即达到 2 级预警" in page
