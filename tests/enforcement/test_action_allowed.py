"""The one "is this action allowed?" selector over the restriction registry."""

import datetime as dt

import pytest

from enforcement.choices import RestrictedAction
from enforcement.selectors import action_allowed
from enforcement.services import restriction_create, restriction_lift
from partners.choices import CooperationType
from tests.factories import PartnerFactory, SubChannelFactory

pytestmark = pytest.mark.django_db

D = dt.date


def restrict(partner, action, start, end, key="k", **scope):
    return restriction_create(
        partner=partner, action=action, starts_on=start, ends_on=end, rule_id="R-D-WARN", source=partner,
        source_key=key, reason="测试", **scope,
    )


@pytest.mark.parametrize(
    ("day", "allowed"),
    [(D(2026, 9, 30), True), (D(2026, 10, 1), False), (D(2026, 10, 31), False), (D(2026, 11, 1), True)],
)
def test_period_is_start_inclusive_end_exclusive(day, allowed):
    partner = PartnerFactory()
    restrict(partner, RestrictedAction.APPLY_CODES, D(2026, 10, 1), D(2026, 11, 1))
    verdict = action_allowed(partner=partner, action=RestrictedAction.APPLY_CODES, on=day)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.rule_ids == ["R-D-WARN"]
        assert verdict.blocked_until == D(2026, 11, 1)
        assert "申请新业务代码" in verdict.reasons[0]


def test_other_partner_and_other_action_are_not_blocked():
    partner, other = PartnerFactory(), PartnerFactory()
    restrict(partner, RestrictedAction.APPLY_CODES, D(2026, 10, 1), None)
    assert action_allowed(partner=other, action=RestrictedAction.APPLY_CODES, on=D(2026, 10, 5)).allowed
    assert action_allowed(partner=partner, action=RestrictedAction.SETTLEMENT, on=D(2026, 10, 5)).allowed
    verdict = action_allowed(partner=partner, action=RestrictedAction.APPLY_CODES, on=D(2030, 1, 1))
    assert not verdict.allowed and verdict.blocked_until is None


def test_broader_restriction_implies_narrower_action():
    partner = PartnerFactory()
    restrict(partner, RestrictedAction.SALES, D(2026, 10, 1), None)
    assert not action_allowed(partner=partner, action=RestrictedAction.PROMOTE, on=D(2026, 10, 2)).allowed
    assert not action_allowed(partner=partner, action=RestrictedAction.APPLY_CODES, on=D(2026, 10, 2)).allowed
    assert action_allowed(partner=partner, action=RestrictedAction.SETTLEMENT, on=D(2026, 10, 2)).allowed


def test_scope_by_cooperation_type_province_and_sub_channel():
    partner = PartnerFactory()
    caught, clean = SubChannelFactory(partner=partner), SubChannelFactory(partner=partner)
    restrict(partner, RestrictedAction.PROMOTE, D(2026, 10, 1), None, key="biz",
             cooperation_type=CooperationType.JOINT_MEMBERSHIP, province="广东")
    restrict(partner, RestrictedAction.SUBCHANNEL_PROMOTE, D(2026, 10, 1), None, key="sc", sub_channel=caught)
    day = D(2026, 10, 2)
    ask = {"partner": partner, "on": day}
    assert action_allowed(action=RestrictedAction.PROMOTE, cooperation_type=CooperationType.SALES_CHANNEL,
                          province="广东", **ask).allowed
    assert action_allowed(action=RestrictedAction.PROMOTE, cooperation_type=CooperationType.JOINT_MEMBERSHIP,
                          province="江苏", **ask).allowed
    assert not action_allowed(action=RestrictedAction.PROMOTE, cooperation_type=CooperationType.JOINT_MEMBERSHIP,
                              province="广东", **ask).allowed
    elsewhere = {"cooperation_type": CooperationType.SALES_CHANNEL, "province": "江苏"}
    assert not action_allowed(action=RestrictedAction.SUBCHANNEL_PROMOTE, sub_channel=caught, **elsewhere,
                              **ask).allowed
    assert action_allowed(action=RestrictedAction.SUBCHANNEL_PROMOTE, sub_channel=clean, **elsewhere, **ask).allowed
    # the provincial business suspension also stops every sub-channel promoting that business there
    assert not action_allowed(action=RestrictedAction.SUBCHANNEL_PROMOTE, sub_channel=clean, province="广东",
                              cooperation_type=CooperationType.JOINT_MEMBERSHIP, **ask).allowed


def test_lifted_restriction_stops_blocking_and_same_source_key_registers_once():
    partner = PartnerFactory()
    first = restrict(partner, RestrictedAction.APPLY_CODES, D(2026, 10, 1), None)
    again = restrict(partner, RestrictedAction.APPLY_CODES, D(2026, 10, 1), None)
    assert first.pk == again.pk
    restriction_lift(restriction=first, on=D(2026, 10, 10), reason="处罚执行完毕")
    assert not action_allowed(partner=partner, action=RestrictedAction.APPLY_CODES, on=D(2026, 10, 9)).allowed
    assert action_allowed(partner=partner, action=RestrictedAction.APPLY_CODES, on=D(2026, 10, 10)).allowed


def test_blocked_list_for_staff_costs_the_same_queries_for_more_partners(django_assert_max_num_queries, staff_client):
    """The staff "blocked" list loads every partner's restrictions in one query (no query per partner)."""
    for n in range(12):
        restrict(PartnerFactory(), RestrictedAction.APPLY_CODES, D(2026, 10, 1), None, key=f"k{n}")
    with django_assert_max_num_queries(8):
        response = staff_client.get("/api/v1/blocked/", {"date": "2026-10-05", "page_size": 100})
    assert response.status_code == 200 and response.json()["count"] == 12
    assert all(row["blocked"][0]["rule_ids"] == ["R-D-WARN"] for row in response.json()["results"])
