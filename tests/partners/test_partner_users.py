import pytest
from django.core.management import CommandError, call_command

from partners.models import PartnerMembership
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_partner_user_binds_a_non_staff_login():
    partner = PartnerFactory(code="P001")
    call_command("create_partner_user", "p001_api", "P001")
    membership = PartnerMembership.objects.get(user__username="p001_api")
    assert membership.partner == partner
    assert not membership.user.is_staff
    call_command("create_partner_user", "p001_api", "P001")  # re-running re-binds, never duplicates
    assert PartnerMembership.objects.filter(user__username="p001_api").count() == 1


def test_unknown_partner_is_refused_with_its_code():
    with pytest.raises(CommandError, match="NOPE"):
        call_command("create_partner_user", "x", "NOPE")


def test_staff_login_cannot_be_bound_to_a_partner():
    PartnerFactory(code="P002")
    UserFactory(username="boss", is_staff=True)
    with pytest.raises(CommandError, match="运营人员"):
        call_command("create_partner_user", "boss", "P002")
