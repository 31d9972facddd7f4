"""One row per partner for every API endpoint, so the isolation test can prove no row leaks.

Every router basename must have a maker here: ``make(partner) -> model instance`` returning a row
that belongs to ``partner`` and is visible to that partner (approved, where the endpoint publishes
only approved results). A new endpoint without a maker fails the isolation test.
"""

import datetime as dt
from collections.abc import Callable

from django.db import models

from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from tests import factories

MAKERS: dict[str, Callable[..., models.Model]] = {}


def maker(basename: str):
    def register(func):
        MAKERS[basename] = func
        return func

    return register


@maker("partner")
def _partner(partner):
    return partner


@maker("contract")
def _contract(partner):
    return factories.ContractFactory(partner=partner)


@maker("sub-channel")
def _sub_channel(partner):
    return factories.SubChannelFactory(partner=partner)


@maker("complaint")
def _complaint(partner):
    return factories.ComplaintFactory(partner=partner)


@maker("revenue")
def _revenue(partner):
    return factories.MonthlyRevenueFactory(partner=partner)


@maker("contribution")
def _contribution(partner):
    return factories.MonthlyContributionFactory(partner=partner)


@maker("restriction")
def _restriction(partner):
    return restriction_create(
        partner=partner, action=RestrictedAction.APPLY_CODES, starts_on=dt.date(2026, 10, 1), ends_on=None,
        rule_id="R-D-WARN", source=partner, source_key="isolation",
    )


# --- scoring -----------------------------------------------------------------------------------------------------


@maker("notification")
def _notification(partner):
    from tests.scoring.factories import make_notification

    return make_notification(partner)


@maker("warning")
def _warning(partner):
    from tests.scoring.factories import make_warning

    return make_warning(partner)


@maker("assessment")
def _assessment(partner):
    from tests.scoring.factories import make_assessment

    return make_assessment(partner, status="approved")


@maker("penalty-proposal")
def _penalty_proposal(partner):
    from tests.scoring.factories import make_proposal

    return make_proposal(partner, status="approved")


def _assessment_override(partner, *, status="approved"):
    from overrides.choices import OverrideKind
    from overrides.models import DecisionOverride
    from overrides.services import decision_override_create
    from tests.scoring.factories import make_assessment

    make_assessment(partner, status="approved")
    override = decision_override_create(
        kind=OverrideKind.ASSESSMENT_ITEM, partner=partner, cooperation_type="sales_channel",
        month=dt.date(2026, 10, 1), item="revenue_score", value="10", reason="补录收入",
        actor=factories.UserFactory(username=f"override_{partner.code}", is_staff=True),
    )
    DecisionOverride.objects.filter(pk=override.pk).update(status=status)
    return DecisionOverride.objects.get(pk=override.pk)


@maker("decision-override")
def _decision_override(partner):
    return _assessment_override(partner)


# --- controls and settlement -------------------------------------------------------------------------------


@maker("control-event")
def _control_event(partner):
    from controls.choices import ControlEventType
    from core.approval import approval_approve, approval_submit
    from tests.controls.factories import record_event

    event = record_event(partner, ControlEventType.PROVINCIAL_IMPORTANT, province="广东")
    approval_submit(obj=event, actor=factories.UserFactory(username="isolation_ops", is_staff=True,
                                                             is_superuser=True))
    return approval_approve(obj=event, actor=factories.UserFactory(username="isolation_head", is_staff=True,
                                                                   is_superuser=True))


@maker("settlement")
def _settlement(partner):
    from tests.settlement.factories import SettlementStatementFactory

    return SettlementStatementFactory(contract=factories.ContractFactory(partner=partner))


# codes (business codes, R-B-*)
def _code_contract(partner):
    return factories.ContractFactory(partner=partner, start_date=dt.date(2020, 1, 1))


@maker("code")
def _business_code(partner):
    from tests.codes.factories import BusinessCodeFactory

    return BusinessCodeFactory(contract=_code_contract(partner))


@maker("code-stat")
def _code_stat(partner):
    from tests.codes.factories import CodeMonthlyStatFactory

    return CodeMonthlyStatFactory(code=_business_code(partner))


@maker("code-application")
def _code_application(partner):
    from codes.services import application_apply

    staff = factories.UserFactory(username="isolation_staff", is_staff=True)
    return application_apply(actor=staff, contract=_code_contract(partner), kind="monthly", category="other",
                             name="隔离测试", price="1.00")


@maker("code-change-request")
def _code_change_request(partner):
    from codes.models import CodeChangeRequest

    return CodeChangeRequest.objects.create(code=_business_code(partner), changes={"name": "新名称"})


@maker("code-recycling-proposal")
def _code_recycling_proposal(partner):
    from tests.codes.factories import CodeRecyclingProposalFactory

    return CodeRecyclingProposalFactory(code=_business_code(partner))


# --- credit (R-K-*, R-X-*) ---------------------------------------------------------------------------------------


def _approved_credit_score(partner, month=dt.date(2026, 10, 1)):
    from core.choices import ApprovalStatus
    from tests.credit.factories import MonthlyCreditScoreFactory

    return MonthlyCreditScoreFactory(partner=partner, month=month, status=ApprovalStatus.APPROVED, grade="C")


@maker("credit-score")
def _credit_score(partner):
    return _approved_credit_score(partner)


@maker("credit-sanction")
def _credit_sanction(partner):
    from credit.models import CreditSanction

    score = _approved_credit_score(partner, month=dt.date(2026, 9, 1))
    return CreditSanction.objects.create(
        partner=partner, origin_partner=partner, credit_score=score, month=score.month, grade="C",
        code="no_new_codes", action=RestrictedAction.APPLY_CODES, rule_id="R-K-RANGE",
        issued_on=dt.date(2026, 10, 9), due_on=dt.date(2026, 10, 15),
    )


@maker("blocked")
def _blocked(partner):
    _restriction(partner)
    return partner


@maker("company-importance")
def _company_importance(partner):
    from tests.credit.factories import CompanyImportanceEvidenceFactory

    return CompanyImportanceEvidenceFactory(partner=partner)


@maker("major-violation")
def _major_violation(partner):
    from core.choices import ApprovalStatus
    from tests.credit.factories import MajorViolationFactory

    return MajorViolationFactory(partner=partner, status=ApprovalStatus.APPROVED, effective_on=dt.date(2026, 10, 20))


# --- mobile newspaper (R-N-*) ------------------------------------------------------------------------------------


def _newspaper_listed(partner):
    from tests.newspaper import factories as newspaper

    newspaper.qualify(partner)
    return newspaper.listed(partner, name=f"{partner.code}新闻早晚报")


@maker("newspaper-product")
def _newspaper_product(partner):
    from tests.newspaper import factories as newspaper

    return newspaper.product(partner, name=f"{partner.code}掌握生活", category="lifestyle")


@maker("newspaper-catalogue")
def _newspaper_catalogue(partner):
    return _newspaper_listed(partner)


@maker("newspaper-document")
def _newspaper_document(partner):
    from tests.newspaper import factories as newspaper

    return newspaper.document(partner)


@maker("newspaper-test")
def _newspaper_test(partner):
    return _newspaper_listed(partner).tests.get()


@maker("newspaper-breach")
def _newspaper_breach(partner):
    from newspaper.services import breach_record
    from tests.newspaper import factories as newspaper

    breach = breach_record(product=_newspaper_listed(partner), breach_class=5, occurred_on=dt.date(2026, 5, 4),
                           description="标点错误", evidence="截图", found_by="巡检")
    return newspaper.publish(breach)


@maker("newspaper-operating-score")
def _newspaper_operating_score(partner):
    from newspaper.services import operating_score_compute

    return operating_score_compute(product=_newspaper_listed(partner), year=2026)
