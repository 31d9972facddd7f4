"""R-C-WARN-ESC: business warnings within a calendar month escalate (3rd → 15 days, 4th → 1 month, 5th → all the
partner's business 1 month); each further control event on the same sub-channel in the month adds 1 month."""

import datetime as dt

import pytest

from controls.choices import ControlEventType as E
from controls.choices import MeasureKind as K
from controls.models import ControlEvent
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.selectors import action_allowed
from partners.choices import CooperationType
from tests.factories import PartnerFactory, SubChannelFactory

from .factories import approve, record_event

pytestmark = pytest.mark.django_db

D = dt.date


def warn(partner, day, *, cooperation_type=CooperationType.SALES_CHANNEL):
    """One business warning (group dial test) on a fresh sub-channel, so only the warning count matters."""
    return record_event(partner, E.DIAL_GROUP, occurred_on=day, cooperation_type=cooperation_type,
                        sub_channel=SubChannelFactory(partner=partner))


def escalation(event):
    measure = event.measures.filter(key="warning_escalation").first()
    if measure is None:
        return None
    return measure.kind, measure.cooperation_type, measure.starts_on, measure.ends_on, measure.rule_id


# (nth warning in the month, expected escalation of the event that brings the count to n)
ESCALATION = [
    (1, None),
    (2, None),
    (3, (K.BUSINESS_SUSPENSION, CooperationType.SALES_CHANNEL, D(2026, 10, 3), D(2026, 10, 18), "R-C-WARN-ESC")),
    (4, (K.BUSINESS_SUSPENSION, CooperationType.SALES_CHANNEL, D(2026, 10, 4), D(2026, 11, 4), "R-C-WARN-ESC")),
    (5, (K.ALL_BUSINESS_SUSPENSION, "", D(2026, 10, 5), D(2026, 11, 5), "R-C-WARN-ESC")),
    (6, (K.ALL_BUSINESS_SUSPENSION, "", D(2026, 10, 6), D(2026, 11, 6), "R-C-WARN-ESC")),
]


@pytest.mark.parametrize(("nth", "expected"), ESCALATION, ids=[f"warning-{n}" for n, _ in ESCALATION])
def test_nth_warning_in_month_escalates(nth, expected):
    partner = PartnerFactory()
    events = [warn(partner, D(2026, 10, day)) for day in range(1, nth + 1)]
    last = ControlEvent.objects.get(pk=events[-1].pk)
    assert last.warnings_after == nth
    assert escalation(last) == expected
    # earlier events keep their own position in the month
    assert [ControlEvent.objects.get(pk=e.pk).warnings_after for e in events] == list(range(1, nth + 1))


def test_fifth_warning_suspends_promotion_of_all_the_partners_business_r_c_warn_esc(staff_user, department_head):
    """R-C-WARN-ESC: the 5th warning (全业务暂停推广) suspends *promotion* of every business of the partner for
    1 month — no block on codes, billing, new products, cooperation types or settlement follows from it."""
    partner = PartnerFactory()
    events = [warn(partner, D(2026, 10, day)) for day in range(1, 6)]
    for event in events:
        approve(ControlEvent.objects.get(pk=event.pk), submitter=staff_user, approver=department_head)
    restriction = Restriction.objects.get(partner=partner, rule_id="R-C-WARN-ESC", cooperation_type="")
    assert (restriction.action, restriction.starts_on, restriction.ends_on) == (
        RestrictedAction.PROMOTE, D(2026, 10, 5), D(2026, 11, 5))
    assert not Restriction.objects.filter(partner=partner, action=RestrictedAction.SALES).exists()
    for cooperation_type in CooperationType.values:
        assert not action_allowed(partner=partner, action=RestrictedAction.PROMOTE, on=D(2026, 11, 4),
                                  cooperation_type=cooperation_type).allowed
        assert action_allowed(partner=partner, action=RestrictedAction.PROMOTE, on=D(2026, 11, 5),
                              cooperation_type=cooperation_type).allowed
    for action in (RestrictedAction.APPLY_CODES, RestrictedAction.PHONE_BILL_CHARGING, RestrictedAction.NEW_PRODUCTS,
                   RestrictedAction.NEW_COOPERATION_TYPES, RestrictedAction.SETTLEMENT, RestrictedAction.SALES):
        assert action_allowed(partner=partner, action=action, on=D(2026, 10, 20),
                              cooperation_type=CooperationType.JOINT_MEMBERSHIP).allowed, action


def test_warnings_count_per_business_and_per_calendar_month():
    partner = PartnerFactory()
    warn(partner, D(2026, 10, 1))
    warn(partner, D(2026, 10, 2))
    other_business = warn(partner, D(2026, 10, 3), cooperation_type=CooperationType.JOINT_MEMBERSHIP)
    next_month = warn(partner, D(2026, 11, 1))
    third = warn(partner, D(2026, 10, 31))
    assert (other_business.warnings_after, escalation(other_business)) == (1, None)
    assert (ControlEvent.objects.get(pk=next_month.pk).warnings_after, escalation(next_month)) == (1, None)
    assert ControlEvent.objects.get(pk=third.pk).warnings_after == 3
    assert escalation(ControlEvent.objects.get(pk=third.pk))[0] == K.BUSINESS_SUSPENSION


def test_an_earlier_dated_event_entered_later_renumbers_the_open_month():
    partner = PartnerFactory()
    first, second = warn(partner, D(2026, 10, 10)), warn(partner, D(2026, 10, 20))
    late_entry = warn(partner, D(2026, 10, 1))
    assert ControlEvent.objects.get(pk=late_entry.pk).warnings_after == 1
    assert ControlEvent.objects.get(pk=first.pk).warnings_after == 2
    second = ControlEvent.objects.get(pk=second.pk)
    assert second.warnings_after == 3 and escalation(second)[0] == K.BUSINESS_SUSPENSION


def shutdowns(event):
    return [(m.key, m.rule_id, m.province, m.starts_on, m.ends_on)
            for m in event.measures.filter(kind=K.SUBCHANNEL_SHUTDOWN).order_by("position")]


# (event types on the same sub-channel in one month, expected shutdowns of the LAST event)
REPEAT = [
    ([(E.DIAL_PROVINCIAL, D(2026, 10, 5), "广东")],
     [("subchannel_shutdown", "R-C-DIAL-PROV", "广东", D(2026, 10, 5), D(2027, 1, 5))]),
    # caught twice: its own 3-month shutdown, then +1 month after the later of the shutdown ends
    ([(E.DIAL_PROVINCIAL, D(2026, 10, 5), "广东"), (E.DIAL_GROUP, D(2026, 10, 20), "")],
     [("subchannel_shutdown", "R-C-DIAL-GROUP", "", D(2026, 10, 20), D(2027, 1, 20)),
      ("subchannel_extension", "R-C-WARN-ESC", "", D(2027, 1, 20), D(2027, 2, 20))]),
    # caught three times: every further event pushes the end out by one more month
    ([(E.DIAL_PROVINCIAL, D(2026, 10, 5), "广东"), (E.DIAL_GROUP, D(2026, 10, 20), ""),
      (E.DIAL_MIIT, D(2026, 10, 21), "")],
     [("subchannel_shutdown", "R-C-DIAL-REG", "", D(2026, 10, 21), D(2027, 1, 21)),
      ("subchannel_extension", "R-C-WARN-ESC", "", D(2027, 2, 20), D(2027, 3, 20))]),
    # a further event without a shutdown of its own still extends the sub-channel's shutdown
    ([(E.DIAL_PROVINCIAL, D(2026, 10, 5), "广东"), (E.PROVINCIAL_IMPORTANT, D(2026, 10, 8), "广东")],
     [("subchannel_extension", "R-C-WARN-ESC", "广东", D(2027, 1, 5), D(2027, 2, 5))]),
    # the next calendar month starts counting again
    ([(E.DIAL_PROVINCIAL, D(2026, 10, 5), "广东"), (E.DIAL_GROUP, D(2026, 11, 2), "")],
     [("subchannel_shutdown", "R-C-DIAL-GROUP", "", D(2026, 11, 2), D(2027, 2, 2))]),
]


@pytest.mark.parametrize(("events", "expected"), REPEAT, ids=["once", "twice", "three-times", "no-own-shutdown",
                                                              "next-month"])
def test_sub_channel_caught_again_in_the_month_gets_one_more_month(events, expected):
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner)
    recorded = [record_event(partner, event_type, occurred_on=day, province=province, sub_channel=sub_channel)
                for event_type, day, province in events]
    assert shutdowns(ControlEvent.objects.get(pk=recorded[-1].pk)) == expected


def test_repeat_without_any_shutdown_to_extend_adds_nothing_but_says_so():
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner)
    record_event(partner, E.PROVINCIAL_IMPORTANT, province="广东", sub_channel=sub_channel)
    again = record_event(partner, E.GROUP_NOTICE, occurred_on=dt.date(2026, 10, 9), sub_channel=sub_channel)
    assert shutdowns(again) == []
    assert any(item["rule"] == "R-C-WARN-ESC" and "无可延长" in item["detail"] for item in again.items)


def test_caught_twice_registers_the_extension_on_approval(staff_user, department_head):
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner)
    first = record_event(partner, E.DIAL_PROVINCIAL, province="广东", sub_channel=sub_channel)
    second = record_event(partner, E.DIAL_GROUP, occurred_on=D(2026, 10, 20), sub_channel=sub_channel)
    for event in (first, second):
        approve(ControlEvent.objects.get(pk=event.pk), submitter=staff_user, approver=department_head)
    ask = {"partner": partner, "action": RestrictedAction.SUBCHANNEL_PROMOTE, "sub_channel": sub_channel,
           "province": "江苏"}
    assert not action_allowed(on=D(2027, 2, 19), **ask).allowed
    assert action_allowed(on=D(2027, 2, 19), **ask).rule_ids == ["R-C-WARN-ESC"]
    assert action_allowed(on=D(2027, 2, 20), **ask).allowed


def test_every_measure_on_the_business_of_appendices_1_to_4_is_a_promotion_suspension_r_c_warn_esc():
    """Appendices 1–4 (R-C-PROV, R-C-SUPV-*, R-C-DIAL-REG, R-C-NOTICE, R-C-WARN-ESC): 暂停推广 / 关停…推广 — every
    measure on the business registers a promotion restriction, whichever table row it comes from."""
    from controls.rules import measure_actions
    from scoring.selectors import rule_book_in_force

    _, book = rule_book_in_force(on=D(2026, 10, 1))
    actions = measure_actions(book)
    assert actions == {K.SUBCHANNEL_SHUTDOWN: RestrictedAction.SUBCHANNEL_PROMOTE,
                       K.BUSINESS_SUSPENSION: RestrictedAction.PROMOTE,
                       K.ALL_BUSINESS_SUSPENSION: RestrictedAction.PROMOTE}
