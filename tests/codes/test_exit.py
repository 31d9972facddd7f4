"""A partner's exit applied code by code (R-B-EXIT), approved through R-B-PROCESS."""

import datetime as dt

import pytest

from codes.choices import CodeCategory, CodeKind, CodeStatus, ExitReason, ProposalAction, ProposalTrigger
from codes.models import CodeRecyclingProposal
from codes.rules import exit_disposition
from codes.services import code_exit_propose, partner_exit_register, process_approve, process_assess
from core.jobs import JobRefused
from partners.choices import CooperationType

from .factories import BusinessCodeFactory, CodeMonthlyStatFactory, InternalCodeFactory

pytestmark = pytest.mark.django_db

EXIT_DAY = dt.date(2026, 10, 20)
MONTHLY, PER_USE = CodeKind.MONTHLY, CodeKind.PER_USE
EXCLUSIVE, JOINT = CodeCategory.CHANNEL_EXCLUSIVE, CodeCategory.JOINT_MEMBERSHIP
RECYCLE, CONTINUE, UNSUBSCRIBE = (ProposalAction.RECYCLE, ProposalAction.CONTINUE_OWN_CHANNEL,
                                  ProposalAction.UNSUBSCRIBE_AND_RECYCLE)


@pytest.mark.parametrize(
    ("kind", "category", "users", "reason", "can_continue", "action", "batches"),
    [
        (PER_USE, EXCLUSIVE, 50000, ExitReason.TERMINATION, True, RECYCLE, 0),
        (MONTHLY, EXCLUSIVE, 999, ExitReason.NO_RENEWAL, True, RECYCLE, 0),
        (MONTHLY, EXCLUSIVE, 1000, ExitReason.NO_RENEWAL, True, CONTINUE, 0),
        (MONTHLY, CodeCategory.RINGBACK_MONTHLY, 80000, ExitReason.TERMINATION, True, CONTINUE, 0),
        (MONTHLY, JOINT, 1000, ExitReason.TERMINATION, True, UNSUBSCRIBE, 1),  # joint membership: no own channel
        (MONTHLY, JOINT, 5000, ExitReason.TERMINATION, True, UNSUBSCRIBE, 5),
        (MONTHLY, EXCLUSIVE, 1000, ExitReason.TERMINATION, False, UNSUBSCRIBE, 1),
        (MONTHLY, EXCLUSIVE, 1001, ExitReason.TERMINATION, False, UNSUBSCRIBE, 2),
        (MONTHLY, EXCLUSIVE, 2500, ExitReason.TERMINATION, False, UNSUBSCRIBE, 3),
        (MONTHLY, EXCLUSIVE, 50000, ExitReason.VIOLATION, True, RECYCLE, 0),  # removed for violations: all recycled
        (PER_USE, EXCLUSIVE, 0, ExitReason.VIOLATION, True, RECYCLE, 0),
    ],
)
def test_exit_rules_for_each_code_kind(kind, category, users, reason, can_continue, action, batches):
    """R-B-EXIT: per-use and monthly < 1,000 users recycled at once; all codes on violations; monthly ≥ 1,000
    stop new users and continue under own-channel settlement (not joint membership) or are unsubscribed in
    batches of 1,000 and recycled."""
    code = BusinessCodeFactory(kind=kind, category=category)
    CodeMonthlyStatFactory(code=code, month=dt.date(2026, 8, 1), users=users + 7)
    CodeMonthlyStatFactory(code=code, month=dt.date(2026, 9, 1), users=users)  # the latest before the exit
    CodeMonthlyStatFactory(code=code, month=dt.date(2026, 11, 1), users=users + 9)  # after: ignored
    partner_exit = partner_exit_register(partner=code.partner, exit_date=EXIT_DAY, reason=reason,
                                         service_can_continue=can_continue)
    counts = code_exit_propose(partner_exit=partner_exit)
    assert counts["created"] == 1
    proposal = CodeRecyclingProposal.objects.get(code=code, trigger=ProposalTrigger.EXIT)
    assert (proposal.action, proposal.unsubscribe_batches, proposal.users) == (action, batches, users)
    assert proposal.rule_id == "R-B-EXIT" and proposal.items[0]["rule"] == "R-B-EXIT"
    assert proposal.partner_exit == partner_exit


def test_pure_disposition_names_its_reason():
    result = exit_disposition(kind="monthly", category="joint_membership", users=3000, for_violation=False,
                              service_can_continue=True, min_users=1000, batch_size=1000,
                              own_channel_excluded=["joint_membership"], rule="R-B-EXIT")
    assert result.action == "unsubscribe_and_recycle" and result.batches == 3
    assert "联合会员代码不转自有渠道结算" in result.items[0]["detail"] and "分 3 批退订" in result.items[0]["detail"]


def test_exit_covers_only_that_partner_and_type_and_is_idempotent():
    code = BusinessCodeFactory(kind=PER_USE)
    BusinessCodeFactory(kind=PER_USE, contract__partner=code.partner,
                        contract__cooperation_type=CooperationType.JOINT_MEMBERSHIP)
    BusinessCodeFactory(kind=PER_USE, contract=code.contract, status=CodeStatus.RECYCLED)
    BusinessCodeFactory(kind=PER_USE)  # another partner
    partner_exit = partner_exit_register(partner=code.partner, exit_date=EXIT_DAY, reason=ExitReason.NO_RENEWAL,
                                         cooperation_type=CooperationType.SALES_CHANNEL)
    assert code_exit_propose(partner_exit=partner_exit)["created"] == 1
    assert code_exit_propose(partner_exit=partner_exit) == {"created": 0, "updated": 0, "deleted": 0,
                                                            "unchanged": 1}
    assert list(CodeRecyclingProposal.objects.values_list("code", flat=True)) == [code.pk]


def test_approved_exit_proposals_change_the_codes(reviewers, director):
    """R-B-EXIT through R-B-PROCESS: continuation leaves partner settlement; recycling starts at once."""
    keep = BusinessCodeFactory(kind=MONTHLY)
    drop = BusinessCodeFactory(kind=PER_USE, contract=keep.contract)
    CodeMonthlyStatFactory(code=keep, month=dt.date(2026, 10, 1), users=4000)
    internal = InternalCodeFactory()
    partner_exit = partner_exit_register(partner=keep.partner, exit_date=EXIT_DAY, reason=ExitReason.TERMINATION)
    code_exit_propose(partner_exit=partner_exit)
    assert not CodeRecyclingProposal.objects.filter(code=internal).exists()  # not the partner's (R-B-INTERNAL)
    for proposal in CodeRecyclingProposal.objects.all():
        process_assess(obj=proposal, actor=reviewers[0], note="按退出规则处置")
        process_approve(obj=proposal, actor=director)
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.status, keep.own_channel_settlement) == (CodeStatus.NO_NEW_USERS, True)
    assert drop.status == CodeStatus.RECYCLING
    # approved proposals are left as they are on a re-run; changing their numbers is refused
    assert code_exit_propose(partner_exit=partner_exit)["unchanged"] == 2
    keep.stats.update(users=500)
    with pytest.raises(JobRefused):
        code_exit_propose(partner_exit=partner_exit)
