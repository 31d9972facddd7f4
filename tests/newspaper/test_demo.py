"""The demo loader: products at every stage, one rejected with its 3-month lock, one with an expiring licence."""

import datetime as dt

import pytest
from django.utils import timezone

from core.months import add_months
from newspaper.demo import newspaper_demo_load
from newspaper.models import NewspaperProduct, QualificationDocument
from newspaper.selectors import catalogue_products

pytestmark = pytest.mark.django_db


def test_demo_has_every_stage_a_locked_rejection_and_an_expiring_licence():
    assert newspaper_demo_load(today=dt.date(2026, 11, 23)) == {"products": 11, "partners": 4}
    assert newspaper_demo_load(today=dt.date(2026, 11, 23)) == {"skipped": 1}
    products = {p.name.removeprefix("演示·"): p for p in NewspaperProduct.objects.all()}
    assert {products[n].launch_stage for n in ("体育快报", "读书早知道", "掌上生活", "法制周刊", "科技前沿")} == {
        0, 1, 2, 3}
    assert products["科技前沿"].tests.get().counted_scores == 2
    assert {p.status for p in products.values()} == {"proposed", "in_launch", "live", "warned", "exited",
                                                     "rejected"}
    rejected = products["游戏动漫报"]
    assert rejected.reapply_from == add_months(timezone.localdate(), 3)
    assert products["教育周刊"].launch_round == 2
    assert products["地方晚报"].scope == "local"
    assert {p.name for p in catalogue_products()} == {"演示·新闻早晚报", "演示·文学天地"}
    assert QualificationDocument.objects.filter(expiry_warning_days=30).count() == 1
