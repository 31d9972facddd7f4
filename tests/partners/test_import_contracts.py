"""Contract imports and the incubation default of R-M-INCUB (gap read from the rule book in force)."""

import datetime as dt
from decimal import Decimal

import pytest

from partners.choices import CooperationType, IncubationBasis
from partners.models import Contract
from scoring.choices import RuleSetStatus
from scoring.models import RuleSet
from scoring.services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft
from tests.factories import ContractFactory

from .import_support import csv_file, messages, run

pytestmark = pytest.mark.django_db

D = dt.date
HEADER = "partner_code,cooperation_type,start_date,end_date,revenue_share\n"
INCUBATION_HEADER = "partner_code,cooperation_type,start_date,revenue_share,incubation\n"
SALES, JOINT = CooperationType.SALES_CHANNEL, CooperationType.JOINT_MEMBERSHIP


def contract(partner, start, cooperation_type=SALES):
    return Contract.objects.get(partner=partner, cooperation_type=cooperation_type, start_date=start)


def test_contract_columns_and_idempotent_rerun(tmp_path, partner_a):
    content = HEADER + "PA,sales_channel,2024-01-01,2025-12-31,0.45\nPA,joint_membership,2024-03-01,,1\n"
    path = csv_file(tmp_path, content)
    result = run("contracts", path)
    assert result.ok and (result.created, result.updated, result.unchanged) == (2, 0, 0), messages(result)
    sales = contract(partner_a, D(2024, 1, 1))
    assert (sales.end_date, sales.revenue_share) == (D(2025, 12, 31), Decimal("0.4500"))
    assert contract(partner_a, D(2024, 3, 1), JOINT).end_date is None
    again = run("contracts", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Contract.history.count() == 2


def test_rule_m_incub_first_time_introduction(tmp_path, partner_a):
    run("contracts", csv_file(tmp_path, HEADER + "PA,sales_channel,2024-01-01,,0.5\n"))
    first = contract(partner_a, D(2024, 1, 1))
    assert (first.incubation, first.incubation_basis) == (True, IncubationBasis.FIRST_TIME)


@pytest.mark.parametrize(
    ("previous_end", "incubation", "basis"),
    [
        # R-M-INCUB: re-introduced with no same-type cooperation in the past 12 months (default gap).
        (D(2025, 1, 1), False, IncubationBasis.NONE),          # ended exactly 12 months before: still inside the gap
        (D(2024, 12, 31), True, IncubationBasis.REINTRODUCED),  # one day earlier: outside the gap
        (None, False, IncubationBasis.NONE),                   # still running
    ],
)
def test_rule_m_incub_reintroduction_gap_edges(tmp_path, partner_a, previous_end, incubation, basis):
    ContractFactory(partner=partner_a, start_date=D(2023, 1, 1), end_date=previous_end)
    result = run("contracts", csv_file(tmp_path, HEADER + "PA,sales_channel,2026-01-01,,0.5\n"))
    assert result.ok, messages(result)
    new = contract(partner_a, D(2026, 1, 1))
    assert (new.incubation, new.incubation_basis) == (incubation, basis)


def test_rule_m_incub_first_contract_of_the_other_type_is_first_time(tmp_path, partner_a):
    # Changed reading (issue 9 item 7): a partner's first contract of a type is a first-time introduction.
    ContractFactory(partner=partner_a, cooperation_type=SALES, start_date=D(2019, 1, 1))
    assert run("contracts", csv_file(tmp_path, HEADER + "PA,joint_membership,2021-01-01,,0.5\n")).ok
    joint = contract(partner_a, D(2021, 1, 1), JOINT)
    assert (joint.incubation, joint.incubation_basis) == (True, IncubationBasis.FIRST_TIME)


def test_rule_m_incub_contracts_of_one_file_are_judged_in_start_date_order(tmp_path, partner_a):
    # The later contract is listed first; the earlier one in the same file must count as "earlier".
    content = HEADER + "PA,sales_channel,2025-06-01,,0.5\nPA,sales_channel,2024-01-01,2025-05-31,0.5\n"
    assert run("contracts", csv_file(tmp_path, content)).ok
    assert contract(partner_a, D(2024, 1, 1)).incubation_basis == IncubationBasis.FIRST_TIME
    later = contract(partner_a, D(2025, 6, 1))
    assert (later.incubation, later.incubation_basis) == (False, IncubationBasis.NONE)


def test_rule_m_incub_gap_months_come_from_the_rule_book_in_force_on_the_start_date(tmp_path, partner_a, staff_user):
    draft = rule_set_copy_as_draft(source=RuleSet.objects.get(version=1), actor=staff_user)
    rule_entry_update(entry=draft.entries.get(key="incubation_reintroduction_gap_months"), value={"value": 6},
                      actor=staff_user)
    rule_set_activate(rule_set=draft, effective_from=D(2026, 1, 1), actor=staff_user)
    ContractFactory(partner=partner_a, start_date=D(2025, 1, 1), end_date=D(2026, 1, 31))
    content = HEADER + "PA,sales_channel,2026-08-01,,0.5\n"  # 6-month window starts 2026-02-01
    assert run("contracts", csv_file(tmp_path, content)).ok
    new = contract(partner_a, D(2026, 8, 1))
    assert (new.incubation, new.incubation_basis) == (True, IncubationBasis.REINTRODUCED)


@pytest.mark.parametrize(
    ("given", "incubation", "basis"),
    [
        ("true", True, IncubationBasis.DECISION),   # not eligible by default: an explicit decision (R-M-INCUB)
        ("false", False, IncubationBasis.NONE),
        ("", False, IncubationBasis.NONE),           # blank: the default applies
    ],
)
def test_rule_m_incub_explicit_column_for_a_contract_not_eligible_by_default(
    tmp_path, partner_a, given, incubation, basis
):
    ContractFactory(partner=partner_a, start_date=D(2024, 1, 1))
    content = INCUBATION_HEADER + f"PA,sales_channel,2025-01-01,0.5,{given}\n"
    assert run("contracts", csv_file(tmp_path, content)).ok
    new = contract(partner_a, D(2025, 1, 1))
    assert (new.incubation, new.incubation_basis) == (incubation, basis)


def test_rule_m_incub_explicit_true_for_an_eligible_contract_keeps_the_default_basis(tmp_path, partner_a):
    content = INCUBATION_HEADER + "PA,sales_channel,2025-01-01,0.5,是\n"
    assert run("contracts", csv_file(tmp_path, content)).ok
    assert contract(partner_a, D(2025, 1, 1)).incubation_basis == IncubationBasis.FIRST_TIME


def test_rule_m_incub_reimport_without_the_column_keeps_a_stored_decision(tmp_path, partner_a):
    ContractFactory(partner=partner_a, start_date=D(2024, 1, 1), incubation=True,
                    incubation_basis=IncubationBasis.MODE_CHANGED)
    result = run("contracts", csv_file(tmp_path, HEADER + "PA,sales_channel,2024-01-01,,0.5\n"))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    kept = contract(partner_a, D(2024, 1, 1))
    assert (kept.incubation, kept.incubation_basis) == (True, IncubationBasis.MODE_CHANGED)


def test_rule_m_incub_explicit_false_overrides_a_stored_incubation(tmp_path, partner_a):
    ContractFactory(partner=partner_a, start_date=D(2024, 1, 1), incubation=True,
                    incubation_basis=IncubationBasis.FIRST_TIME)
    content = INCUBATION_HEADER + "PA,sales_channel,2024-01-01,0.5,否\n"
    result = run("contracts", csv_file(tmp_path, content))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    changed = contract(partner_a, D(2024, 1, 1))
    assert (changed.incubation, changed.incubation_basis) == (False, IncubationBasis.NONE)


def test_contract_errors_found_while_writing_still_roll_everything_back(tmp_path, partner_a):
    RuleSet.objects.update(status=RuleSetStatus.DRAFT)  # no active rule set at all: nothing to default from
    content = HEADER + "PA,sales_channel,2024-01-01,2024-06-30,0.5\nPA,joint_membership,2024-06-01,,0.5\n"
    result = run("contracts", csv_file(tmp_path, content))
    assert messages(result) == [
        "row 2: start_date: 2024-01-01 没有任何已生效的规则集，无法按 R-M-INCUB 判断培育期；请填写 incubation 列",
        "row 3: start_date: 2024-06-01 没有任何已生效的规则集，无法按 R-M-INCUB 判断培育期；请填写 incubation 列",
    ]
    assert not Contract.objects.exists()


def test_rule_m_incub_contract_before_the_oldest_rule_set_imports_with_its_explicit_value(tmp_path):
    """Issue: `P002,sales_channel,2020-07-01,,0.4,true` was refused though the column was filled."""
    from tests.factories import PartnerFactory

    partner = PartnerFactory(code="P002")
    content = "partner_code,cooperation_type,start_date,end_date,revenue_share,incubation\n"
    content += "P002,sales_channel,2020-07-01,,0.4,true\n"
    result = run("contracts", csv_file(tmp_path, content))
    assert result.ok and result.created == 1, messages(result)
    assert contract(partner, D(2020, 7, 1)).incubation is True


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # explicit decisions are always accepted, however old the contract (R-M-INCUB)
        (["2017-03-01,,true"], [(True, IncubationBasis.FIRST_TIME)]),
        (["2018-05-01,,false"], [(False, IncubationBasis.NONE)]),
        # blank: defaults from the oldest rule set (2020-10-01, a 12-month re-introduction gap)
        (["2019-01-01,,"], [(True, IncubationBasis.FIRST_TIME)]),
        (["2017-01-01,2018-12-31,", "2020-01-01,,"],  # 12 months 2019-01 .. 2019-12 without the type
         [(True, IncubationBasis.FIRST_TIME), (True, IncubationBasis.REINTRODUCED)]),
        (["2017-01-01,2019-01-01,", "2020-01-01,,"],  # ended within the 12 months before the new start
         [(True, IncubationBasis.FIRST_TIME), (False, IncubationBasis.NONE)]),
        (["2017-01-01,2019-01-01,", "2020-01-01,,true"],  # not eligible by default, but decided
         [(True, IncubationBasis.FIRST_TIME), (True, IncubationBasis.DECISION)]),
    ],
)
def test_rule_m_incub_contracts_starting_2017_to_2020_take_defaults_from_the_oldest_rule_set(
    tmp_path, partner_a, rows, expected
):
    assert RuleSet.objects.order_by("effective_from").first().effective_from == D(2020, 10, 1)
    content = "partner_code,cooperation_type,start_date,end_date,revenue_share,incubation\n"
    content += "".join(f"PA,sales_channel,{row.split(',')[0]},{','.join(row.split(',')[1:2])},0.4,"
                       f"{row.split(',')[2]}\n" for row in rows)
    result = run("contracts", csv_file(tmp_path, content))
    assert result.ok and result.created == len(rows), messages(result)
    stored = Contract.objects.filter(partner=partner_a).order_by("start_date")
    assert [(c.incubation, c.incubation_basis) for c in stored] == expected
