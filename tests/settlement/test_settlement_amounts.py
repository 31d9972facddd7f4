"""Settlement amounts: R-S-BASE, R-S-WARN (payout at each warning level), R-S-EXTRA (≥ 50 % by decision),
R-S-NEG (write-downs, carry-forward, offsets by decision), R-S-HOLD (held, then released) and the stop from the
month of a major-violation termination (R-X-EXIT). Exact to the fen with the one rounding rule (money())."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partners.choices import CooperationType, PartnerStatus
from settlement.models import ExtraDeduction, SettlementStatement
from settlement.services import extra_deduction_record, negative_offset_decide, write_down_record
from tests.factories import ContractFactory, PartnerFactory, RelatedGroupFactory
from tests.scoring.factories import make_warning

from .factories import DEC, NOV, OCT, restrict_settlement, run, set_revenue, statement_of

pytestmark = pytest.mark.django_db

M = Decimal


def contract(share="0.4500", **kwargs):
    return ContractFactory(revenue_share=M(share), **kwargs)


def items_total(statement) -> Decimal:
    return sum((M(item["points"]) for item in statement.items), M("0.00"))


@pytest.mark.parametrize(
    ("level", "percent", "factor", "settled"),
    [(0, 100, 1.0, "4500.00"), (1, 75, 0.75, "3375.00"), (2, 50, 0.5, "2250.00"), (3, 25, 0.25, "1125.00"),
     (4, 0, 0.0, "0.00")],
)
def test_payout_at_each_warning_level(level, percent, factor, settled):
    """R-S-BASE: 10,000.00 × 0.45 = 4,500.00; R-S-WARN: × the month's highest warning level's payout percent."""
    c = contract()
    set_revenue(c, OCT, "10000.00")
    if level:
        make_warning(c.partner, month=OCT, level=level, notification_count=5 * level)
    run(OCT)
    s = statement_of(c, OCT)
    assert (s.payable, s.warning_level, s.warning_percent, float(s.warning_factor)) == (
        M("4500.00"), level, M(percent), factor)
    assert s.settled == s.amount_due == M(settled)
    rules = [item["rule"] for item in s.items]
    assert rules[:2] == ["R-S-BASE", "R-S-WARN"]
    assert items_total(s) == s.amount_due


def test_warning_of_another_business_or_month_does_not_count():
    c = contract()
    set_revenue(c, OCT, "10000.00")
    make_warning(c.partner, month=OCT, level=4, cooperation_type=CooperationType.JOINT_MEMBERSHIP)
    make_warning(c.partner, month=NOV, level=4)
    run(OCT)
    assert statement_of(c, OCT).warning_level == 0 and statement_of(c, OCT).amount_due == M("4500.00")


@pytest.mark.parametrize(
    ("revenue", "share", "level", "payable", "settled"),
    [
        ("0.01", "0.5000", 0, "0.01", "0.01"),              # 0.005 → 0.01: ROUND_HALF_UP, not banker's rounding
        ("0.03", "0.5000", 1, "0.02", "0.02"),              # 0.015 → 0.02; × 75 % = 0.015 → 0.02
        ("12345.67", "0.4500", 1, "5555.55", "4166.66"),    # 5555.5515 → 5555.55; × 75 % = 4166.6625 → 4166.66
        ("99999.99", "0.3333", 3, "33330.00", "8332.50"),   # 33329.996667 → 33330.00; × 25 %
    ],
)
def test_one_rounding_rule_to_the_fen(revenue, share, level, payable, settled):
    """R-S-BASE / R-S-WARN: every product is rounded once with money() (元, 2 places, ROUND_HALF_UP)."""
    c = contract(share=share)
    set_revenue(c, OCT, revenue)
    if level:
        make_warning(c.partner, month=OCT, level=level)
    run(OCT)
    s = statement_of(c, OCT)
    assert (s.payable, s.settled) == (M(payable), M(settled))


@pytest.mark.parametrize(
    ("percent", "accepted", "deducted", "due", "carried"),
    [("49.99", False, None, None, None), ("50", True, "5000.00", "2500.00", "0.00"),
     ("75", True, "7500.00", "0.00", "0.00"), ("100", True, "10000.00", "0.00", "-2500.00"),
     ("100.01", False, None, None, None), ("0", False, None, None, None)],
)
def test_extra_deduction_below_the_minimum_is_refused_r_s_extra(percent, accepted, deducted, due, carried):
    """R-S-EXTRA: at least 50 % of the violation month's settlement amount *before* the warning factor
    (业务违规当月结算金额 = payable): payable 10,000.00 with a level-1 warning (settled 7,500.00) → minimum 5,000.00."""
    c = contract(share="0.5000")
    set_revenue(c, OCT, "20000.00")
    make_warning(c.partner, month=OCT, level=1)
    record = {"contract": c, "month": OCT, "percent": M(percent), "cause": "upgraded_complaint",
              "decided_by": "gm_office", "decided_on": dt.date(2026, 11, 3), "decision_reference": "总办会〔2026〕12号"}
    if not accepted:
        with pytest.raises(ValidationError) as error:
            extra_deduction_record(**record)
        assert "R-S-EXTRA" in error.value.message_dict["percent"][0]
        assert not ExtraDeduction.objects.exists()
        return
    extra_deduction_record(**record)
    run(OCT)
    s = statement_of(c, OCT)
    assert (s.payable, s.settled) == (M("10000.00"), M("7500.00"))
    assert (s.extra_deductions, s.amount_due, s.carried_forward) == (M(deducted), M(due), M(carried))
    assert any(item["rule"] == "R-S-EXTRA" for item in s.items)
    assert items_total(s) == s.amount_due


def test_extra_deduction_decided_after_approval_is_booked_later_on_the_violation_month_r_s_extra(
        staff_user, division_leader):
    """R-S-EXTRA: a decision taken after the violation month's statement was approved is booked on the next open
    statement, measured on the violation month's payable (October 10,000.00 → 5,000.00), not November's."""
    from core.approval import approval_approve, approval_submit

    c = contract(share="0.5000")
    set_revenue(c, OCT, "20000.00")
    set_revenue(c, NOV, "4000.00")
    make_warning(c.partner, month=OCT, level=1)
    run(OCT)
    october = statement_of(c, OCT)
    approval_submit(obj=october, actor=staff_user)
    approval_approve(obj=october, actor=division_leader)

    deduction = extra_deduction_record(
        contract=c, month=OCT, percent=M("50"), cause="media_complaint", decided_by="topic_meeting",
        decided_on=dt.date(2026, 11, 20), decision_reference="专题会纪要 9 号")
    assert (deduction.month, deduction.booked_month) == (OCT, NOV)
    run(OCT)  # the approved October statement is unchanged: the run is not refused
    assert statement_of(c, OCT).extra_deductions == M("0.00")
    run(NOV)
    s = statement_of(c, NOV)
    assert (s.payable, s.extra_deductions, s.amount_due, s.carried_forward) == (
        M("2000.00"), M("5000.00"), M("0.00"), M("-3000.00"))
    line = next(item for item in s.items if item["rule"] == "R-S-EXTRA")
    assert "2026-10" in line["detail"] and "10000.00" in line["detail"]
    assert items_total(s) == s.amount_due


def test_extra_deduction_needs_a_recorded_decision():
    c = contract()
    with pytest.raises(ValidationError) as error:
        extra_deduction_record(contract=c, month=OCT, percent=M("60"), cause="media_complaint",
                               decided_by="topic_meeting", decided_on=dt.date(2026, 11, 3), decision_reference=" ")
    assert "decision_reference" in error.value.message_dict


# (month, revenue, write-down, brought forward, amount due, carried forward)
CARRY = [
    (OCT, "1000.00", "2000.00", "0.00", "0.00", "-1500.00"),
    (NOV, "600.00", None, "-1500.00", "0.00", "-1200.00"),
    (DEC, "4000.00", None, "-1200.00", "800.00", "0.00"),
]


def test_negative_settlement_carried_over_two_months():
    """R-S-NEG: a write-down larger than the month's payable carries forward until it is absorbed."""
    c = contract(share="0.5000")
    for month, revenue, write_down, *_ in CARRY:
        set_revenue(c, month, revenue)
        if write_down:
            write_down_record(contract=c, month=month, amount=M(write_down), reference="HX-1", reason="坏账核减")
    for month, _, _, brought, due, carried in CARRY:
        run(month)
        s = statement_of(c, month)
        assert (s.brought_forward, s.amount_due, s.carried_forward) == (M(brought), M(due), M(carried)), month
        assert items_total(s) == s.amount_due
        assert {i["rule"] for i in s.items} >= {"R-S-BASE", "R-S-NEG"}


def test_negative_balance_offset_against_another_contract_by_decision():
    """R-S-NEG: by decision, a contract's negative balance is deducted from the partner's other cooperation."""
    partner = PartnerFactory()
    sales = contract(share="0.5000", partner=partner)
    joint = contract(share="0.5000", partner=partner, cooperation_type=CooperationType.JOINT_MEMBERSHIP)
    set_revenue(sales, OCT, "1000.00")
    write_down_record(contract=sales, month=OCT, amount=M("2000.00"))
    run(OCT)
    set_revenue(joint, NOV, "2000.00")
    negative_offset_decide(from_contract=sales, to_contract=joint, month=NOV, decision_reference="专题会纪要 7 号")
    run(NOV)
    s, j = statement_of(sales, NOV), statement_of(joint, NOV)
    assert (s.brought_forward, s.offsets, s.carried_forward, s.amount_due) == (
        M("-1500.00"), M("1000.00"), M("-500.00"), M("0.00"))
    assert (j.payable, j.offsets, j.amount_due, j.carried_forward) == (
        M("1000.00"), M("-1000.00"), M("0.00"), M("0.00"))
    assert items_total(s) == s.amount_due and items_total(j) == j.amount_due


def test_offset_only_between_the_same_partners_contracts():
    with pytest.raises(ValidationError) as error:
        negative_offset_decide(from_contract=contract(), to_contract=contract(), month=NOV, decision_reference="x")
    assert "to_contract" in error.value.message_dict


def _terminated_with_unpaid_penalty(group):
    """A terminated partner whose October left -1,500.00 unpaid (write-down beyond the month's payable)."""
    partner = PartnerFactory(related_group=group)
    own = contract(share="0.5000", partner=partner)
    set_revenue(own, OCT, "1000.00")
    write_down_record(contract=own, month=OCT, amount=M("2000.00"), reference="HX-9", reason="违约金未付")
    run(OCT)
    partner.status = PartnerStatus.TERMINATED
    partner.save()
    return own


def test_unpaid_penalty_deducted_from_a_related_companys_held_payments_by_decision_r_k_linked():
    """R-K-LINKED: a terminated partner's unpaid amount may be deducted from its related companies' unsettled
    payments (若其违约金未足额支付的，可扣除其关联公司未结算款补足), by a recorded decision."""
    group = RelatedGroupFactory()
    own = _terminated_with_unpaid_penalty(group)
    related = contract(share="0.5000", partner=PartnerFactory(related_group=group))
    restrict_settlement(related.partner, dt.date(2026, 10, 31), None, action="all_cooperation", rule_id="R-K-LINKED")
    set_revenue(related, NOV, "4000.00")
    negative_offset_decide(from_contract=own, to_contract=related, month=NOV, decision_reference="总办会〔2026〕15号")
    run(NOV)
    s, r = statement_of(own, NOV), statement_of(related, NOV)
    assert (s.brought_forward, s.offsets, s.carried_forward, s.amount_due) == (
        M("-1500.00"), M("1500.00"), M("0.00"), M("0.00"))
    assert (r.payable, r.offsets, r.on_hold, r.held_balance, r.amount_due) == (
        M("2000.00"), M("-1500.00"), True, M("500.00"), M("0.00"))
    assert [i["rule"] for i in s.items if i["points"] == "1500.00"] == ["R-K-LINKED"]
    assert items_total(s) == s.amount_due and items_total(r) == r.amount_due


@pytest.mark.parametrize("why", ["not_terminated", "not_related"])
def test_offset_across_partners_only_for_a_terminated_partner_onto_its_related_companies_r_k_linked(why):
    group = RelatedGroupFactory()
    own = _terminated_with_unpaid_penalty(group)
    if why == "not_terminated":
        own.partner.status = PartnerStatus.ACTIVE
        own.partner.save()
        target = contract(partner=PartnerFactory(related_group=group))
    else:
        target = contract(partner=PartnerFactory(related_group=RelatedGroupFactory()))
    with pytest.raises(ValidationError) as error:
        negative_offset_decide(from_contract=own, to_contract=target, month=NOV, decision_reference="纪要")
    assert "R-K-LINKED" in error.value.message_dict["to_contract"][0]


# (month, revenue, held?, amount due, released, held balance) with a credit sanction from 10-15 until 12-01
HOLD = [
    (OCT, "1000.00", True, "0.00", "0.00", "500.00"),
    (NOV, "1000.00", True, "0.00", "0.00", "1000.00"),
    (DEC, "1000.00", False, "1500.00", "1000.00", "0.00"),
]


def test_held_settlement_is_released_when_the_sanction_lifts():
    """R-S-HOLD: held (not forfeited) while a credit sanction suspends settlement; released when it ends."""
    c = contract(share="0.5000")
    restrict_settlement(c.partner, dt.date(2026, 10, 15), dt.date(2026, 12, 1))
    for month, revenue, held, due, released, balance in HOLD:
        set_revenue(c, month, revenue)
        run(month)
        s = statement_of(c, month)
        assert (s.on_hold, s.amount_due, s.released, s.held_balance) == (held, M(due), M(released), M(balance))
        assert items_total(s) == s.amount_due
        assert any(item["rule"] == "R-S-HOLD" for item in s.items)


@pytest.mark.parametrize(
    ("action", "rule_id", "cooperation_type", "held"),
    [
        ("settlement", "R-K-RANGE", "", True),
        ("all_cooperation", "R-K-LINKED", "", True),       # related-company sanction: all cooperation, all settlement
        ("settlement", "R-K-RANGE", CooperationType.JOINT_MEMBERSHIP, False),
        ("promote", "R-C-WARN-ESC", "", False),            # promotion of all business suspended: settlement paid
    ],
)
def test_which_restrictions_hold_settlement(action, rule_id, cooperation_type, held):
    c = contract(share="0.5000")
    set_revenue(c, OCT, "1000.00")
    restrict_settlement(c.partner, dt.date(2026, 10, 31), None, action=action, rule_id=rule_id,
                        cooperation_type=cooperation_type)
    run(OCT)
    s = statement_of(c, OCT)
    assert s.on_hold is held and s.held_balance == (M("500.00") if held else M("0.00"))


def test_hold_lifted_before_the_month_does_not_hold_it():
    c = contract(share="0.5000")
    set_revenue(c, NOV, "1000.00")
    restriction = restrict_settlement(c.partner, dt.date(2026, 9, 1), None)
    from enforcement.services import restriction_lift

    restriction_lift(restriction=restriction, on=dt.date(2026, 11, 1), reason="等级恢复")
    run(NOV)
    assert not statement_of(c, NOV).on_hold


@pytest.mark.parametrize("how", ["restriction", "partner_terminated"])
def test_nothing_is_paid_from_the_month_of_a_major_violation_termination(how):
    """R-S-HOLD / R-X-EXIT: settlement stops from the month of termination (earlier months are still paid)."""
    c = contract(share="0.5000")
    if how == "restriction":
        restrict_settlement(c.partner, dt.date(2026, 11, 10), None, rule_id="R-X-EXIT")
    else:
        # terminated with a 2-year re-entry ban until 2028-11-10 → terminated on 2026-11-10
        c.partner.status, c.partner.reentry_banned_until = PartnerStatus.TERMINATED, dt.date(2028, 11, 10)
        c.partner.save()
    expected = {OCT: ("500.00", False, "0.00"), NOV: ("0.00", True, "500.00"), DEC: ("0.00", True, "500.00")}
    for month, (due, stopped, stopped_amount) in expected.items():
        set_revenue(c, month, "1000.00")
        run(month)
        s = statement_of(c, month)
        assert (s.amount_due, s.stopped, s.stopped_amount) == (M(due), stopped, M(stopped_amount)), month
        assert items_total(s) == s.amount_due


def test_statement_sums_are_exact_to_the_fen():
    """Money exact: Σ items = amount due per statement, and column totals equal the sum of the rows."""
    amounts = ["333.33", "0.05", "12345.67", "99999.99", "1.01", "7.77"]
    contracts = [contract(share=share) for share in ("0.3333", "0.5000", "0.4500", "0.6667", "0.1000", "0.3000")]
    for i, (c, amount) in enumerate(zip(contracts, amounts, strict=True)):
        set_revenue(c, OCT, amount)
        make_warning(c.partner, month=OCT, level=i % 5)
    run(OCT)
    statements = list(SettlementStatement.objects.filter(month=OCT))
    assert len(statements) == len(contracts)
    for s in statements:
        assert items_total(s) == s.amount_due
        assert s.payable == s.payable.quantize(M("0.01")) and s.settled == s.settled.quantize(M("0.01"))
    from settlement.selectors import statement_totals

    totals = statement_totals(SettlementStatement.objects.filter(month=OCT))
    assert totals["amount_due"] == sum((s.amount_due for s in statements), M("0.00"))
    assert totals["payable"] == sum((s.payable for s in statements), M("0.00"))
