"""Eligibility of code applications with the numbers: R-B-BATCH, R-B-FIRST, R-B-MORE, R-B-BLOCK, R-B-SCOPE."""

import datetime as dt
from decimal import Decimal

import pytest

from codes.choices import ApplicationType, CodeKind, CodeStatus, GrantBasis
from codes.models import CodeApplication, CodeBatch
from codes.services import batch_close
from core.choices import ApprovalStatus
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from partners.choices import CooperationType, PartnerClass
from tests.factories import MonthlyContributionFactory, PartnerFactory

from .conftest import APPLY_DAY, apply, item_for, make_contract
from .factories import BusinessCodeFactory, CodeMonthlyStatFactory

pytestmark = pytest.mark.django_db

JOINT, SALES = CooperationType.JOINT_MEMBERSHIP, CooperationType.SALES_CHANNEL
ORDINARY, CORE = PartnerClass.ORDINARY, PartnerClass.CORE
STATS_MONTH = dt.date(2026, 9, 1)  # the month before the October batch (code_more_stats_lag_months = 1)


# R-B-FIRST ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cooperation_type", "partner_class", "kind", "already", "first"),
    [
        (JOINT, ORDINARY, CodeKind.MONTHLY, 0, True),
        (JOINT, ORDINARY, CodeKind.MONTHLY, 1, False),
        (JOINT, ORDINARY, CodeKind.PER_USE, 0, False),
        (JOINT, CORE, CodeKind.MONTHLY, 2, True),
        (JOINT, CORE, CodeKind.MONTHLY, 3, False),
        (SALES, ORDINARY, CodeKind.MONTHLY, 0, True),
        (SALES, ORDINARY, CodeKind.MONTHLY, 1, False),
        (SALES, CORE, CodeKind.MONTHLY, 1, False),
        (SALES, ORDINARY, CodeKind.PER_USE, 4, True),
        (SALES, CORE, CodeKind.PER_USE, 5, False),
    ],
)
def test_first_batch_limits_by_partner_kind_r_b_first(cooperation_type, partner_class, kind, already, first,
                                                      staff_user):
    """R-B-FIRST: within the contract's first application batch, ordinary joint member 1 monthly; core joint ≤3
    monthly; other partners ≤1 monthly, ≤5 per-use (counting the batch's earlier applications of the kind)."""
    contract = make_contract(cooperation_type, partner_class)
    for _ in range(already):
        apply(contract, staff_user, kind=kind)
    application = apply(contract, staff_user, kind=kind)
    [first_item] = item_for(application, "R-B-FIRST")
    assert first_item["passed"] is first
    assert f"本合同首批已分配或申请中 {already} 个" in first_item["detail"]
    expected_type = ApplicationType.FIRST_BATCH if first else ApplicationType.ADDITIONAL
    assert application.application_type == expected_type
    assert application.eligible is first  # no revenue or contribution behind an additional one here
    if not first:
        assert {i["rule"] for i in application.eligibility} >= {"R-B-MORE"}


@pytest.mark.parametrize("status", [CodeStatus.ACTIVE, CodeStatus.RECYCLED])
def test_a_contract_that_holds_or_held_a_code_applies_under_r_b_more_r_b_first(status, staff_user):
    """R-B-FIRST is the first application under a contract (首次申请), not a lifetime allowance: a sales-channel
    partner holding (or having held) a per-use code since 2025 applies under R-B-MORE and needs the 1万-orders
    average — 9,999 orders fail it, 10,000 pass."""
    contract = make_contract(SALES, ORDINARY, start_date=dt.date(2025, 1, 1))
    held = BusinessCodeFactory(contract=contract, kind=CodeKind.PER_USE, status=status,
                               effective_date=dt.date(2025, 3, 1))
    CodeMonthlyStatFactory(code=held, month=STATS_MONTH, orders=9999)
    application = apply(contract, staff_user, kind=CodeKind.PER_USE)
    [first_item] = item_for(application, "R-B-FIRST")
    assert first_item["passed"] is False and "已分配过 1 个代码" in first_item["detail"]
    assert application.application_type == ApplicationType.ADDITIONAL and not application.eligible
    revenue = [i for i in item_for(application, "R-B-MORE") if "按次" in i["detail"] or "订购" in i["detail"]]
    assert revenue and revenue[0]["passed"] is False

    if status == CodeStatus.RECYCLED:
        return  # a recycled code is no longer allocated: nothing to average
    held.stats.filter(month=STATS_MONTH).update(orders=10000)
    again = apply(contract, staff_user, kind=CodeKind.PER_USE)
    assert again.application_type == ApplicationType.ADDITIONAL and again.eligible
    assert again.grant_basis == GrantBasis.MORE_REVENUE


def test_a_new_contract_has_its_own_first_batch_r_b_first(staff_user):
    """首次申请 is per cooperation (contract): codes under the partner's other contract do not use it up."""
    partner = PartnerFactory()
    old = make_contract(SALES, ORDINARY, partner=partner, start_date=dt.date(2019, 1, 1),
                        end_date=dt.date(2024, 12, 31))
    BusinessCodeFactory(contract=old, kind=CodeKind.MONTHLY, status=CodeStatus.RECYCLED)
    new = make_contract(JOINT, ORDINARY, partner=partner, start_date=dt.date(2025, 1, 1))
    application = apply(new, staff_user)
    assert application.application_type == ApplicationType.FIRST_BATCH and application.eligible


def test_pending_applications_use_the_first_batch_allowance(staff_user):
    """R-B-FIRST: an ordinary joint member's second monthly application in a batch is an additional one."""
    contract = make_contract(JOINT, ORDINARY)
    first = apply(contract, staff_user)
    second = apply(contract, staff_user)
    assert first.application_type == ApplicationType.FIRST_BATCH
    assert second.application_type == ApplicationType.ADDITIONAL
    assert not second.eligible


# R-B-MORE revenue ---------------------------------------------------------------------------------------


def _monthly_codes_with_users(contract, users):
    for value in users:
        CodeMonthlyStatFactory(code=BusinessCodeFactory(contract=contract), month=STATS_MONTH, users=value)


@pytest.mark.parametrize(
    ("users", "eligible"),
    [
        ([10000, 90000], True),    # every code ≥ 10,000, average 50,000
        ([9999, 90001], False),    # average 50,000 but one code at 9,999
        ([10000, 89998], False),   # average 49,999
        ([50000], True),
        ([49999], False),
    ],
    ids=["10000-avg50000", "9999", "avg49999", "one-50000", "one-49999"],
)
def test_additional_monthly_code_by_users(users, eligible, staff_user):
    """R-B-MORE: every allocated monthly code ≥ 10,000 users and their average ≥ 50,000."""
    contract = make_contract(SALES, ORDINARY)
    _monthly_codes_with_users(contract, users)
    application = apply(contract, staff_user)
    assert application.application_type == ApplicationType.ADDITIONAL
    revenue = [i for i in item_for(application, "R-B-MORE") if "收入条件" in i["detail"]][0]
    assert revenue["passed"] is eligible
    assert "2026-09" in revenue["detail"] and "10000" in revenue["detail"] and "50000" in revenue["detail"]
    assert application.eligible is eligible
    assert application.grant_basis == (GrantBasis.MORE_REVENUE if eligible else GrantBasis.NONE)


def test_codes_without_statistics_count_zero_users(staff_user):
    """R-B-MORE: an allocated code without statistics for the month counts 0 users."""
    contract = make_contract(SALES, ORDINARY)
    _monthly_codes_with_users(contract, [80000])
    BusinessCodeFactory(contract=contract, status=CodeStatus.APPLIED)
    application = apply(contract, staff_user)
    assert not application.eligible


@pytest.mark.parametrize(("orders", "eligible"), [(9999, False), (10000, True)])
def test_additional_per_use_code_by_average_orders(orders, eligible, staff_user):
    """R-B-MORE: allocated per-use codes average ≥ 10,000 orders a month."""
    contract = make_contract(SALES, ORDINARY)
    for value in [orders - 1000, orders, orders + 1000, orders, orders]:
        code = BusinessCodeFactory(contract=contract, kind=CodeKind.PER_USE)
        CodeMonthlyStatFactory(code=code, month=STATS_MONTH, orders=value)
    application = apply(contract, staff_user, kind=CodeKind.PER_USE)
    assert application.application_type == ApplicationType.ADDITIONAL
    revenue = [i for i in item_for(application, "R-B-MORE") if "订购次数" in i["detail"]][0]
    assert revenue["passed"] is eligible
    assert application.eligible is eligible


def test_no_allocated_code_gives_no_revenue_basis(staff_user):
    """R-B-MORE: a joint member's per-use application has no allocated per-use codes to judge."""
    contract = make_contract(JOINT, ORDINARY)
    application = apply(contract, staff_user, kind=CodeKind.PER_USE)
    revenue = [i for i in item_for(application, "R-B-MORE") if "收入条件" in i["detail"]][0]
    assert not revenue["passed"] and "尚无已分配的按次代码" in revenue["detail"]


# R-B-MORE resource contribution ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purchases", "ads", "granted", "eligible", "remaining"),
    [
        (Decimal("299000.00"), Decimal("0"), 0, False, 0),      # 29.9万
        (Decimal("200000.00"), Decimal("100000.00"), 0, True, 1),  # 30万 (purchases + ads)
        (Decimal("600000.00"), Decimal("0"), 1, True, 1),       # 60万, one already granted on that basis
        (Decimal("600000.00"), Decimal("0"), 2, False, 0),      # 60万, both used
        (Decimal("299999.99"), Decimal("0"), 0, False, 0),
    ],
    ids=["29.9万", "30万", "60万-1-used", "60万-2-used", "299999.99"],
)
def test_additional_code_by_resource_contribution(purchases, ads, granted, eligible, remaining, staff_user):
    """R-B-MORE: one code per full 30万 of purchases or ads in the contract period, less codes granted so."""
    contract = make_contract(SALES, ORDINARY, start_date=dt.date(2025, 1, 1))
    _monthly_codes_with_users(contract, [0])
    for _ in range(granted):
        BusinessCodeFactory(contract=contract, grant_basis=GrantBasis.MORE_CONTRIBUTION)
    MonthlyContributionFactory(partner=contract.partner, cooperation_type=SALES, month=dt.date(2025, 3, 1),
                               product_purchases=purchases, ads_placed=ads)
    application = apply(contract, staff_user)
    contribution = [i for i in item_for(application, "R-B-MORE") if "资源贡献" in i["detail"]][0]
    assert contribution["passed"] is eligible
    assert f"剩余 {remaining} 个" in contribution["detail"]
    assert application.eligible is eligible
    assert application.grant_basis == (GrantBasis.MORE_CONTRIBUTION if eligible else GrantBasis.NONE)


@pytest.mark.parametrize(
    ("contribution", "eligible"),
    [({"ad_sales": Decimal("300000.00")}, True),                                    # sold as agent: 投放（代理）
     ({"ad_sales": Decimal("299999.99")}, False),
     ({"ad_sales": Decimal("150000.00"), "ads_placed": Decimal("150000.00")}, True),
     ({"product_purchases": Decimal("300000.00"), "product_category": "music_card"}, True),
     ({"product_purchases": Decimal("300000.00"), "product_category": "game_coins"}, False),  # not appendix 7
     ({"product_purchases": Decimal("300000.00"), "product_category": ""}, False)],
    ids=["ad-sales-30万", "ad-sales-29.99万", "placed+sold", "card-purchase", "unlisted-category", "no-category"],
)
def test_ads_sold_as_agent_and_listed_purchases_count_r_b_more(contribution, eligible, staff_user):
    """R-B-MORE: 购买了咪咕音乐产品/服务（见附录 7）或投放（代理）了咪咕音乐广告 — ads placed and ads sold as agent
    together, and purchases only of a purchasable category (R-K-PRODUCTS); 30万 → one extra code."""
    contract = make_contract(SALES, ORDINARY, start_date=dt.date(2025, 1, 1))
    _monthly_codes_with_users(contract, [0])
    MonthlyContributionFactory(partner=contract.partner, cooperation_type=SALES, month=dt.date(2025, 3, 1),
                               **contribution)
    application = apply(contract, staff_user)
    contribution_item = [i for i in item_for(application, "R-B-MORE") if "资源贡献" in i["detail"]][0]
    assert contribution_item["passed"] is eligible
    assert application.eligible is eligible
    if eligible:
        assert "剩余 1 个" in contribution_item["detail"]


def test_contributions_outside_the_contract_period_do_not_count(staff_user):
    """R-B-MORE: only purchases/ads within the contract period count."""
    contract = make_contract(SALES, ORDINARY, start_date=dt.date(2025, 6, 1))
    _monthly_codes_with_users(contract, [0])
    MonthlyContributionFactory(partner=contract.partner, cooperation_type=SALES, month=dt.date(2025, 5, 1),
                               product_purchases=Decimal("900000"))
    MonthlyContributionFactory(partner=contract.partner, cooperation_type=JOINT, month=dt.date(2025, 7, 1),
                               product_purchases=Decimal("900000"))
    application = apply(contract, staff_user)
    assert not application.eligible


def test_pending_contribution_application_uses_the_allowance(staff_user):
    """R-B-MORE: codes already applied for on the contribution basis are counted."""
    contract = make_contract(SALES, ORDINARY)
    _monthly_codes_with_users(contract, [0])
    MonthlyContributionFactory(partner=contract.partner, cooperation_type=SALES, month=dt.date(2026, 1, 1),
                               ads_placed=Decimal("300000"))
    first = apply(contract, staff_user)
    second = apply(contract, staff_user)
    assert first.grant_basis == GrantBasis.MORE_CONTRIBUTION and first.eligible
    assert not second.eligible


# R-B-BLOCK ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule_id", "reason"), [("R-D-WARN", "一级预警：暂停申请新代码1个月"),
                                                 ("R-K-RANGE", "信用等级C：不得申请新业务代码")],
                         ids=["level-1-warning", "grade-C"])
def test_blocked_application_shows_reason_and_rule(rule_id, reason, staff_user):
    """R-B-BLOCK: a warning suspension (R-D-WARN) or grade C sanction (R-K-RANGE) blocks new applications."""
    contract = make_contract(SALES, ORDINARY)
    restriction_create(
        partner=contract.partner, action=RestrictedAction.APPLY_CODES, starts_on=dt.date(2026, 10, 1),
        ends_on=dt.date(2026, 11, 1), rule_id=rule_id, source=contract.partner, source_key=f"test-{rule_id}",
        reason=reason,
    )
    application = apply(contract, staff_user)
    [block] = item_for(application, "R-B-BLOCK")
    assert block["passed"] is False
    assert block["blocked_by"] == rule_id
    assert rule_id in block["detail"] and reason in block["detail"] and "申请新业务代码" in block["detail"]
    assert application.eligible is False
    # first-batch room alone does not make it eligible
    assert item_for(application, "R-B-FIRST")[0]["passed"] is True

    counts = batch_close(batch=application.batch, actor=staff_user)
    application.refresh_from_db()
    assert counts == {"submitted": 0, "returned": 1}
    assert application.status == ApprovalStatus.RETURNED
    assert "R-B-BLOCK" in application.return_reason and rule_id in application.return_reason


@pytest.mark.parametrize(
    ("starts", "ends", "cooperation_type", "blocked"),
    [
        (dt.date(2026, 9, 15), dt.date(2026, 10, 15), "", False),  # ended the day of the application
        (dt.date(2026, 9, 15), dt.date(2026, 10, 16), "", True),
        (dt.date(2026, 10, 1), None, CooperationType.JOINT_MEMBERSHIP, False),  # other cooperation type
        (dt.date(2026, 10, 1), None, CooperationType.SALES_CHANNEL, True),
    ],
)
def test_block_period_and_scope(starts, ends, cooperation_type, blocked, staff_user):
    """R-B-BLOCK: only a restriction in force on the application day and for the contract's type blocks."""
    contract = make_contract(SALES, ORDINARY)
    restriction_create(
        partner=contract.partner, action=RestrictedAction.APPLY_CODES, starts_on=starts, ends_on=ends,
        rule_id="R-D-WARN", source=contract.partner, source_key="k", cooperation_type=cooperation_type,
    )
    application = apply(contract, staff_user)
    assert application.eligible is not blocked


def test_broader_restriction_blocks_too(staff_user):
    """R-B-BLOCK: suspending all sales cooperation (grade F) also stops code applications."""
    contract = make_contract(SALES, ORDINARY)
    restriction_create(partner=contract.partner, action=RestrictedAction.SALES, starts_on=dt.date(2026, 1, 1),
                       ends_on=None, rule_id="R-K-RANGE", source=contract.partner, source_key="f")
    assert not apply(contract, staff_user).eligible


# R-B-SCOPE / R-B-BATCH ---------------------------------------------------------------------------------


def test_category_outside_partner_scope_is_not_eligible(staff_user):
    """R-B-SCOPE: the rule set lists the categories partners may apply for."""
    from scoring.models import RuleEntry

    RuleEntry.objects.filter(rule_set__version=1, key="code_partner_categories").update(
        value={"items": ["channel_exclusive"]})
    application = apply(make_contract(), staff_user, category="platinum_member")
    [scope] = item_for(application, "R-B-SCOPE")
    assert not scope["passed"] and not application.eligible


def test_applications_gather_into_one_batch_per_month(staff_user):
    """R-B-BATCH: one batch per month; a closed batch takes no more applications."""
    contract = make_contract()
    october = [apply(contract, staff_user, on=dt.date(2026, 10, day)) for day in (1, 31)]
    november = apply(contract, staff_user, on=dt.date(2026, 11, 2))
    assert october[0].batch == october[1].batch != november.batch
    assert CodeBatch.objects.count() == 2
    assert [i for i in october[0].eligibility if i["rule"] == "R-B-BATCH"][0]["detail"] == "纳入 2026-10 月度申请批次"
    batch_close(batch=october[0].batch, actor=staff_user)
    with pytest.raises(Exception) as exc:
        apply(contract, staff_user, on=dt.date(2026, 10, 31))
    assert "R-B-BATCH" in str(exc.value) and "batch" in str(exc.value)
    assert CodeApplication.objects.count() == 3


def test_batch_close_submits_eligible_and_returns_the_rest(staff_user):
    """R-B-BATCH: closing hands eligible applications to review and returns ineligible ones with reasons."""
    contract = make_contract(JOINT, ORDINARY)
    ok, extra = apply(contract, staff_user), apply(contract, staff_user)
    assert batch_close(batch=ok.batch, actor=staff_user) == {"submitted": 1, "returned": 1}
    ok.refresh_from_db()
    extra.refresh_from_db()
    assert (ok.status, ok.stage) == (ApprovalStatus.SUBMITTED, "initial_review")
    assert extra.status == ApprovalStatus.RETURNED and "R-B-MORE" in extra.return_reason


def test_expired_contract_and_bad_input_write_nothing(staff_user):
    contract = make_contract(end_date=dt.date(2026, 6, 30))
    with pytest.raises(Exception) as exc:
        apply(contract, staff_user)
    assert "contract" in str(exc.value)
    with pytest.raises(Exception) as exc:
        apply(make_contract(), staff_user, price="abc")
    assert "price" in str(exc.value)
    with pytest.raises(Exception) as exc:
        apply(make_contract(), staff_user, category="migu_own")
    assert "category" in str(exc.value)
    assert CodeApplication.objects.count() == 0
    assert APPLY_DAY.month == 10
