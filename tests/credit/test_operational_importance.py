"""R-K-STRATEGIC operational importance from the month's stored facts: Migu ads placed *or sold as agent*
(投放（代理）咪咕音乐广告达到 5 万元) are one line; purchases count only in a purchasable category (R-K-PRODUCTS)."""

import datetime as dt
from decimal import Decimal

import pytest

from credit.rules import evaluate_strategic
from credit.selectors import credit_facts_for_month
from scoring.selectors import rule_book_in_force
from tests.factories import ContractFactory, MonthlyContributionFactory, PartnerFactory

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
D = Decimal
ROW = {"item": "strategic", "rule": "R-K-STRATEGIC"}


def operational_points(**contribution):
    partner = PartnerFactory()
    ContractFactory(partner=partner, start_date=dt.date(2024, 1, 1))
    MonthlyContributionFactory(partner=partner, month=OCT, **contribution)
    facts = credit_facts_for_month(month=OCT)[partner.pk]
    return facts, evaluate_strategic(facts, rule_book_in_force(on=OCT)[1], ROW).points


@pytest.mark.parametrize(
    ("ad_sales", "ads_placed", "points"),
    [("300000", "0", 100), ("50000", "0", 100), ("49999.99", "0", 0), ("30000", "20000", 100),
     ("29999.99", "20000", 0), ("0", "50000", 100)],
)
def test_ads_sold_as_agent_count_for_operational_importance_r_k_strategic(ad_sales, ads_placed, points):
    facts, result = operational_points(ad_sales=D(ad_sales), ads_placed=D(ads_placed))
    assert facts.ads_placed == D(ad_sales) + D(ads_placed)
    assert result == points


@pytest.mark.parametrize(
    ("category", "points"),
    [("own_membership", 100), ("joint_membership", 100), ("digital_album", 100), ("music_card", 100),
     ("merchandise", 100), ("game_coins", 0), ("", 0)],
)
def test_only_purchases_of_a_purchasable_category_count_r_k_products(category, points):
    """R-K-PRODUCTS (appendix 7): digital content, music cards, merchandise; anything else is not a purchase of
    Migu products/services for R-K-STRATEGIC."""
    facts, result = operational_points(product_purchases=D("50000"), product_category=category)
    assert facts.product_purchases == (D("50000") if points else 0)
    assert result == points
