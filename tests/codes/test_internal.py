"""Codes for internal units (R-B-INTERNAL): requested by a department (director + VP), accepted by the
receiving department, never settled to partners."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from codes.choices import ApplicationType, GrantBasis, OwnerKind, ReviewStep
from codes.services import application_apply, application_decide, batch_close
from core.choices import ApprovalStatus

from .conftest import APPLY_DAY
from .factories import InternalUnitFactory

pytestmark = pytest.mark.django_db


def internal_application(actor, **kwargs):
    values = {"kind": "monthly", "category": "other", "name": "省公司彩铃包", "price": "5", "on": APPLY_DAY,
              "internal_unit": InternalUnitFactory(), "requesting_department": "拓展中心"}
    values.update(kwargs)
    return application_apply(actor=actor, **values)


def test_internal_chain_director_vp_receiver(staff_user, director, second_director, leader):
    app = internal_application(staff_user)
    assert (app.application_type, app.grant_basis, app.eligible) == (
        ApplicationType.INTERNAL, GrantBasis.INTERNAL, True)
    assert app.eligibility[-1]["rule"] == "R-B-INTERNAL"
    batch_close(batch=app.batch, actor=staff_user)
    app.refresh_from_db()
    assert app.stage == ReviewStep.DIRECTOR_REVIEW  # no product initial review for internal units
    app = application_decide(application=app, actor=director, approve=True)
    assert app.stage == ReviewStep.LEADER_APPROVAL
    app = application_decide(application=app, actor=leader, approve=True)
    assert app.stage == ReviewStep.RECEIVER_ACCEPTANCE
    with pytest.raises(ValidationError, match="重复审核"):
        application_decide(application=app, actor=director, approve=True)  # the receiver is another director
    app = application_decide(application=app, actor=second_director, approve=True, note="接收")
    app.refresh_from_db()
    assert app.status == ApprovalStatus.APPROVED
    code = app.granted_code
    assert (code.owner_kind, code.partner, code.internal_unit) == (OwnerKind.INTERNAL, None, app.internal_unit)


def test_only_staff_request_internal_codes_with_a_department(partner_a, staff_user):
    from partners.services import partner_user_create

    with pytest.raises(PermissionDenied):
        internal_application(partner_user_create(username="pa", partner_code=partner_a.code))
    with pytest.raises(ValidationError) as exc:
        internal_application(staff_user, requesting_department="")
    assert "requesting_department" in exc.value.message_dict
