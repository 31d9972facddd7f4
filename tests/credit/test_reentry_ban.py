"""R-X-EXIT: a major violation bans re-entry for 2 years (2 年内不得重新申请接入). A new contract — by import or in
the admin — and a code application inside the ban are refused, naming the ban's end date; on that day it ends."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from codes.services import application_apply
from core.approval import approval_approve, approval_submit
from credit.services import major_violation_record
from partners.models import Contract
from tests.factories import ContractFactory, PartnerFactory
from tests.partners.import_support import csv_file, messages, run

pytestmark = pytest.mark.django_db

D = dt.date
UNTIL = D(2028, 10, 20)  # decided 2026-10-20 + 2 years


@pytest.fixture
def banned(staff_user, division_leader):
    partner = PartnerFactory(code="BAD")
    ContractFactory(partner=partner, start_date=D(2024, 1, 1))
    violation = major_violation_record(
        partner=partner, category="illegal_content", occurred_on=D(2026, 10, 8), description="违法内容传播",
        evidence="监管通报 2026-101", decision="终止合作", effective_on=D(2026, 10, 20), actor=staff_user)
    approval_approve(obj=approval_submit(obj=violation, actor=staff_user), actor=division_leader)
    partner.refresh_from_db()
    assert partner.reentry_banned_until == UNTIL
    return partner


@pytest.mark.parametrize(("start", "refused"), [("2026-11-01", True), ("2028-10-19", True), ("2028-10-20", False)])
def test_contract_import_inside_the_ban_is_refused_with_its_end_date_r_x_exit(banned, tmp_path, start, refused):
    content = ("partner_code,cooperation_type,start_date,end_date,revenue_share,incubation\n"
               f"BAD,sales_channel,{start},,0.4,\n")
    result = run("contracts", csv_file(tmp_path, content))
    if not refused:
        assert result.ok and Contract.objects.filter(partner=banned, start_date=D.fromisoformat(start)).exists()
        return
    assert not result.ok
    [error] = messages(result)
    assert error.startswith("row 2: start_date: R-X-EXIT") and "2028-10-20" in error
    assert not Contract.objects.filter(partner=banned, start_date=D.fromisoformat(start)).exists()


def test_existing_contracts_of_a_banned_partner_still_import_r_x_exit(banned, tmp_path):
    """Re-importing the partner's old contract (now end-dated at the termination) is not a new contract."""
    content = ("partner_code,cooperation_type,start_date,end_date,revenue_share,incubation\n"
               "BAD,sales_channel,2024-01-01,2026-10-20,0.4500,\n")
    assert run("contracts", csv_file(tmp_path, content)).ok


def test_contract_created_in_the_admin_inside_the_ban_is_refused_r_x_exit(banned, admin_client):
    form = {"partner": banned.pk, "cooperation_type": "joint_membership", "start_date": "2027-01-01",
            "revenue_share": "0.5", "incubation_basis": "none"}
    response = admin_client.post("/admin/partners/contract/add/", form)
    assert response.status_code == 200  # the form comes back with the error
    assert "R-X-EXIT" in response.content.decode() and "2028-10-20" in response.content.decode()
    assert not Contract.objects.filter(partner=banned, cooperation_type="joint_membership").exists()
    response = admin_client.post("/admin/partners/contract/add/", {**form, "start_date": "2028-10-20"})
    assert response.status_code == 302
    assert Contract.objects.filter(partner=banned, cooperation_type="joint_membership").exists()


def test_code_application_inside_the_ban_is_refused_r_x_exit(banned, staff_user):
    contract = banned.contracts.get()
    contract.end_date = None  # even a contract left open does not let a banned partner apply
    contract.save()
    with pytest.raises(ValidationError) as error:
        application_apply(actor=staff_user, contract=contract, kind="monthly", category="channel_exclusive",
                          name="测试产品", price=Decimal("15.00"), on=D(2027, 3, 1))
    assert "R-X-EXIT" in error.value.message_dict["contract"][0] and "2028-10-20" in error.value.message_dict[
        "contract"][0]
