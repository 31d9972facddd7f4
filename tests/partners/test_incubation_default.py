"""R-M-INCUB: which contracts get the incubation period when no decision is recorded."""

import datetime as dt

import pytest

from partners.choices import CooperationType, IncubationBasis
from partners.services import contract_default_incubation
from tests.factories import ContractFactory, PartnerFactory

pytestmark = pytest.mark.django_db
SALES, JOINT = CooperationType.SALES_CHANNEL, CooperationType.JOINT_MEMBERSHIP


def ask(partner, cooperation_type, start):
    return contract_default_incubation(partner=partner, cooperation_type=cooperation_type, start_date=start,
                                       gap_months=12)


def test_first_time_introduction_is_eligible():
    assert ask(PartnerFactory(), SALES, dt.date(2026, 1, 1)) == (True, IncubationBasis.FIRST_TIME)


@pytest.mark.parametrize(
    ("previous_end", "eligible"),
    [(dt.date(2025, 1, 1), True), (dt.date(2025, 1, 31), True), (dt.date(2025, 2, 1), False),
     (dt.date(2025, 12, 31), False)],
)
def test_reintroduction_needs_12_months_without_same_type(previous_end, eligible):
    partner = PartnerFactory()
    ContractFactory(partner=partner, cooperation_type=SALES, start_date=dt.date(2023, 1, 1), end_date=previous_end)
    assert ask(partner, SALES, dt.date(2026, 2, 1))[0] is eligible


def test_rule_m_incub_first_contract_of_a_new_type_is_first_time_introduction():
    """R-M-INCUB: a sales channel since 2019 signing its first joint-membership contract in 2021-01 qualifies
    (初次评审引入的合作); it used to be refused because the partner had another cooperation."""
    partner = PartnerFactory()
    ContractFactory(partner=partner, cooperation_type=SALES, start_date=dt.date(2019, 1, 1))
    assert ask(partner, JOINT, dt.date(2021, 1, 1)) == (True, IncubationBasis.FIRST_TIME)
    ContractFactory(partner=partner, cooperation_type=JOINT, start_date=dt.date(2021, 1, 1))
    # the second contract of a type held within the last 12 months is not
    assert ask(partner, JOINT, dt.date(2021, 6, 1)) == (False, IncubationBasis.NONE)
