"""``core.bulk.raw_delete``: plain DELETEs of exactly the rows asked for, without a history row per row (used to
clear drafts inside the back-test's rolled-back transaction)."""

import pytest

from core.bulk import raw_delete
from partners.models import Partner
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_raw_delete_removes_only_the_rows_asked_for_and_writes_no_history():
    for code in ("KEEP", "GONE1", "GONE2"):
        PartnerFactory(code=code)
    history_before = Partner.history.count()
    assert raw_delete(Partner.objects.filter(code__startswith="GONE")) == 2
    assert list(Partner.objects.values_list("code", flat=True)) == ["KEEP"]
    assert Partner.history.count() == history_before  # the ORM's delete would have added two "-" rows


def test_raw_delete_of_nothing_is_nothing():
    PartnerFactory(code="KEEP")
    assert raw_delete(Partner.objects.none()) == 0 and Partner.objects.count() == 1
