import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from codes.services import application_apply
from core.choices import ApproverRole
from partners.choices import CooperationType, PartnerClass
from tests.factories import ContractFactory, PartnerFactory, UserFactory

APPLY_DAY = dt.date(2026, 10, 15)


def staff_with(role: str, username: str):
    user = UserFactory(is_staff=True, username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reviewers(db):
    return [staff_with(ApproverRole.OPERATIONS, f"reviewer{i}") for i in range(1, 5)]


@pytest.fixture
def director(db):
    return staff_with(ApproverRole.DEPARTMENT_HEAD, "director")


@pytest.fixture
def second_director(db):
    return staff_with(ApproverRole.DEPARTMENT_HEAD, "director2")


@pytest.fixture
def leader(db):
    return staff_with(ApproverRole.DIVISION_LEADER, "leader")


def make_contract(cooperation_type=CooperationType.SALES_CHANNEL, partner_class=PartnerClass.ORDINARY,
                  partner=None, **kwargs):
    partner = partner or PartnerFactory(partner_class=partner_class)
    return ContractFactory(partner=partner, cooperation_type=cooperation_type, **kwargs)


def apply(contract, actor, *, kind="monthly", on=APPLY_DAY, **kwargs):
    values = {"category": "channel_exclusive", "name": "测试产品", "price": Decimal("15.00"), "cp": "CP甲"}
    values.update(kwargs)
    return application_apply(actor=actor, contract=contract, kind=kind, on=on, **values)


def item_for(application, rule):
    return [i for i in application.eligibility if i["rule"] == rule]
