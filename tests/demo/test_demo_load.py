"""The demo shows every module with content in each state, leaves work in every role's inbox, records its job runs
like hand-started ones — and a second load on the same database is a recorded no-op.

The demo is loaded once for the module (Django ``setUpTestData``: one transaction, rolled back at the end).
"""

import datetime as dt
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import TestCase
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from codes.models import BusinessCode, CodeApplication, CodeChangeRequest, CodeMonthlyStat
from controls.models import ControlEvent
from core.choices import ApprovalStatus, ApproverRole, JobStatus
from core.models import AuditEvent, JobRun
from core.months import add_months
from credit.models import CompanyImportanceEvidence, CreditSanction, MajorViolation, MonthlyCreditScore
from demo.models import DemoLoad
from demo.services import demo_contents, demo_load
from enforcement.models import Restriction
from newspaper.models import NewspaperProduct, ProductTest, QualificationDocument, ScoreAction
from newspaper.selectors import catalogue_products
from overrides.models import DecisionOverride
from partners.models import ImportRun, Partner
from scoring.models import MonthlyAssessment, PenaltyProposal
from settlement.models import SettlementStatement

TODAY = dt.date(2026, 12, 1)
LATEST, PREVIOUS = dt.date(2026, 11, 1), dt.date(2026, 10, 1)


class DemoContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        started = time.monotonic()
        cls.first = demo_load(today=TODAY)
        cls.first_seconds = time.monotonic() - started

    def contents(self):
        return demo_contents(today=TODAY)

    def test_every_module_has_content_in_each_state(self):
        c = self.contents()
        assert c["assessments"]["approved"] > 0 and c["assessments"]["submitted"] > 0
        assert c["penalty_proposals"]["approved"] > 0 and c["penalty_proposals"]["submitted"] > 0
        assert c["credit_scores"]["approved"] > 0 and c["credit_scores"]["submitted"] > 0
        assert {"C", "D", "E", "X"} <= set(c["credit_grades"])
        assert c["control_events"]["approved"] >= 2 and c["control_events"]["submitted"] >= 2
        assert {"dial_provincial", "supervised_provincial"} <= set(c["control_event_types"])
        assert {"subchannel_shutdown", "business_warning"} <= set(c["control_measures"])
        assert c["extra_penalties"] == {"submitted": 1}
        assert c["company_importance"] == {"submitted": 1}
        assert c["settlements"]["approved"] > 0 and c["settlements"]["submitted"] > 0
        assert c["settlements"]["on_hold"] > 0 and c["settlements"]["carried_forward"] >= 1
        assert c["code_changes"] == {"approved": 1} and c["code_recycling"] == {"approved": 1}

    def test_the_newspaper_module_has_products_at_every_stage_by_the_demo_people_R_N_LAUNCH(self):
        products = NewspaperProduct.objects.filter(name__startswith="演示·")
        assert products.count() == 11 == self.first["newspaper_products"]
        assert {p.status for p in products} == {"proposed", "in_launch", "live", "warned", "exited", "rejected"}
        assert {p.launch_stage for p in products.filter(status="in_launch")} >= {1, 2, 3}
        rejected = products.get(status="rejected")
        assert rejected.reapply_from == add_months(rejected.rejected_on, 3) and rejected.rejected_on == TODAY
        assert QualificationDocument.objects.filter(expiry_warning_days=30, valid_to=TODAY + dt.timedelta(days=20)
                                                    ).exists()
        assert set(catalogue_products().values_list("status", flat=True)) == {"live", "warned"}
        # recorded and approved by the demo's own logins, no extra newspaper logins
        assert not get_user_model().objects.filter(username__startswith="demo_news_").exists()
        tests = ProductTest.objects.filter(status=ApprovalStatus.APPROVED)
        assert tests.exists() and {t.approved_by.username for t in tests} == {"demo_head"}
        assert {t.submitted_by.username for t in tests} == {"demo_ops"}
        assert ScoreAction.objects.get(kind="exit").approved_by.username == "demo_leader"

    def test_credit_sanctions_applied_by_the_daily_job_due_and_overdue_R_K_DEADLINE(self):
        sanctions = self.contents()["credit_sanctions"]
        assert sanctions["applied"] > 0 and sanctions["overdue"] > 0 and sanctions["due"] > 0
        # applied by the daily job on their due date, not by hand
        applied = CreditSanction.objects.filter(status="applied")
        assert all(s.applied_on == s.due_on and s.applied_by_id is None for s in applied)
        # an overdue one is the D grade's "phone-bill charging or client promotion" waiting for a choice
        overdue = CreditSanction.objects.filter(status="pending", due_on__lt=TODAY)
        assert {s.code for s in overdue} == {"suspend_billing_or_promotion"}
        due = CreditSanction.objects.filter(status="pending", due_on__gte=TODAY)
        assert due.exists() and all(s.issued_on == TODAY for s in due)

    def test_a_grade_E_sanction_holds_the_settlement_R_S_HOLD(self):
        held = SettlementStatement.objects.filter(on_hold=True, partner__code="DEMO014")
        assert held.exists() and all(s.amount_due == 0 for s in held)
        assert Restriction.objects.filter(partner__code="DEMO014", action="settlement", rule_id="R-K-RANGE").exists()

    def test_major_violation_terminates_and_puts_linked_penalties_on_related_companies_R_K_LINKED(self):
        violation = MajorViolation.objects.get()
        assert violation.status == ApprovalStatus.APPROVED and violation.partner.code == "DEMO024"
        assert MonthlyCreditScore.objects.get(partner=violation.partner, month=LATEST).grade == "X"
        related = Partner.objects.filter(related_group=violation.partner.related_group).exclude(pk=violation.partner_id)
        linked = Restriction.objects.filter(rule_id="R-K-LINKED", partner__in=related)
        assert related.exists() and set(linked.values_list("partner_id", flat=True)) == set(
            related.values_list("pk", flat=True))
        assert SettlementStatement.objects.filter(partner__in=related, month=LATEST, on_hold=True).exists()
        assert SettlementStatement.objects.filter(partner=violation.partner, month=LATEST, stopped=True).exists()

    def test_code_applications_stand_at_every_review_step_R_B_REVIEW(self):
        stages = self.contents()["code_applications"]
        for stage in ("applied", "initial_review", "director_review", "leader_approval", "approved", "returned"):
            assert stages.get(stage, 0) > 0, stage
        returned = CodeApplication.objects.filter(stage="returned")
        assert {a.returned_at_step for a in returned} >= {"initial_review"}
        assert set(BusinessCode.objects.values_list("kind", flat=True)) == {"monthly", "per_use"}
        assert set(BusinessCode.objects.values_list("status", flat=True)) >= {"active", "recycled"}
        change = CodeChangeRequest.objects.get()
        assert change.status == ApprovalStatus.APPROVED and change.code.price == Decimal("12.00")

    def test_code_statistics_arrive_through_the_code_stats_import(self):
        assert CodeMonthlyStat.objects.exists()
        runs = ImportRun.objects.filter(kind="code_stats", status="succeeded")
        assert runs.count() >= 2

    def test_each_role_has_items_waiting_in_its_inbox(self):
        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=["demo_ops", "demo_head", "demo_leader"])}
        assert {g.name for g in users["demo_head"].groups.all()} == {ApproverRole.DEPARTMENT_HEAD}
        assert users["demo_head"].check_password("demo-migu-ops")
        submitted = ApprovalStatus.SUBMITTED
        ops_reviews = CodeApplication.objects.filter(status=submitted, stage="initial_review").exclude(
            reviews__reviewer=users["demo_ops"]).exclude(created_by=users["demo_ops"])
        assert ops_reviews.count() >= 2
        head = [ControlEvent.objects.filter(status=submitted), CompanyImportanceEvidence.objects.filter(
            status=submitted), CodeApplication.objects.filter(status=submitted, stage="director_review")]
        assert all(queryset.exists() for queryset in head)
        leader = [MonthlyAssessment, PenaltyProposal, MonthlyCreditScore, SettlementStatement]
        assert all(model.objects.filter(status=submitted, month=LATEST).exists() for model in leader)
        assert CodeApplication.objects.filter(status=submitted, stage="leader_approval").exists()
        # an assessment item overridden by operations with its reason waits beside the month's results
        [override] = DecisionOverride.objects.filter(status=submitted)
        assert (override.partner.code, override.month, override.item) == ("DEMO002", LATEST, "revenue_score")
        assert override.created_by == users["demo_ops"] and override.approver_role == ApproverRole.DIVISION_LEADER
        assert override.reason and override.value != override.automatic_value
        # nothing waits for an approver who submitted it (self-approval is refused)
        for model in (ControlEvent, MonthlyAssessment, MonthlyCreditScore, SettlementStatement):
            assert not model.objects.filter(status=submitted, submitted_by__username="demo_head").exists()
        assert not PenaltyProposal.objects.filter(status=submitted, superseded_by__isnull=False).exists()

    def test_demo_job_runs_are_recorded_like_hand_started_ones(self):
        runs = JobRun.objects.all()
        jobs = set(runs.values_list("job", flat=True))
        assert {"run_daily_notifications", "run_monthly_assessment", "run_credit_scoring", "run_settlement",
                "apply_credit_sanctions"} <= jobs
        assert not runs.exclude(status=JobStatus.SUCCEEDED).exists()
        assert runs.filter(job="run_monthly_assessment").count() == 4
        # the month-end of October ran on the 5th of November, as the schedule runs it
        october = runs.get(job="run_monthly_assessment", key="2026-10")
        assert october.started_at.date() == dt.date(2026, 11, 5)

    def test_partner_reads_only_its_own_published_results(self):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username="demo_partner"))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        results = client.get("/api/v1/assessments/").json()["results"]
        assert results and {r["partner"] for r in results} == {"DEMO001"}
        assert {r["status"] for r in results} == {ApprovalStatus.APPROVED}

    def test_second_load_is_a_recorded_no_op(self):
        assert DemoLoad.objects.count() == 1
        rows = (JobRun.objects.count(), AuditEvent.objects.count(), MonthlyAssessment.objects.count())
        started = time.monotonic()
        again = demo_load(today=TODAY)
        seconds = time.monotonic() - started
        assert again["fast_path"] == 1
        assert {k: v for k, v in again.items() if k != "fast_path"} == self.first
        assert (JobRun.objects.count(), AuditEvent.objects.count(), MonthlyAssessment.objects.count()) == rows
        assert seconds < 2 < self.first_seconds

    def test_a_changed_database_is_not_taken_for_the_recorded_load_and_the_replay_is_idempotent(self):
        before = self.contents()
        ControlEvent.objects.filter(status=ApprovalStatus.DRAFT).delete()
        runs = JobRun.objects.count()
        again = demo_load(today=TODAY)
        assert "fast_path" not in again
        assert JobRun.objects.count() > runs  # the replay ran its jobs again …
        after = self.contents()
        before.pop("job_runs"), after.pop("job_runs")
        assert after == before  # … and every module holds exactly what it held (the draft event is back)
