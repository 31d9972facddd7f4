import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.choices import ApproverRole
from partners.services import partner_user_create
from scoring.selectors import clear_rule_book_cache

from .factories import PartnerFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_rule_book_cache():
    clear_rule_book_cache()
    yield
    clear_rule_book_cache()


@pytest.fixture
def staff_user(db):
    user = UserFactory(is_staff=True, username="ops")
    user.groups.add(Group.objects.get(name=ApproverRole.OPERATIONS))
    return user


@pytest.fixture
def division_leader(db):
    user = UserFactory(is_staff=True, username="division_leader")
    user.groups.add(Group.objects.get(name=ApproverRole.DIVISION_LEADER))
    return user


@pytest.fixture
def department_head(db):
    user = UserFactory(is_staff=True, username="department_head")
    user.groups.add(Group.objects.get(name=ApproverRole.DEPARTMENT_HEAD))
    return user


def _token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def staff_client(staff_user):
    return _token_client(staff_user)


@pytest.fixture
def partner_a(db):
    return PartnerFactory(code="PA", name="甲公司")


@pytest.fixture
def partner_b(db):
    return PartnerFactory(code="PB", name="乙公司")


@pytest.fixture
def partner_a_client(partner_a):
    return _token_client(partner_user_create(username="pa_user", partner_code=partner_a.code))
