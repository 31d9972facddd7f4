"""The review chain of code applications: R-B-REVIEW (≥3 initial reviewers, director, company leader) and
R-B-CHECK (the five-point checklist)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from codes.choices import ApplicationType, CodeStatus, GrantBasis, ReviewStep
from codes.models import BusinessCode
from codes.services import application_decide, application_review, batch_close
from core.audit import audit_trail
from core.choices import ApprovalStatus
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from partners.choices import CooperationType, PartnerClass
from scoring.models import RuleSet

from .conftest import apply, make_contract
from .factories import BusinessCodeFactory, CodeMonthlyStatFactory

pytestmark = pytest.mark.django_db

ALL_PASS = {"product_function": True, "billing_display": True, "promotion_plan": True, "data_analysis": True,
            "customer_service": True}


def submitted(application, closer):
    batch_close(batch=application.batch, actor=closer)
    application.refresh_from_db()
    return application


@pytest.fixture
def first_batch_app(staff_user):
    app = apply(make_contract(CooperationType.JOINT_MEMBERSHIP, PartnerClass.CORE), staff_user)
    assert app.application_type == ApplicationType.FIRST_BATCH
    return submitted(app, staff_user)


@pytest.fixture
def additional_app(staff_user):
    contract = make_contract(CooperationType.SALES_CHANNEL, PartnerClass.ORDINARY)
    CodeMonthlyStatFactory(code=BusinessCodeFactory(contract=contract), month=dt.date(2026, 9, 1), users=60000)
    app = apply(contract, staff_user)
    assert app.application_type == ApplicationType.ADDITIONAL and app.eligible
    return submitted(app, staff_user)


def review_by(app, reviewers, checklist=ALL_PASS):
    for reviewer in reviewers:
        app = application_review(application=app, reviewer=reviewer, checklist=checklist)
    return app


@pytest.mark.parametrize(("count", "stage"), [(2, ReviewStep.INITIAL_REVIEW), (3, ReviewStep.DIRECTOR_REVIEW),
                                              (4, None)])
def test_at_least_three_initial_reviewers(count, stage, first_batch_app, reviewers, director):
    """R-B-REVIEW: two reviewers are not enough; the third moves the application to the director."""
    if stage is None:
        review_by(first_batch_app, reviewers[:3])
        with pytest.raises(ValidationError):  # the fourth comes too late: no longer at the initial review
            application_review(application=first_batch_app, reviewer=reviewers[3], checklist=ALL_PASS)
        return
    app = review_by(first_batch_app, reviewers[:count])
    app.refresh_from_db()
    assert app.stage == stage
    if count == 2:
        with pytest.raises(ValidationError, match="不能执行此审核环节"):
            application_decide(application=app, actor=director, approve=True)


def test_first_batch_needs_initial_review_and_director(first_batch_app, reviewers, director):
    """R-B-REVIEW [interpretation]: a first-batch application within the limits needs two steps."""
    app = review_by(first_batch_app, reviewers[:3])
    app = application_decide(application=app, actor=director, approve=True, note="同意")
    app.refresh_from_db()
    assert (app.status, app.stage) == (ApprovalStatus.APPROVED, ReviewStep.APPROVED)
    code = app.granted_code
    assert code.status == CodeStatus.APPLIED and code.grant_basis == GrantBasis.FIRST_BATCH
    assert (code.partner, code.contract, code.name, code.price) == (app.partner, app.contract, app.name, app.price)
    assert RuleSet.objects.get(pk=app.rule_set_id).locked
    actions = [e.action for e in audit_trail(app).order_by("at", "id")]
    assert actions == ["code_apply", "submit", "code_initial_review", "code_initial_review", "code_initial_review",
                       "code_review_advance", "approve"]
    assert {e.rule_id for e in audit_trail(app) if e.action == "code_initial_review"} == {"R-B-CHECK"}
    assert [e.action for e in audit_trail(code)] == ["code_grant"]


def test_additional_needs_the_company_leader(additional_app, reviewers, director, leader):
    """R-B-REVIEW [interpretation]: an additional application also needs the company leader (分管领导)."""
    app = review_by(additional_app, reviewers[:3])
    app = application_decide(application=app, actor=director, approve=True)
    app.refresh_from_db()
    assert (app.status, app.stage) == (ApprovalStatus.SUBMITTED, ReviewStep.LEADER_APPROVAL)
    with pytest.raises(PermissionDenied, match="分管领导"):
        application_decide(application=app, actor=reviewers[3], approve=True)
    app = application_decide(application=app, actor=leader, approve=True)
    app.refresh_from_db()
    assert app.status == ApprovalStatus.APPROVED
    assert app.granted_code.grant_basis == GrantBasis.MORE_REVENUE


def test_only_directors_decide_the_department_review(first_batch_app, reviewers, leader):
    app = review_by(first_batch_app, reviewers[:3])
    with pytest.raises(PermissionDenied, match="部门领导"):
        application_decide(application=app, actor=reviewers[3], approve=True)


def test_self_review_refused(reviewers):
    """R-B-REVIEW: staff who filed an application (in the admin) cannot review it."""
    applicant = reviewers[0]
    app = submitted(apply(make_contract(), applicant), reviewers[1])
    with pytest.raises(PermissionDenied, match="自己"):
        application_review(application=app, reviewer=applicant, checklist=ALL_PASS)


def test_a_reviewer_cannot_review_twice(first_batch_app, reviewers, django_user_model):
    """R-B-REVIEW: one person acts once per application, at any step."""
    application_review(application=first_batch_app, reviewer=reviewers[0], checklist=ALL_PASS)
    with pytest.raises(ValidationError, match="重复审核"):
        application_review(application=first_batch_app, reviewer=reviewers[0], checklist=ALL_PASS)
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    app = review_by(first_batch_app, [reviewers[1], boss])
    assert app.stage == ReviewStep.DIRECTOR_REVIEW
    with pytest.raises(ValidationError, match="重复审核"):  # an initial reviewer cannot also be the director
        application_decide(application=app, actor=boss, approve=True)


def test_non_staff_cannot_review(first_batch_app, partner_a):
    from partners.services import partner_user_create

    user = partner_user_create(username="pa_reviewer", partner_code=partner_a.code)
    with pytest.raises(PermissionDenied):
        application_review(application=first_batch_app, reviewer=user, checklist=ALL_PASS)


@pytest.mark.parametrize("failed", list(ALL_PASS))
def test_a_failed_checklist_point_returns_the_application(failed, first_batch_app, reviewers):
    """R-B-CHECK: every point must pass; a failed point returns the application naming it."""
    app = review_by(first_batch_app, reviewers[:1])
    app = application_review(application=app, reviewer=reviewers[1], checklist={**ALL_PASS, failed: False},
                             comment="请补充材料")
    app.refresh_from_db()
    assert app.status == ApprovalStatus.RETURNED and app.stage == ReviewStep.RETURNED
    assert app.returned_at_step == ReviewStep.INITIAL_REVIEW
    assert "R-B-CHECK" in app.return_reason and "请补充材料" in app.return_reason
    names = {"product_function": "产品功能", "billing_display": "计费逻辑", "promotion_plan": "推广方案",
             "data_analysis": "数据分析", "customer_service": "客服流程"}
    assert names[failed] in app.return_reason
    assert not BusinessCode.objects.exists()


def test_the_checklist_must_be_complete(first_batch_app, reviewers):
    """R-B-CHECK: all five points are filled."""
    partial = {k: v for k, v in ALL_PASS.items() if k != "data_analysis"}
    with pytest.raises(ValidationError) as exc:
        application_review(application=first_batch_app, reviewer=reviewers[0], checklist=partial)
    assert "checklist" in exc.value.message_dict
    assert not first_batch_app.reviews.exists()


def test_director_rejection_needs_a_reason_and_returns(first_batch_app, reviewers, director):
    """R-B-REVIEW: a rejection returns the application with the reason."""
    app = review_by(first_batch_app, reviewers[:3])
    with pytest.raises(ValidationError, match="原因"):
        application_decide(application=app, actor=director, approve=False)
    app = application_decide(application=app, actor=director, approve=False, note="推广方案不符合要求")
    app.refresh_from_db()
    assert (app.status, app.returned_at_step, app.return_reason) == (
        ApprovalStatus.RETURNED, ReviewStep.DIRECTOR_REVIEW, "推广方案不符合要求")
    assert [e.action for e in audit_trail(app)][0] == "return"


def test_final_approval_refused_when_a_sanction_started_since(first_batch_app, reviewers, director):
    """R-B-BLOCK: a restriction in force at the final approval stops the grant."""
    app = review_by(first_batch_app, reviewers[:3])
    restriction_create(partner=app.partner, action=RestrictedAction.APPLY_CODES, starts_on=dt.date(2020, 1, 1),
                       ends_on=None, rule_id="R-K-RANGE", source=app.partner, source_key="c")
    with pytest.raises(ValidationError, match="R-K-RANGE"):
        application_decide(application=app, actor=director, approve=True)
    app.refresh_from_db()
    assert app.stage == ReviewStep.DIRECTOR_REVIEW and not app.reviews.filter(reviewer=director).exists()


def test_ineligible_application_cannot_pass_initial_review(staff_user, reviewers):
    contract = make_contract(CooperationType.JOINT_MEMBERSHIP, PartnerClass.ORDINARY)
    apply(contract, staff_user)
    extra = apply(contract, staff_user)
    # hand it to review without the batch's automatic return, to prove the review itself refuses it
    from core.approval import approval_submit

    extra.stage = ReviewStep.INITIAL_REVIEW
    extra.save()
    extra = approval_submit(obj=extra, actor=staff_user)
    with pytest.raises(ValidationError, match="不符合条件"):
        application_review(application=extra, reviewer=reviewers[0], checklist=ALL_PASS)


def test_the_chain_is_rule_set_data(staff_user, reviewers, director, leader):
    """R-B-REVIEW [interpretation] is configurable: here first-batch applications also go to the leader."""
    from scoring.models import RuleEntry

    entry = RuleEntry.objects.get(rule_set__version=1, key="code_review_chains")
    entry.value["rows"][0]["steps"] = ["initial_review", "director_review", "leader_approval"]
    entry.save()
    app = submitted(apply(make_contract(), staff_user), staff_user)
    app = review_by(app, reviewers[:3])
    app = application_decide(application=app, actor=director, approve=True)
    assert (app.stage, app.status) == (ReviewStep.LEADER_APPROVAL, ApprovalStatus.SUBMITTED)
    app = application_decide(application=app, actor=leader, approve=True)
    assert app.status == ApprovalStatus.APPROVED
