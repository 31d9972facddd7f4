"""Warning penalty proposals (R-D-WARN, R-D-APPROVAL): proposed, superseded, approved into restrictions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.approval import ApprovalError, approval_approve, approval_return, approval_submit
from core.choices import ApprovalStatus
from core.jobs import JobRefused
from core.models import AuditEvent
from core.rulebook import add_duration
from enforcement.models import Restriction
from enforcement.selectors import action_allowed
from scoring.models import DailyNotification, PenaltyProposal
from scoring.services import daily_notifications_run
from tests.factories import PartnerFactory
from tests.scoring.factories import SALES, make_tickets

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)


def notify(partner, day: int, notifications: int):
    make_tickets(partner, OCT.replace(day=day), 25 + 10 * (notifications - 1))
    daily_notifications_run(day=OCT.replace(day=day))


def proposals():
    return {p.level: p for p in PenaltyProposal.objects.filter(month=OCT)}


def approve(proposal, staff_user, division_leader):
    approval_submit(obj=proposal, actor=staff_user)
    return approval_approve(obj=proposal, actor=division_leader)


def test_r_d_warn_reaching_a_level_proposes_its_measures_as_a_draft():
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 4)
    assert not PenaltyProposal.objects.exists()
    notify(partner, 9, 1)
    proposal = PenaltyProposal.objects.get()
    assert (proposal.level, proposal.reached_on, proposal.notification_count) == (1, OCT.replace(day=9), 5)
    assert proposal.status == ApprovalStatus.DRAFT and not proposal.is_superseded
    assert proposal.measures == [
        {"action": "promote", "duration": {"value": 1, "unit": "weeks"}, "rule": "R-D-WARN"},
        {"action": "apply_codes", "duration": {"value": 1, "unit": "months"}, "rule": "R-D-WARN"},
    ]
    assert proposal.payout_percent == 75
    assert proposal.items[0]["rule"] == "R-D-WARN"
    assert AuditEvent.objects.filter(action="propose", object_id=str(proposal.pk), rule_id="R-D-WARN").count() == 1


def test_r_d_warn_higher_level_supersedes_a_lower_pending_proposal(staff_user, division_leader):
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    level_1 = proposals()[1]
    approval_submit(obj=level_1, actor=staff_user)
    notify(partner, 10, 5)
    found = proposals()
    assert set(found) == {1, 2}
    # superseded while waiting for the leader: it leaves the submitted state, with the reason in its history
    assert found[1].superseded_by == found[2] and found[1].status == ApprovalStatus.RETURNED
    assert found[2].status == ApprovalStatus.DRAFT and found[2].reached_on == OCT.replace(day=10)
    with pytest.raises(ApprovalError, match="取代"):
        approval_approve(obj=found[1], actor=division_leader)
    with pytest.raises(ApprovalError, match="取代"):
        approval_submit(obj=found[1], actor=staff_user)
    event = AuditEvent.objects.get(action="supersede", object_id=str(level_1.pk))
    assert (event.from_status, event.to_status) == (ApprovalStatus.SUBMITTED, ApprovalStatus.RETURNED)


def test_r_d_warn_jumping_two_levels_in_a_day_proposes_only_the_highest():
    partner = PartnerFactory(code="W1")
    notify(partner, 4, 12)
    assert set(proposals()) == {2}


def test_r_d_warn_approved_lower_level_stays_when_a_higher_one_is_reached(staff_user, division_leader):
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    approve(proposals()[1], staff_user, division_leader)
    notify(partner, 10, 5)
    found = proposals()
    assert found[1].status == ApprovalStatus.APPROVED and not found[1].is_superseded
    assert found[2].status == ApprovalStatus.DRAFT


def test_daily_job_twice_changes_no_proposal_and_writes_no_second_audit_row():
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    notify(partner, 10, 5)
    before = list(PenaltyProposal.objects.order_by("pk").values())
    audit_rows = AuditEvent.objects.count()
    counts = daily_notifications_run(day=OCT.replace(day=10))
    daily_notifications_run(day=OCT.replace(day=3))
    assert list(PenaltyProposal.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == audit_rows
    assert counts["proposals_created"] == counts["proposals_superseded"] == counts["proposals_updated"] == 0


def test_pending_proposal_of_a_level_no_longer_reached_is_withdrawn():
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    notify(partner, 10, 5)
    from partners.models import ComplaintTicket

    ComplaintTicket.objects.filter(received_on=OCT.replace(day=10)).delete()  # the day's tickets were wrong
    daily_notifications_run(day=OCT.replace(day=10))
    found = proposals()
    assert set(found) == {1} and not found[1].is_superseded
    assert AuditEvent.objects.filter(action="withdraw").count() == 1


def test_refresh_month_recomputes_every_partner_types_warning_and_proposals():
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    notify(partner, 10, 5)
    DailyNotification.objects.filter(date=OCT.replace(day=10)).delete()  # rows removed behind the job's back
    daily_notifications_run(day=OCT.replace(day=20))
    assert set(proposals()) == {1, 2}  # a normal run only looks at what it changed
    counts = daily_notifications_run(day=OCT.replace(day=20), refresh_month=True)
    assert counts["warnings_changed"] == 1 and set(proposals()) == {1}


@pytest.mark.parametrize(
    ("notifications", "level", "promotion", "codes", "payout"),
    [
        (5, 1, {"value": 1, "unit": "weeks"}, {"value": 1, "unit": "months"}, 75),
        (10, 2, {"value": 1, "unit": "months"}, {"value": 2, "unit": "months"}, 50),
        (15, 3, {"value": 3, "unit": "months"}, {"value": 3, "unit": "months"}, 25),
        (20, 4, {"value": 6, "unit": "months"}, {"value": 4, "unit": "months"}, 0),
    ],
)
def test_r_d_warn_approval_registers_suspensions_for_the_levels_durations(
    staff_user, division_leader, notifications, level, promotion, codes, payout
):
    partner = PartnerFactory(code="W1")
    notify(partner, 6, notifications)
    proposal = proposals()[level]
    assert proposal.payout_percent == payout
    approve(proposal, staff_user, division_leader)
    start = timezone.localdate()  # [interpretation] default: suspensions start on the approval date
    by_action = {r.action: r for r in Restriction.objects.filter(partner=partner)}
    assert set(by_action) == {"promote", "apply_codes"}
    assert (by_action["promote"].starts_on, by_action["promote"].ends_on) == (start, add_duration(start, promotion))
    assert (by_action["apply_codes"].starts_on, by_action["apply_codes"].ends_on) == (start, add_duration(start, codes))
    assert {r.rule_id for r in by_action.values()} == {"R-D-WARN"}
    assert all(r.cooperation_type == SALES for r in by_action.values())
    proposal.refresh_from_db()
    assert proposal.suspension_starts_on == start


def test_r_d_warn_action_allowed_answers_may_the_partner_apply_for_codes(staff_user, division_leader):
    partner = PartnerFactory(code="W1")
    notify(partner, 6, 10)
    approve(proposals()[2], staff_user, division_leader)
    start = timezone.localdate()
    end = add_duration(start, {"value": 2, "unit": "months"})
    assert action_allowed(partner=partner, action="apply_codes", on=start - dt.timedelta(days=1)).allowed
    verdict = action_allowed(partner=partner, action="apply_codes", on=start)
    assert not verdict.allowed and verdict.rule_ids == ["R-D-WARN"] and verdict.blocked_until == end
    assert not action_allowed(partner=partner, action="apply_codes", on=end - dt.timedelta(days=1)).allowed
    assert action_allowed(partner=partner, action="apply_codes", on=end).allowed  # end is exclusive
    assert not action_allowed(partner=partner, action="promote", on=start).allowed


def test_r_d_warn_suspensions_may_start_on_the_day_the_level_was_reached(rule_set_v2, staff_user, division_leader):
    rule_set_v2(OCT, warning_suspension_start={"value": "level_reached_on"})
    partner = PartnerFactory(code="W1")
    notify(partner, 6, 5)
    approve(proposals()[1], staff_user, division_leader)
    starts = {r.action: (r.starts_on, r.ends_on) for r in Restriction.objects.all()}
    assert starts == {"promote": (OCT.replace(day=6), OCT.replace(day=13)),
                      "apply_codes": (OCT.replace(day=6), dt.date(2026, 11, 6))}


def test_approval_locks_the_rule_set_and_approving_twice_registers_once(staff_user, division_leader):
    partner = PartnerFactory(code="W1")
    notify(partner, 6, 5)
    proposal = approve(proposals()[1], staff_user, division_leader)
    proposal.rule_set.refresh_from_db()
    assert proposal.rule_set.locked
    with pytest.raises(ApprovalError):
        approval_approve(obj=proposal, actor=division_leader)
    assert Restriction.objects.count() == 2


@pytest.mark.parametrize("approver", ["staff_user", "department_head"])
def test_r_d_approval_only_the_division_leader_approves(request, staff_user, approver):
    partner = PartnerFactory(code="W1")
    notify(partner, 6, 5)
    proposal = proposals()[1]
    approval_submit(obj=proposal, actor=staff_user)
    with pytest.raises(PermissionDenied):
        approval_approve(obj=proposal, actor=request.getfixturevalue(approver))
    assert not Restriction.objects.exists()


def test_r_d_approval_returned_proposal_is_not_enforced_and_is_kept_by_the_job(staff_user, division_leader):
    partner = PartnerFactory(code="W1")
    notify(partner, 6, 5)
    proposal = proposals()[1]
    approval_submit(obj=proposal, actor=staff_user)
    approval_return(obj=proposal, actor=division_leader, reason="核实投诉数据")
    daily_notifications_run(day=OCT.replace(day=6))
    proposal.refresh_from_db()
    assert proposal.status == ApprovalStatus.RETURNED and not Restriction.objects.exists()


def test_job_refuses_to_change_an_approved_proposal_and_writes_nothing(staff_user, division_leader):
    from partners.models import ComplaintTicket

    partner = PartnerFactory(code="W1")
    notify(partner, 6, 10)
    approve(proposals()[2], staff_user, division_leader)
    make_tickets(partner, OCT.replace(day=7), 25)  # a new day would be fine; a correction of day 6 is not
    ComplaintTicket.objects.filter(received_on=OCT.replace(day=6))[:1].get().delete()
    with pytest.raises(JobRefused, match="已审批"):
        daily_notifications_run(day=OCT.replace(day=6))
    assert DailyNotification.objects.get(date=OCT.replace(day=6)).notifications == 10
    assert list(PenaltyProposal.objects.values_list("level", "status")) == [(2, ApprovalStatus.APPROVED)]


def test_superseded_proposals_form_a_chain_and_unwind_when_data_is_corrected():
    from partners.models import ComplaintTicket

    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    notify(partner, 10, 5)
    notify(partner, 17, 5)
    found = proposals()
    assert (found[1].superseded_by, found[2].superseded_by, found[3].superseded_by) == (found[2], found[3], None)
    daily_notifications_run(day=OCT.replace(day=17), refresh_month=True)  # a full pass keeps the same chain
    assert {p.level: p.superseded_by_id for p in proposals().values()} == {1: found[2].pk, 2: found[3].pk, 3: None}

    ComplaintTicket.objects.filter(received_on__in=[OCT.replace(day=10), OCT.replace(day=17)]).delete()
    daily_notifications_run(day=OCT.replace(day=17))
    daily_notifications_run(day=OCT.replace(day=10))
    found = proposals()
    assert set(found) == {1} and found[1].superseded_by is None and found[1].status == ApprovalStatus.DRAFT
    assert AuditEvent.objects.filter(action="withdraw").count() == 2


def test_proposal_follows_a_correction_of_the_day_its_level_was_reached():
    partner = PartnerFactory(code="W1")
    notify(partner, 3, 5)
    counts = daily_notifications_run(day=OCT.replace(day=3))
    assert counts["proposals_checked"] == 0  # nothing changed
    make_tickets(partner, OCT.replace(day=6), 25)
    counts = daily_notifications_run(day=OCT.replace(day=6))
    assert counts["warnings_changed"] == 1 and counts["proposals_checked"] == 0  # same level, same day
    assert proposals()[1].notification_count == 5

    make_tickets(partner, OCT.replace(day=3), 10)  # day 3 had 6 notifications, not 5
    counts = daily_notifications_run(day=OCT.replace(day=3))
    assert counts["proposals_checked"] == 1 and counts["proposals_updated"] == 1
    proposal = proposals()[1]
    assert (proposal.reached_on, proposal.notification_count) == (OCT.replace(day=3), 6)
    assert AuditEvent.objects.filter(action="recompute", object_id=str(proposal.pk)).count() == 1
