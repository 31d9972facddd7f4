"""Each control event type's measures and scopes (R-C-PROV, R-C-SUPV-PROV, R-C-SUPV-NAT, R-C-DIAL-PROV,
R-C-DIAL-GROUP, R-C-DIAL-REG, R-C-NOTICE), dual control of sub-channel and business (R-D-DUAL), and the
restrictions registered on approval by the department head (R-D-APPROVAL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from controls.choices import ControlEventType as E
from controls.choices import MeasureKind as K
from controls.models import ControlEvent, ControlMeasure
from core.models import AuditEvent
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.selectors import action_allowed
from partners.choices import CooperationType
from tests.factories import PartnerFactory, SubChannelFactory

from .factories import approve, measure_summary, record_event

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2026, 10, 5)
SHUT, SUSP, WARN = K.SUBCHANNEL_SHUTDOWN, K.BUSINESS_SUSPENSION, K.BUSINESS_WARNING
M1, M3, M4, D15 = D(2026, 11, 5), D(2027, 1, 5), D(2027, 2, 5), D(2026, 10, 20)

# (rule id, event type, event province, with sub-channel, expected measures (key, kind, province, ends_on, warnings))
CASES = [
    ("R-C-PROV", E.PROVINCIAL_IMPORTANT, "广东", False, [("business_suspension", SUSP, "广东", M1, 0)]),
    ("R-C-SUPV-PROV", E.SUPERVISED_PROVINCIAL, "广东", True,
     [("subchannel_shutdown", SHUT, "广东", M3, 0), ("business_suspension", SUSP, "广东", M1, 0)]),
    ("R-C-SUPV-NAT", E.SUPERVISED_NATIONAL, "广东", True,
     [("subchannel_shutdown", SHUT, "", M4, 0), ("business_suspension", SUSP, "", M1, 0)]),
    ("R-C-DIAL-PROV", E.DIAL_PROVINCIAL, "广东", True,
     [("subchannel_shutdown", SHUT, "广东", M3, 0), ("business_warning", WARN, "", None, 1)]),
    ("R-C-DIAL-GROUP", E.DIAL_GROUP, "", True,
     [("subchannel_shutdown", SHUT, "", M3, 0), ("business_warning", WARN, "", None, 1)]),
    ("R-C-DIAL-REG", E.DIAL_MIIT, "", True,
     [("subchannel_shutdown", SHUT, "", M3, 0), ("business_suspension", SUSP, "", D15, 0)]),
    ("R-C-DIAL-REG", E.DIAL_COMM_ADMIN, "广东", True,
     [("subchannel_shutdown", SHUT, "广东", M3, 0), ("business_suspension", SUSP, "广东", D15, 0)]),
    ("R-C-NOTICE", E.GROUP_NOTICE, "广东", False,
     [("business_suspension", SUSP, "广东", M1, 0), ("business_warning", WARN, "", None, 1)]),
    ("R-C-NOTICE", E.GROUP_NOTICE, "", False,
     [("business_suspension", SUSP, "", M1, 0), ("business_warning", WARN, "", None, 1)]),
]
IDS = [f"{rule}-{event_type}-{province or 'national'}" for rule, event_type, province, _, _ in CASES]

EXPECTED_ACTIONS = {SHUT: RestrictedAction.SUBCHANNEL_PROMOTE, SUSP: RestrictedAction.PROMOTE}


@pytest.mark.parametrize(("rule", "event_type", "province", "with_sub_channel", "expected"), CASES, ids=IDS)
def test_event_type_proposes_its_measures(rule, event_type, province, with_sub_channel, expected):
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner) if with_sub_channel else None
    event = record_event(partner, event_type, province=province, sub_channel=sub_channel)

    assert event.rule_id == rule
    assert event.rule_set.version == 1
    assert measure_summary(event) == [
        (key, kind, rule, where, None if kind == WARN else DAY, ends, warnings)
        for key, kind, where, ends, warnings in expected
    ]
    assert [item["rule"] for item in event.items] == [rule] * len(expected)


@pytest.mark.parametrize(("rule", "event_type", "province", "with_sub_channel", "expected"), CASES, ids=IDS)
def test_approval_registers_each_measure_as_a_restriction(rule, event_type, province, with_sub_channel, expected,
                                                          staff_user, department_head):
    """R-D-APPROVAL: the department head approves; R-D-DUAL: sub-channel and business measures both registered."""
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner) if with_sub_channel else None
    event = record_event(partner, event_type, province=province, sub_channel=sub_channel)
    assert not Restriction.objects.exists()  # nothing is registered before approval

    approve(event, submitter=staff_user, approver=department_head)

    registered = {
        (r.action, r.province, r.cooperation_type, r.sub_channel_id, r.starts_on, r.ends_on, r.rule_id)
        for r in Restriction.objects.filter(partner=partner)
    }
    assert registered == {
        (EXPECTED_ACTIONS[kind], where, "" if kind == SHUT else CooperationType.SALES_CHANNEL,
         sub_channel.pk if kind == SHUT else None, DAY, ends, rule)
        for _, kind, where, ends, _ in expected if kind != WARN
    }
    for measure in ControlMeasure.objects.filter(event=event).exclude(kind=WARN):
        assert measure.restriction is not None and measure.restriction.source == measure


# R-D-DUAL: "may sub-channel S promote the business in province Y on date D?" after a key-supervised complaint in 广东
DUAL_CASES = [
    ("caught", "广东", CooperationType.SALES_CHANNEL, DAY, False),
    ("caught", "广东", CooperationType.SALES_CHANNEL, D(2026, 11, 5), False),      # shutdown runs 3 months
    ("caught", "广东", CooperationType.SALES_CHANNEL, D(2027, 1, 4), False),
    ("caught", "广东", CooperationType.SALES_CHANNEL, D(2027, 1, 5), True),        # end date is exclusive
    ("caught", "江苏", CooperationType.SALES_CHANNEL, DAY, True),                  # provincial scope
    ("caught", "广东", CooperationType.JOINT_MEMBERSHIP, DAY, False),              # the sub-channel itself is shut
    ("other", "广东", CooperationType.SALES_CHANNEL, DAY, False),                  # the business is suspended there
    ("other", "广东", CooperationType.SALES_CHANNEL, D(2026, 11, 4), False),
    ("other", "广东", CooperationType.SALES_CHANNEL, D(2026, 11, 5), True),        # business suspension: 1 month
    ("other", "广东", CooperationType.JOINT_MEMBERSHIP, DAY, True),                # other business not suspended
    ("other", "江苏", CooperationType.SALES_CHANNEL, DAY, True),
]


@pytest.mark.parametrize(("which", "province", "cooperation_type", "day", "allowed"), DUAL_CASES)
def test_dual_control_of_sub_channel_and_business(which, province, cooperation_type, day, allowed, staff_user,
                                                  department_head):
    """R-D-DUAL with R-C-SUPV-PROV: sub-channel shut 3 months in the province, business suspended 1 month there."""
    partner = PartnerFactory()
    caught, other = SubChannelFactory(partner=partner), SubChannelFactory(partner=partner)
    event = record_event(partner, E.SUPERVISED_PROVINCIAL, province="广东", sub_channel=caught)
    approve(event, submitter=staff_user, approver=department_head)

    verdict = action_allowed(
        partner=partner, action=RestrictedAction.SUBCHANNEL_PROMOTE, on=day, cooperation_type=cooperation_type,
        sub_channel=caught if which == "caught" else other, province=province,
    )
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.rule_ids == ["R-C-SUPV-PROV"]


@pytest.mark.parametrize(
    ("rule", "event_type", "province", "sub_channel", "field"),
    [
        ("R-C-PROV", E.PROVINCIAL_IMPORTANT, "", False, "province"),
        ("R-C-SUPV-PROV", E.SUPERVISED_PROVINCIAL, "", True, "province"),
        ("R-C-SUPV-PROV", E.SUPERVISED_PROVINCIAL, "广东", False, "sub_channel"),
        ("R-C-DIAL-PROV", E.DIAL_PROVINCIAL, "广东", False, "sub_channel"),
        ("R-C-DIAL-REG", E.DIAL_COMM_ADMIN, "", True, "province"),
        ("R-C-DIAL-GROUP", E.DIAL_GROUP, "", False, "sub_channel"),
    ],
)
def test_missing_scope_input_is_refused_naming_the_field_and_nothing_is_written(rule, event_type, province,
                                                                                 sub_channel, field):
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as error:
        record_event(partner, event_type, province=province,
                     sub_channel=SubChannelFactory(partner=partner) if sub_channel else None)
    assert field in error.value.message_dict
    assert rule in " ".join(error.value.message_dict[field])
    assert not ControlEvent.objects.exists() and not ControlMeasure.objects.exists()


def test_sub_channel_of_another_partner_is_refused():
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as error:
        record_event(partner, E.DIAL_GROUP, sub_channel=SubChannelFactory())
    assert "sub_channel" in error.value.message_dict
    assert not ControlEvent.objects.exists()


def test_measures_start_on_shifts_every_measure():
    partner = PartnerFactory()
    event = record_event(partner, E.DIAL_MIIT, sub_channel=SubChannelFactory(partner=partner),
                         measures_start_on=D(2026, 10, 10))
    assert {(m.starts_on, m.ends_on) for m in event.measures.all()} == {
        (D(2026, 10, 10), D(2027, 1, 10)), (D(2026, 10, 10), D(2026, 10, 25))}


def test_approval_is_audited_and_needs_the_department_head(staff_user, division_leader, department_head):
    """R-D-APPROVAL: control penalties go to the department head, not the division leader."""
    from django.core.exceptions import PermissionDenied

    from core.approval import approval_approve, approval_submit

    partner = PartnerFactory()
    event = record_event(partner, E.PROVINCIAL_IMPORTANT, province="广东", actor=staff_user)
    approval_submit(obj=event, actor=staff_user)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=event, actor=division_leader)
    assert not Restriction.objects.exists()
    approval_approve(obj=event, actor=department_head)
    assert Restriction.objects.filter(partner=partner, rule_id="R-C-PROV").count() == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"control_event_create", "submit", "approve", "restriction_create"} <= actions


def test_approving_twice_registers_once(staff_user, department_head):
    from controls.services import control_event_approved

    partner = PartnerFactory()
    event = approve(record_event(partner, E.PROVINCIAL_IMPORTANT, province="广东"), submitter=staff_user,
                    approver=department_head)
    control_event_approved(obj=event, actor=department_head)
    assert Restriction.objects.filter(partner=partner).count() == 1
