"""Overrides by the group / Migu Culture / a province (RULES.md §3, last paragraph), the preview, stale proposals,
ad-hoc extra penalties approved by the division leader (R-D-APPROVAL) and restrictions ending by themselves."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from controls.choices import ControlEventType as E
from controls.choices import ExtraPenaltyBasis, OverrideSource
from controls.models import ControlEvent, ExtraPenalty
from controls.services import (
    control_event_delete,
    control_event_preview,
    control_event_update,
    control_events_recompute_month,
    control_measure_override,
    extra_penalty_create,
)
from core.approval import approval_approve, approval_submit
from core.models import AuditEvent
from enforcement.choices import RestrictedAction
from enforcement.models import Restriction
from enforcement.selectors import action_allowed
from partners.choices import CooperationType
from scoring.models import RuleSet
from scoring.services import rule_entry_update, rule_set_activate, rule_set_copy_as_draft
from tests.factories import PartnerFactory, SubChannelFactory

from .factories import approve, record_event

pytestmark = pytest.mark.django_db

D = dt.date


def test_province_requirement_overrides_duration_and_is_audited(staff_user, department_head):
    """R-C-PROV: "≥1 month (or as the province requires)" — the province asks for 2 months."""
    partner = PartnerFactory()
    event = record_event(partner, E.PROVINCIAL_IMPORTANT, province="广东")
    measure = event.measures.get()
    measure = control_measure_override(
        measure=measure, actor=staff_user, source=OverrideSource.PROVINCE, requester="广东公司市场部",
        reason="省公司要求暂停两个月", durations=[{"value": 2, "unit": "months"}],
    )
    assert (measure.starts_on, measure.ends_on, measure.overridden) == (D(2026, 10, 5), D(2026, 12, 5), True)
    assert measure.proposed["ends_on"] == "2026-11-05"  # what the rule said stays on record
    audit = AuditEvent.objects.get(action="control_measure_override")
    assert (audit.actor, audit.rule_id, audit.reason) == (staff_user, "R-C-PROV", "省公司要求暂停两个月")
    assert audit.data["source"] == "province" and audit.data["requester"] == "广东公司市场部"

    approve(ControlEvent.objects.get(pk=event.pk), submitter=staff_user, approver=department_head)
    restriction = Restriction.objects.get(partner=partner)
    assert restriction.ends_on == D(2026, 12, 5) and "广东公司" in restriction.reason


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source": "someone", "requester": "x", "reason": "y"}, "override_source"),
        ({"source": OverrideSource.GROUP, "requester": " ", "reason": "y"}, "override_requester"),
        ({"source": OverrideSource.GROUP, "requester": "x", "reason": ""}, "override_reason"),
        ({"source": OverrideSource.GROUP, "requester": "x", "reason": "y",
          "durations": [{"value": 0, "unit": "months"}]}, "durations"),
        ({"source": OverrideSource.GROUP, "requester": "x", "reason": "y",
          "durations": [{"value": 1, "unit": "working_days"}]}, "durations"),
    ],
)
def test_override_needs_source_requester_and_reason(kwargs, field, staff_user):
    event = record_event(PartnerFactory(), E.PROVINCIAL_IMPORTANT, province="广东")
    measure = event.measures.get()
    with pytest.raises(ValidationError) as error:
        control_measure_override(measure=measure, actor=staff_user, **kwargs)
    assert field in error.value.message_dict
    measure.refresh_from_db()
    assert not measure.overridden and measure.ends_on == D(2026, 11, 5)


def test_waived_warning_no_longer_counts_towards_escalation(staff_user):
    """R-C-WARN-ESC with an override: a warning the group waives does not count."""
    partner = PartnerFactory()
    events = [record_event(partner, E.DIAL_GROUP, occurred_on=D(2026, 10, d),
                           sub_channel=SubChannelFactory(partner=partner)) for d in (1, 2, 3)]
    third = ControlEvent.objects.get(pk=events[2].pk)
    assert third.measures.filter(key="warning_escalation").exists()
    control_measure_override(measure=events[0].measures.get(key="business_warning"), actor=staff_user,
                             source=OverrideSource.MIGU_CULTURE, requester="咪咕文化", reason="误报", waive=True)
    third = ControlEvent.objects.get(pk=events[2].pk)
    assert third.warnings_after == 2 and not third.measures.filter(key="warning_escalation").exists()


def test_override_after_approval_is_refused(staff_user, department_head):
    event = approve(record_event(PartnerFactory(), E.PROVINCIAL_IMPORTANT, province="广东"), submitter=staff_user,
                    approver=department_head)
    with pytest.raises(ValidationError):
        control_measure_override(measure=event.measures.get(), actor=staff_user, source=OverrideSource.GROUP,
                                 requester="集团", reason="x", waive=True)


def test_waived_measure_registers_no_restriction(staff_user, department_head):
    partner = PartnerFactory()
    event = record_event(partner, E.DIAL_MIIT, sub_channel=SubChannelFactory(partner=partner))
    control_measure_override(measure=event.measures.get(key="business_suspension"), actor=staff_user,
                             source=OverrideSource.GROUP, requester="集团客服部", reason="集团要求不暂停业务",
                             waive=True)
    approve(ControlEvent.objects.get(pk=event.pk), submitter=staff_user, approver=department_head)
    assert list(Restriction.objects.values_list("action", flat=True)) == [RestrictedAction.SUBCHANNEL_PROMOTE]


def test_preview_writes_nothing_and_matches_what_is_stored():
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner)
    record_event(partner, E.DIAL_PROVINCIAL, province="广东", sub_channel=sub_channel)
    draft = ControlEvent(partner=partner, cooperation_type=CooperationType.SALES_CHANNEL, event_type=E.DIAL_GROUP,
                         sub_channel=sub_channel, occurred_on=D(2026, 10, 20))
    proposal = control_event_preview(event=draft)
    assert ControlEvent.objects.count() == 1
    saved = record_event(partner, E.DIAL_GROUP, occurred_on=D(2026, 10, 20), sub_channel=sub_channel)
    assert [(m.key, m.starts_on, m.ends_on) for m in proposal.measures] == [
        (m.key, m.starts_on, m.ends_on) for m in saved.measures.order_by("position")]


def test_update_and_delete_recompute_the_month(staff_user):
    partner = PartnerFactory()
    first = record_event(partner, E.DIAL_GROUP, occurred_on=D(2026, 10, 1), sub_channel=SubChannelFactory(
        partner=partner))
    second = record_event(partner, E.DIAL_GROUP, occurred_on=D(2026, 10, 2), sub_channel=SubChannelFactory(
        partner=partner))
    control_event_update(event=first, actor=staff_user, occurred_on=D(2026, 9, 30))
    assert ControlEvent.objects.get(pk=second.pk).warnings_after == 1
    control_event_update(event=first, actor=staff_user, occurred_on=D(2026, 10, 1))
    assert ControlEvent.objects.get(pk=second.pk).warnings_after == 2
    control_event_delete(event=ControlEvent.objects.get(pk=first.pk), actor=staff_user, reason="录入错误")
    assert ControlEvent.objects.get(pk=second.pk).warnings_after == 1
    assert AuditEvent.objects.filter(action="control_event_delete").count() == 1


def test_approval_refused_when_the_rule_set_changed_after_the_proposal(staff_user, department_head):
    partner = PartnerFactory()
    event = record_event(partner, E.PROVINCIAL_IMPORTANT, province="广东")
    draft = rule_set_copy_as_draft(source=RuleSet.objects.get(version=1), actor=staff_user)
    entry = draft.entries.get(key="control_provincial_important")
    value = entry.value
    value["rows"][0]["duration"] = {"value": 2, "unit": "months"}
    rule_entry_update(entry=entry, value=value, actor=staff_user)
    rule_set_activate(rule_set=draft, effective_from=D(2026, 1, 1), actor=staff_user)

    approval_submit(obj=event, actor=staff_user)
    with pytest.raises(ValidationError, match="过期"):
        approval_approve(obj=event, actor=department_head)
    assert not Restriction.objects.exists()
    assert ControlEvent.objects.get(pk=event.pk).status == "submitted"

    control_events_recompute_month(partner_id=partner.pk, month=D(2026, 10, 1))
    event = ControlEvent.objects.get(pk=event.pk)
    assert event.rule_set == draft and event.measures.get().ends_on == D(2026, 12, 5)
    approval_approve(obj=event, actor=department_head)
    assert Restriction.objects.get().ends_on == D(2026, 12, 5)
    draft.refresh_from_db()
    assert draft.locked  # the approved result locks the set it used


@pytest.mark.parametrize("day,allowed", [(D(2026, 11, 4), False), (D(2026, 11, 5), True), (D(2027, 1, 1), True)])
def test_restrictions_end_by_themselves(day, allowed, staff_user, department_head):
    """The registry: end date exclusive, no job needed to end a suspension."""
    partner = PartnerFactory()
    approve(record_event(partner, E.GROUP_NOTICE), submitter=staff_user, approver=department_head)
    assert action_allowed(partner=partner, action=RestrictedAction.PROMOTE, on=day,
                          cooperation_type=CooperationType.SALES_CHANNEL).allowed is allowed


def penalty(partner, **kwargs):
    fields = {"partner": partner, "action": RestrictedAction.PROMOTE, "cooperation_type": CooperationType.SALES_CHANNEL,
              "starts_on": D(2026, 10, 10), "ends_on": D(2026, 11, 10), "reason": "专题会决定追加处罚"}
    return extra_penalty_create(**(fields | kwargs))


def test_ad_hoc_extra_penalty_needs_the_division_leader(staff_user, department_head, division_leader):
    """R-D-APPROVAL: ad-hoc extra penalties go to the division leader."""
    partner = PartnerFactory()
    extra = penalty(partner, actor=staff_user)
    approval_submit(obj=extra, actor=staff_user)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=extra, actor=department_head)
    approval_approve(obj=extra, actor=division_leader)
    restriction = Restriction.objects.get(partner=partner)
    assert (restriction.rule_id, restriction.ends_on) == ("R-D-APPROVAL", D(2026, 11, 10))
    assert ExtraPenalty.objects.get().restriction == restriction


@pytest.mark.parametrize(
    ("ends_on", "ok"),
    [(D(2026, 11, 9), False), (D(2026, 11, 10), True), (None, True)],
)
def test_suspension_with_an_extra_deduction_lasts_at_least_a_month(ends_on, ok):
    """R-S-EXTRA: "optionally with a business suspension ≥1 month"."""
    partner = PartnerFactory()
    if ok:
        assert penalty(partner, basis=ExtraPenaltyBasis.EXTRA_DEDUCTION, ends_on=ends_on).pk
    else:
        with pytest.raises(ValidationError) as error:
            penalty(partner, basis=ExtraPenaltyBasis.EXTRA_DEDUCTION, ends_on=ends_on)
        assert "R-S-EXTRA" in error.value.message_dict["ends_on"][0]
        assert not ExtraPenalty.objects.exists()


def test_extra_penalty_input_errors_name_the_field():
    partner = PartnerFactory()
    for kwargs, field in [({"reason": ""}, "reason"), ({"ends_on": D(2026, 10, 10)}, "ends_on"),
                          ({"sub_channel": SubChannelFactory()}, "sub_channel")]:
        with pytest.raises(ValidationError) as error:
            penalty(partner, **kwargs)
        assert field in error.value.message_dict
    assert not ExtraPenalty.objects.exists()


def test_recomputing_an_unchanged_month_writes_nothing():
    from controls.models import ControlMeasure

    partner = PartnerFactory()
    for day in (1, 2, 3):
        record_event(partner, E.DIAL_GROUP, occurred_on=D(2026, 10, day), sub_channel=SubChannelFactory(
            partner=partner))
    history = (ControlMeasure.history.count(), ControlEvent.history.count())
    assert control_events_recompute_month(partner_id=partner.pk, month=D(2026, 10, 1)) == 3
    assert (ControlMeasure.history.count(), ControlEvent.history.count()) == history
