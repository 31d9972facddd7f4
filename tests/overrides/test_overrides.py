"""Overrides of automatic decisions (issue 15 item 4, docs/overrides.md): a named person's value with a reason,
approved by the role the rule names, kept in its own row on the decision's natural key, so a rerun of the job never
undoes it — the job keeps computing the automatic value and the override records when that value moved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from controls.choices import ControlEventType as E
from controls.choices import OverrideSource
from controls.models import ControlEvent
from controls.services import control_events_recompute_month, control_measure_override
from core.approval import approval_approve, approval_submit
from core.models import AuditEvent
from credit.choices import SanctionStatus
from credit.models import CreditSanction, MonthlyCreditScore
from credit.services import credit_scoring_job, manual_item_score_set
from enforcement.models import Restriction
from overrides.choices import OverrideKind
from overrides.models import DecisionOverride
from overrides.services import decision_override_create
from scoring.models import MonthlyAssessment, PenaltyProposal
from scoring.services import daily_notifications_job, monthly_assessment_job
from scoring.services.jobs import month_end_job
from tests.backtest.test_backtest import two_published_months  # noqa: F401 (fixture)
from tests.controls.factories import record_event
from tests.factories import ContractFactory, PartnerFactory, SubChannelFactory
from tests.scoring.factories import SALES, make_tickets, set_revenue

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def approved(override, staff_user, division_leader):
    approval_submit(obj=override, actor=staff_user)
    return approval_approve(obj=override, actor=division_leader)


REASON = "收入数据延迟到账，按补录数据计"


def assessment_override(partner, staff_user, *, item="revenue_score", value="40", reason=REASON):
    return decision_override_create(kind=OverrideKind.ASSESSMENT_ITEM, partner=partner, cooperation_type=SALES,
                                    month=OCT, item=item, value=value, reason=reason, actor=staff_user)


# --- (a) an item of the monthly assessment -------------------------------------------------------------------------


@pytest.fixture
def assessed_partner():
    """R-M-REV: 150万 → 30; R-M-HEALTH: no tickets → 50; total 80."""
    partner = PartnerFactory(code="OV1")
    ContractFactory(partner=partner, start_date=dt.date(2024, 1, 1))
    set_revenue(partner, OCT, 1_500_000)
    monthly_assessment_job(month=OCT)
    return partner


def test_assessment_item_override_survives_a_rerun_and_records_the_automatic_move_r_m_total(
    assessed_partner, staff_user, division_leader
):
    override = approved(assessment_override(assessed_partner, staff_user), staff_user, division_leader)
    row = MonthlyAssessment.objects.get(partner=assessed_partner)
    assert (row.revenue_score, row.total) == (Decimal("30.00"), Decimal("80.00"))  # the job's own value

    monthly_assessment_job(month=OCT)  # rerun, same data: nothing moves
    override.refresh_from_db()
    assert override.in_force and override.automatic_moved_at is None

    set_revenue(assessed_partner, OCT, 2_500_000)  # R-M-REV: [200,300)万 → 40 … then 350万 → 50
    set_revenue(assessed_partner, OCT, 3_500_000)
    MonthlyAssessment.objects.filter(partner=assessed_partner).delete()  # a job may delete and recreate the row
    monthly_assessment_job(month=OCT)

    row = MonthlyAssessment.objects.get(partner=assessed_partner)
    assert row.revenue_score == Decimal("50.00") and row.total == Decimal("100.00")  # automatic recomputed
    override.refresh_from_db()
    assert override.in_force and override.value == "40.00"
    assert (override.automatic_value, override.automatic_current) == ("30.00", "50.00")
    assert override.automatic_moved_at is not None
    assert [(m["from"], m["to"]) for m in override.automatic_history] == [("30.00", "50.00")]
    moved = AuditEvent.objects.get(action="override_automatic_moved")
    assert "30.00" in moved.reason and "50.00" in moved.reason

    data = _api(staff_user).get(f"/api/v1/assessments/{row.pk}/").json()
    assert data["total"] == 100 and data["effective_total"] == 90  # 40 + 50 health, R-M-TOTAL
    assert data["effective_scores"]["revenue_score"] == 40 and data["overridden"] is True
    (shown,) = data["overrides"]
    assert shown["created_by"] == "ops" and shown["approved_by"] == "division_leader"
    assert shown["reason"] == "收入数据延迟到账，按补录数据计" and shown["status"] == "approved"
    assert shown["automatic_moved"] is True and shown["automatic_current"] == "50.00"


def test_the_one_pass_month_end_keeps_overrides_and_records_the_automatic_move_r_m_total(
    assessed_partner, staff_user, division_leader
):
    """``month_end_job`` (the month's notifications and assessment in one run, scoring.services.month_end) treats
    overrides as the day-by-day jobs do."""
    override = approved(assessment_override(assessed_partner, staff_user), staff_user, division_leader)
    month_end_job(month=OCT)
    override.refresh_from_db()
    assert override.in_force and override.automatic_moved_at is None

    set_revenue(assessed_partner, OCT, 3_500_000)  # R-M-REV: 350万 → 50
    month_end_job(month=OCT)
    row = MonthlyAssessment.objects.get(partner=assessed_partner)
    override.refresh_from_db()
    assert row.revenue_score == Decimal("50.00") and override.in_force and override.value == "40.00"
    assert (override.automatic_value, override.automatic_current) == ("30.00", "50.00")
    assert override.automatic_moved_at is not None


def test_effective_total_is_clamped_like_the_automatic_one_r_m_total(assessed_partner, staff_user, division_leader):
    approved(assessment_override(assessed_partner, staff_user, item="deduction_score", value="95"), staff_user,
             division_leader)
    data = _api(staff_user).get("/api/v1/assessments/", {"partner": "OV1"}).json()["results"][0]
    assert data["total"] == 80 and data["effective_total"] == 0  # 30 + 50 − 95 → clamped to total_min 0


def test_staff_read_the_overridden_item_by_its_label(assessed_partner, staff_user):
    override = assessment_override(assessed_partner, staff_user)
    label = str(MonthlyAssessment._meta.get_field("revenue_score").verbose_name)
    assert str(override).endswith(f"月度考核项目得分 {label}") and "revenue_score" not in str(override)


def test_a_pending_override_is_not_in_force(assessed_partner, staff_user):
    assessment_override(assessed_partner, staff_user)
    data = _api(staff_user).get("/api/v1/assessments/", {"partner": "OV1"}).json()["results"][0]
    assert data["effective_total"] == 80 and data["overridden"] is False
    assert data["overrides"][0]["status"] == "draft"


def test_approval_needs_the_division_leader_r_m_approval(assessed_partner, staff_user, department_head):
    override = assessment_override(assessed_partner, staff_user)
    approval_submit(obj=override, actor=staff_user)
    with pytest.raises(PermissionDenied, match="分管领导"):
        approval_approve(obj=override, actor=department_head)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=override, actor=staff_user)
    override.refresh_from_db()
    assert override.status == "submitted" and not override.in_force
    response = _api(department_head).post(f"/api/v1/decision-overrides/{override.pk}/approve/", {}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("item", "value", "reason", "field", "message"),
    [
        ("revenue_score", "40", "  ", "reason", "须填写调整原因"),
        ("revenue_score", "60", "r", "value", "须在 0–50 分之间"),  # R-M-REV max revenue_score_max = 50
        ("revenue_score", "-1", "r", "value", "须在 0–50 分之间"),
        ("health_score", "abc", "r", "value", "新得分须为数字"),
        ("revenue_score", "30", "r", "value", "与自动结果相同"),
        ("bonus_score", "51", "r", "value", "须在 0–50 分之间"),  # R-M-BONUS cap 50
        ("total", "10", "r", "item", "没有这一项自动决定"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(assessed_partner, staff_user, item, value, reason,
                                                                 field, message):
    with pytest.raises(ValidationError) as error:
        assessment_override(assessed_partner, staff_user, item=item, value=value, reason=reason)
    assert message in " ".join(error.value.message_dict[field])
    assert not DecisionOverride.objects.exists() and not AuditEvent.objects.filter(action="override_create").exists()


def test_a_second_pending_override_is_refused_and_a_later_approved_one_supersedes(
    assessed_partner, staff_user, division_leader
):
    first = approved(assessment_override(assessed_partner, staff_user), staff_user, division_leader)
    second = assessment_override(assessed_partner, staff_user, value="45", reason="复核后改为 45")
    with pytest.raises(ValidationError, match="待审批"):
        assessment_override(assessed_partner, staff_user, value="20")
    approved(second, staff_user, division_leader)
    first.refresh_from_db()
    assert first.superseded_at is not None and not first.in_force
    data = _api(staff_user).get("/api/v1/assessments/", {"partner": "OV1"}).json()["results"][0]
    assert data["effective_total"] == 95 and [o["in_force"] for o in data["overrides"]] == [True, False]
    assert AuditEvent.objects.filter(action="override_supersede", object_id=str(first.pk)).exists()


def test_api_create_with_chinese_errors(assessed_partner, staff_user):
    client = _api(staff_user)
    body = {"kind": "assessment_item", "partner": "OV1", "cooperation_type": SALES, "month": "2026-10",
            "item": "health_score", "value": "40", "reason": ""}
    response = client.post("/api/v1/decision-overrides/", body, format="json")
    assert response.status_code == 400 and "须填写调整原因" in response.json()["reason"][0]
    response = client.post("/api/v1/decision-overrides/", {**body, "month": "2026-13", "reason": "r"}, format="json")
    assert response.status_code == 400 and "month" in response.json()
    response = client.post("/api/v1/decision-overrides/", {**body, "partner": "NOPE", "reason": "r"}, format="json")
    assert response.status_code == 400 and "不存在" in response.json()["partner"][0]
    response = client.post("/api/v1/decision-overrides/", {**body, "reason": "投诉工单重复计入"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft" and response.json()["created_by"] == "ops"
    assert AuditEvent.objects.get(action="override_create").reason == "投诉工单重复计入"


def test_partners_see_only_approved_overrides_of_their_own_decisions(
    assessed_partner, staff_user, division_leader, partner_a, partner_a_client
):
    ContractFactory(partner=partner_a, start_date=dt.date(2024, 1, 1))
    set_revenue(partner_a, OCT, 500_000)
    monthly_assessment_job(month=OCT)
    mine = MonthlyAssessment.objects.get(partner=partner_a)
    approved(mine, staff_user, division_leader)
    theirs = approved(assessment_override(assessed_partner, staff_user), staff_user, division_leader)
    pending = decision_override_create(kind=OverrideKind.ASSESSMENT_ITEM, partner=partner_a, cooperation_type=SALES,
                                       month=OCT, item="health_score", value="40", reason="待定", actor=staff_user)

    listed = partner_a_client.get("/api/v1/decision-overrides/").json()
    assert listed["count"] == 0  # own override still pending, the other partner's never
    assert partner_a_client.get(f"/api/v1/decision-overrides/{theirs.pk}/").status_code == 404
    data = partner_a_client.get(f"/api/v1/assessments/{mine.pk}/").json()
    assert data["overrides"] == [] and data["effective_total"] == data["total"]

    approved(pending, staff_user, division_leader)
    assert [o["id"] for o in partner_a_client.get("/api/v1/decision-overrides/").json()["results"]] == [pending.pk]
    data = partner_a_client.get(f"/api/v1/assessments/{mine.pk}/").json()
    assert [o["id"] for o in data["overrides"]] == [pending.pk] and data["overridden"] is True
    assert partner_a_client.post("/api/v1/decision-overrides/", {}, format="json").status_code == 403


def test_exports_show_the_automatic_value_the_override_and_the_effective_total(
    assessed_partner, staff_user, division_leader, admin_client
):
    approved(assessment_override(assessed_partner, staff_user), staff_user, division_leader)
    sheet = _sheet(_api(staff_user).get("/api/v1/assessments/export/"))
    header, row = sheet[0], sheet[1]
    assert row[header.index("总分")] == 80 and row[header.index("有效总分")] == 90
    assert row[header.index("人工调整")] == "是" and "收入数据延迟到账" in row[header.index("调整原因")]
    assert "收入规模得分 30.00 → 40.00" in row[header.index("调整内容")]

    overrides = _sheet(admin_client.get(reverse("admin:overrides_decisionoverride_export")))
    header, row = overrides[0], overrides[1]
    assert row[header.index("调整后取值")] == "40.00" and row[header.index("审批状态")] == "已审批发布"


def test_admin_form_files_an_override_with_chinese_field_errors(assessed_partner, admin_client):
    url = reverse("admin:overrides_decisionoverride_add")
    assert admin_client.get(url).status_code == 200
    body = {"kind": "assessment_item", "partner": assessed_partner.pk, "cooperation_type": SALES,
            "month_text": "2026-10", "item": "revenue_score", "new_points": "70", "reason": ""}
    page = admin_client.post(url, body)
    assert page.status_code == 200
    assert "须填写调整原因" in page.content.decode()
    assert not DecisionOverride.objects.exists()
    page = admin_client.post(url, {**body, "reason": "r"})
    assert "须在 0–50 分之间" in page.content.decode() and not DecisionOverride.objects.exists()
    page = admin_client.post(url, {**body, "new_points": "40", "reason": "补录收入"})
    assert page.status_code == 302
    override = DecisionOverride.objects.get()
    assert override.value == "40.00" and override.reason == "补录收入"
    detail = admin_client.get(reverse("admin:overrides_decisionoverride_change", args=[override.pk]))
    assert detail.status_code == 200 and "补录收入" in detail.content.decode()
    listing = admin_client.get(reverse("admin:scoring_monthlyassessment_changelist"))
    assert listing.status_code == 200 and "有效总分" in listing.content.decode()
    detail = admin_client.get(reverse("admin:scoring_monthlyassessment_change",
                                      args=[MonthlyAssessment.objects.get().pk])).content.decode()
    assert "人工调整（含历史）" in detail and "补录收入" in detail  # pending overrides are listed with their state


# --- (b) a warning level's penalty proposal (R-D-WARN) -------------------------------------------------------------


def _level_1(partner):
    """R-D-WARN level 1 at 5 notifications: five days of 25 tickets."""
    for day in range(1, 6):
        make_tickets(partner, OCT.replace(day=day), 25)
        daily_notifications_job(day=OCT.replace(day=day))
    return PenaltyProposal.objects.get(partner=partner, level=1)


def test_proposal_override_survives_a_rerun_and_applies_on_approval_r_d_warn(staff_user, division_leader):
    partner = PartnerFactory(code="OV2")
    proposal = _level_1(partner)
    override = decision_override_create(
        kind=OverrideKind.PENALTY_PROPOSAL, partner=partner, cooperation_type=SALES, month=OCT, item="1",
        value={"measures": {"promote": None, "apply_codes": {"value": 2, "unit": "weeks"}}},
        reason="省公司说明投诉为系统误派", actor=staff_user,
    )
    approved(override, staff_user, division_leader)
    daily_notifications_job(day=OCT.replace(day=5))  # rerun of the job
    override.refresh_from_db()
    assert override.in_force and override.automatic_moved_at is None
    assert PenaltyProposal.objects.get(pk=proposal.pk).measures == proposal.measures  # automatic unchanged

    data = _api(staff_user).get(f"/api/v1/penalty-proposals/{proposal.pk}/").json()
    assert [m["action"] for m in data["measures"]] == ["promote", "apply_codes"]
    assert data["effective_measures"] == [{"action": "apply_codes", "action_display": "申请新业务代码",
                                           "duration": {"value": 2, "unit": "weeks"}, "rule": "R-D-WARN"}] or \
        [(m["action"], m["duration"]) for m in data["effective_measures"]] == [
            ("apply_codes", {"value": 2, "unit": "weeks"})]
    assert data["overridden"] is True

    approved(PenaltyProposal.objects.get(pk=proposal.pk), staff_user, division_leader)
    (restriction,) = Restriction.objects.filter(partner=partner)
    assert restriction.action == "apply_codes"
    assert restriction.ends_on == restriction.starts_on + dt.timedelta(days=14)


def test_proposal_override_after_approval_changes_the_restrictions_r_d_warn(staff_user, division_leader):
    partner = PartnerFactory(code="OV3")
    proposal = approved(_level_1(partner), staff_user, division_leader)
    assert Restriction.objects.filter(partner=partner, lifted_on__isnull=True).count() == 2
    override = decision_override_create(
        kind=OverrideKind.PENALTY_PROPOSAL, partner=partner, cooperation_type=SALES, month=OCT, item="1",
        value={"measures": {"promote": None}}, reason="集团要求不暂停推广", actor=staff_user,
    )
    approved(override, staff_user, division_leader)
    live = Restriction.objects.filter(partner=partner, lifted_on__isnull=True)
    assert [r.action for r in live] == ["apply_codes"]
    lifted = Restriction.objects.get(partner=partner, action="promote")
    assert "集团要求不暂停推广" in lifted.lifted_reason and proposal.pk


def test_proposal_rerun_that_moves_the_automatic_value_is_recorded(staff_user, division_leader):
    partner = PartnerFactory(code="OV4")
    _level_1(partner)
    override = approved(decision_override_create(
        kind=OverrideKind.PENALTY_PROPOSAL, partner=partner, cooperation_type=SALES, month=OCT, item="1",
        value={"measures": {"promote": None}}, reason="r", actor=staff_user), staff_user, division_leader)
    PenaltyProposal.objects.filter(partner=partner).delete()  # the decision disappears (e.g. data corrected)
    daily_notifications_job(day=OCT.replace(day=6))
    override.refresh_from_db()
    assert override.in_force and override.value == {"measures": {"promote": None,
                                                                 "apply_codes": {"value": 1, "unit": "months"}}}
    assert override.automatic_moved_at is not None and override.automatic_current is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"measures": {"sales": None}}, "没有“sales”这项措施"),
        ({"measures": {"promote": {"value": 0, "unit": "weeks"}}}, "时长须为正整数"),
        ({"measures": {"promote": {"value": 1, "unit": "working_days"}}}, "时长须为正整数"),
        ("x", "须给出措施"),
    ],
)
def test_proposal_bad_values_are_refused(value, message, staff_user):
    partner = PartnerFactory(code="OV5")
    _level_1(partner)
    with pytest.raises(ValidationError) as error:
        decision_override_create(kind=OverrideKind.PENALTY_PROPOSAL, partner=partner, cooperation_type=SALES,
                                 month=OCT, item="1", value=value, reason="r", actor=staff_user)
    assert message in error.value.message_dict["value"][0]


# --- (c) a credit grade sanction (R-K-RANGE) -----------------------------------------------------------------------


def _graded_c(code, notifications, staff_user):
    """R-K-COMPOSE, ordinary weights 0.6 / 0.25 / 0.15: base standard 80, health 100 − 4×25 = 0 (R-K-HEALTH),
    strategic 0 → 480, grade C (R-K-RANGE 450–<600)."""
    partner = PartnerFactory(code=code)
    ContractFactory(partner=partner, start_date=dt.date(2024, 1, 1))
    notifications[OCT] = {(partner.pk, SALES): 4}
    manual_item_score_set(partner=partner, month=OCT, item="base_standard", points=Decimal("80"), actor=staff_user)
    credit_scoring_job(month=OCT)
    return partner


def test_credit_sanction_waiver_survives_a_rerun_and_cancels_the_sanction_r_k_range(
    staff_user, division_leader, notifications
):
    partner = _graded_c("OV6", notifications, staff_user)
    score = MonthlyCreditScore.objects.get(partner=partner)
    assert score.grade == "C"
    with pytest.raises(ValidationError, match="不执行"):
        decision_override_create(kind=OverrideKind.CREDIT_SANCTION, partner=partner, month=OCT,
                                 item="no_new_codes", value={"waived": False}, reason="r", actor=staff_user)
    override = approved(decision_override_create(
        kind=OverrideKind.CREDIT_SANCTION, partner=partner, month=OCT, item="no_new_codes",
        value={"waived": True}, reason="分管领导专题会决定暂缓", actor=staff_user), staff_user, division_leader)

    credit_scoring_job(month=OCT)  # rerun, same grade
    override.refresh_from_db()
    assert override.in_force and override.automatic_moved_at is None

    approved(MonthlyCreditScore.objects.get(pk=score.pk), staff_user, division_leader)
    sanctions = {s.code: s for s in CreditSanction.objects.filter(partner=partner)}
    assert sanctions["no_new_codes"].status == SanctionStatus.CANCELLED
    assert "分管领导专题会决定暂缓" in sanctions["no_new_codes"].end_reason
    assert sanctions["no_new_products"].status == SanctionStatus.PENDING

    data = _api(staff_user).get("/api/v1/credit-sanctions/", {"partner": "OV6"}).json()["results"]
    waived = {row["code"]: row["waived"] for row in data}
    assert waived["no_new_codes"] is True and waived["no_new_products"] is False


def test_credit_rerun_that_moves_the_grade_is_recorded(staff_user, division_leader, notifications):
    partner = _graded_c("OV7", notifications, staff_user)
    override = approved(decision_override_create(
        kind=OverrideKind.CREDIT_SANCTION, partner=partner, month=OCT, item="no_new_codes",
        value={"waived": True}, reason="r", actor=staff_user), staff_user, division_leader)
    manual_item_score_set(partner=partner, month=OCT, item="base_standard", points=Decimal("100"), actor=staff_user)
    credit_scoring_job(month=OCT)  # 100 × 0.6 → 600, grade B now: the sanction is no longer called for
    override.refresh_from_db()
    assert override.in_force and override.value == {"waived": True}
    assert override.automatic_current is None and override.automatic_moved_at is not None


# --- (d) a control measure (R-C-*, reusing the measure's own override fields) --------------------------------------


def test_control_measure_override_survives_recomputation_and_records_the_move(staff_user, department_head):
    """R-C-WARN-ESC: the third business warning in a month suspends the business 15 days; a group requirement makes
    it one month. Recomputing keeps it; when the escalation is no longer called for, the override stays and the
    move of the rule's result is recorded."""
    partner = PartnerFactory(code="OV8")
    events = [record_event(partner, E.DIAL_GROUP, occurred_on=dt.date(2026, 10, d),
                           sub_channel=SubChannelFactory(partner=partner)) for d in (1, 2, 3)]
    escalation = ControlEvent.objects.get(pk=events[2].pk).measures.get(key="warning_escalation")
    control_measure_override(measure=escalation, actor=staff_user, source=OverrideSource.GROUP, requester="集团市场部",
                             reason="集团要求暂停一个月", durations=[{"value": 1, "unit": "months"}])
    control_events_recompute_month(partner_id=partner.pk, month=OCT)
    escalation.refresh_from_db()
    assert escalation.overridden and escalation.durations == [{"value": 1, "unit": "months"}]
    assert escalation.automatic_moved_at is None

    control_measure_override(measure=events[0].measures.get(key="business_warning"), actor=staff_user,
                             source=OverrideSource.MIGU_CULTURE, requester="咪咕文化", reason="误报", waive=True)
    escalation.refresh_from_db()  # the rule no longer calls for the escalation: kept, and the move recorded
    assert escalation.overridden and escalation.proposed == {} and escalation.automatic_moved_at is not None
    assert AuditEvent.objects.filter(action="override_automatic_moved", object_id=str(escalation.pk)).exists()

    data = _api(staff_user).get(f"/api/v1/control-events/{events[2].pk}/").json()
    shown = {m["key"]: m for m in data["measures"]}["warning_escalation"]
    assert shown["override_reason"] == "集团要求暂停一个月" and shown["overridden_by"] == "ops"
    assert shown["automatic_moved_at"] and shown["override_status"] == "draft"

    event = ControlEvent.objects.get(pk=events[2].pk)
    approval_submit(obj=event, actor=staff_user)
    with pytest.raises(PermissionDenied):  # R-D-APPROVAL: the department head approves the event and its overrides
        approval_approve(obj=event, actor=staff_user)
    approval_approve(obj=event, actor=department_head)
    assert Restriction.objects.filter(partner=partner, rule_id="R-C-WARN-ESC").exists()


# --- helpers -------------------------------------------------------------------------------------------------------


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def _sheet(response):
    from io import BytesIO

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


# --- the back-test diff ----------------------------------------------------------------------------------------


def test_backtest_diff_says_which_decisions_are_overridden(two_published_months, staff_user, division_leader):  # noqa: E501, F811
    from backtest.models import BacktestReport
    from backtest.services import backtest_job
    from partners.models import Partner
    from tests.backtest.test_backtest import SEP, TODAY, rows_by

    big = Partner.objects.get(code="BIG")
    approved(assessment_override(big, staff_user, value="45", reason="专题会认定收入"), staff_user, division_leader)
    stored = list(DecisionOverride.objects.values())

    counts = backtest_job(rule_set=two_published_months, months=[SEP, OCT], today=TODAY)

    rows = rows_by(BacktestReport.objects.get(pk=counts["report"]))
    october = rows[("BIG", SALES, OCT)]
    assert october.overridden and len(october.overrides) == 1
    assert "收入规模得分" in october.overrides[0] or "revenue_score" in october.overrides[0]
    assert "30.00 → 45.00" in october.overrides[0] and "专题会认定收入" in october.overrides[0]
    assert (october.score_before, october.score_after) == (Decimal("80.00"), Decimal("90.00"))  # automatic values
    assert not rows[("BIG", SALES, SEP)].overridden and not rows[("SMALL", SALES, OCT)].overridden
    assert list(DecisionOverride.objects.values()) == stored  # the back-test's reruns left the override alone
