"""API results carry the label of every coded value beside the code (``<field>_display``), in the request's
language; the codes themselves (CONTRACT.md §3) are unchanged."""

import pytest
from django.urls import reverse

from core.api.serializers import ChoiceLabelField
from migu_ops.api_router import router

from .isolation_data import MAKERS

pytestmark = pytest.mark.django_db

REGISTRY = [(prefix, viewset, basename) for prefix, viewset, basename in router.registry]


def test_labels_next_to_codes_in_chinese_by_default(partner_a, staff_client):
    MAKERS["assessment"](partner_a)
    MAKERS["penalty-proposal"](partner_a)
    MAKERS["credit-score"](partner_a)
    row = staff_client.get(reverse("assessment-list")).json()["results"][0]
    assert (row["cooperation_type"], row["cooperation_type_display"]) == ("sales_channel", "数字产品销售渠道")
    assert (row["status"], row["status_display"]) == ("approved", "已审批发布")
    keys = list(row)
    assert keys.index("cooperation_type_display") == keys.index("cooperation_type") + 1
    proposal = staff_client.get(reverse("penalty-proposal-list")).json()["results"][0]
    assert proposal["measures"] and all(m["action_display"] and m["action_display"] != m["action"]
                                        for m in proposal["measures"])
    score = staff_client.get(reverse("credit-score-list")).json()["results"][0]
    assert "grade_display" in score and "status_display" in score
    partner = staff_client.get(reverse("partner-list")).json()["results"][0]
    assert partner["partner_class_display"] in {"普通", "核心"}


def test_labels_in_english_when_asked(partner_a, staff_client):
    MAKERS["assessment"](partner_a)
    row = staff_client.get(reverse("assessment-list"), HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert row["cooperation_type"] == "sales_channel"
    assert row["cooperation_type_display"] == "Digital product sales channel"
    assert row["status_display"] == "Approved (published)"


@pytest.mark.parametrize(("prefix", "viewset", "basename"), REGISTRY, ids=[b for _, _, b in REGISTRY])
def test_every_choice_field_of_every_endpoint_has_a_label(prefix, viewset, basename):
    serializer = viewset.serializer_class()
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return
    coded = [f.name for f in model._meta.concrete_fields if f.choices and f.name in serializer.fields]
    assert all(isinstance(serializer.fields.get(f"{name}_display"), ChoiceLabelField) for name in coded), coded
