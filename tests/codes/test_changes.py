"""Code change requests (R-B-CHANGE) through group assessment and director review (R-B-PROCESS)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from codes.choices import CodeStatus
from codes.models import CodeChangeRequest
from codes.services import (
    code_activate,
    code_change_request_create,
    code_recycle_finish,
    process_approve,
    process_assess,
    process_return,
    recycling_proposal_raise,
)
from core.audit import audit_trail
from core.choices import ApprovalStatus

from .factories import BusinessCodeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field", "after"),
    [
        ({"cp": "新CP"}, "cp", "新CP"),
        ({"name": "新名称"}, "name", "新名称"),
        ({"price": "9.9"}, "price", Decimal("9.90")),
        ({"attributes": {"channel": "app"}}, "attributes", {"tier": "gold", "channel": "app"}),
    ],
)
def test_change_keeps_the_management_period(changes, field, after, staff_user, reviewers, director):
    """R-B-CHANGE: CP, name, price or attributes change on request; the effective date (period) continues."""
    code = BusinessCodeFactory(effective_date=dt.date(2023, 5, 1), attributes={"tier": "gold"})
    request = code_change_request_create(code=code, changes=changes, actor=staff_user, reason="产品升级")
    assert request.status == ApprovalStatus.DRAFT
    process_assess(obj=request, actor=reviewers[0], note="同意变更")
    process_approve(obj=request, actor=director)
    code.refresh_from_db()
    request.refresh_from_db()
    assert getattr(code, field) == after
    assert code.effective_date == dt.date(2023, 5, 1) and code.status == CodeStatus.ACTIVE
    assert field in request.before
    [event] = [e for e in audit_trail(code) if e.action == "code_change"]
    assert event.rule_id == "R-B-CHANGE" and event.data["effective_date"] == "2023-05-01"
    assert code.history.count() == 2


def test_return_goes_back_to_assessment(staff_user, reviewers, director):
    """R-B-PROCESS: a director's rejection returns the request to group assessment."""
    code = BusinessCodeFactory(name="旧名称")
    request = code_change_request_create(code=code, changes={"name": "新名称"}, actor=staff_user)
    process_assess(obj=request, actor=reviewers[0], note="可变更")
    with pytest.raises(PermissionDenied):
        process_approve(obj=request, actor=reviewers[0])
    request = process_return(obj=request, actor=director, reason="名称不规范")
    assert request.status == ApprovalStatus.RETURNED and request.assessed_by is None
    code.refresh_from_db()
    assert code.name == "旧名称"
    request = process_assess(obj=request, actor=reviewers[1], note="已改")
    process_approve(obj=request, actor=director)
    code.refresh_from_db()
    assert code.name == "新名称"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"status": "recycled"}, "changes"), ({"name": "代码"}, "changes"), ({"price": "-1"}, "price"),
     ({"price": "abc"}, "price"), ({}, "changes"), ({"attributes": "x"}, "attributes")],
)
def test_bad_changes_are_refused(changes, field, staff_user):
    code = BusinessCodeFactory(name="代码")
    with pytest.raises(ValidationError) as exc:
        code_change_request_create(code=code, changes=changes, actor=staff_user)
    assert field in exc.value.message_dict
    assert not CodeChangeRequest.objects.exists()


def test_recycled_code_cannot_change_and_unused_code_is_recycled(staff_user, reviewers, director):
    """R-B-CHANGE: codes no longer used are recycled (through R-B-PROCESS); recycled codes do not change."""
    code = BusinessCodeFactory(status=CodeStatus.APPLIED, effective_date=None)
    code_activate(code=code, effective_date=dt.date(2026, 1, 1), actor=staff_user, code_value="10658000")
    code.refresh_from_db()
    assert (code.code, code.status, code.effective_date) == ("10658000", CodeStatus.ACTIVE, dt.date(2026, 1, 1))
    proposal = recycling_proposal_raise(code=code, actor=staff_user, reason="产品下线")
    assert recycling_proposal_raise(code=code, actor=staff_user, reason="产品下线") == proposal
    process_assess(obj=proposal, actor=reviewers[0], note="确认不再使用")
    process_approve(obj=proposal, actor=director)
    code_recycle_finish(code=code, actor=staff_user, on=dt.date(2026, 11, 1))
    code.refresh_from_db()
    assert (code.status, code.recycled_on) == (CodeStatus.RECYCLED, dt.date(2026, 11, 1))
    with pytest.raises(ValidationError, match="已回收"):
        code_change_request_create(code=code, changes={"name": "x"}, actor=staff_user)
    with pytest.raises(ValidationError, match="不能执行"):
        code_activate(code=code, effective_date=dt.date(2026, 12, 1), actor=staff_user)
    assert [e.action for e in audit_trail(code).order_by("at", "id")] == [
        "code_activate", "code_start_recycling", "code_finish_recycling"]


def test_code_status_cannot_be_set_directly():
    """Code status only moves through its transitions (django-fsm protected field)."""
    code = BusinessCodeFactory()
    with pytest.raises(AttributeError):
        code.status = CodeStatus.RECYCLED
