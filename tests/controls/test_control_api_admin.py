"""The control-event API (partners see only approved events against themselves) and the admin entry with preview,
measure override and the partner overview page (R-C-*, R-D-APPROVAL)."""

import datetime as dt

import pytest
from django.urls import reverse

from controls.choices import ControlEventType as E
from controls.models import ControlEvent, ControlMeasure
from core.models import AuditEvent
from partners.choices import CooperationType
from tests.factories import PartnerFactory, SubChannelFactory

from .factories import approve, record_event

pytestmark = pytest.mark.django_db

D = dt.date


def test_partner_sees_only_its_approved_events(partner_a, partner_b, partner_a_client, staff_client, staff_user,
                                                department_head):
    approved = approve(record_event(partner_a, E.GROUP_NOTICE, province="广东"), submitter=staff_user,
                       approver=department_head)
    draft = record_event(partner_a, E.PROVINCIAL_IMPORTANT, province="江苏", occurred_on=D(2026, 10, 6))
    approve(record_event(partner_b, E.GROUP_NOTICE), submitter=staff_user, approver=department_head)

    rows = partner_a_client.get(reverse("control-event-list")).json()["results"]
    assert [row["id"] for row in rows] == [approved.pk]
    row = rows[0]
    assert (row["partner"], row["event_type"], row["rule_id"], row["status"]) == (
        "PA", "group_notice", "R-C-NOTICE", "approved")
    assert [(m["kind"], m["rule"], m["province"], m["duration"]) for m in row["measures"]] == [
        ("business_suspension", "R-C-NOTICE", "广东", "1个月"), ("business_warning", "R-C-NOTICE", "", "")]
    assert partner_a_client.get(reverse("control-event-detail", args=[draft.pk])).status_code == 404

    staff_rows = staff_client.get(reverse("control-event-list"), {"partner": "PA", "month": "2026-10"}).json()
    assert staff_rows["count"] == 2


def form_data(partner, **overrides):
    data = {"partner": partner.pk, "cooperation_type": CooperationType.SALES_CHANNEL, "event_type": E.DIAL_PROVINCIAL,
            "sub_channel": "", "province": "广东", "occurred_on": "2026-10-05", "measures_start_on": "",
            "reference": "拨测-001", "description": "省公司拨测发现"}
    return data | overrides


def test_admin_preview_shows_the_measures_without_saving(admin_client):
    partner = PartnerFactory()
    sub_channel = SubChannelFactory(partner=partner)
    url = reverse("admin:controls_controlevent_add")
    response = admin_client.post(url, form_data(partner, sub_channel=sub_channel.pk, _preview="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "预览" in html and "R-C-DIAL-PROV" in html and "2027-01-05" in html
    assert not ControlEvent.objects.exists()

    response = admin_client.post(url, form_data(partner, sub_channel=sub_channel.pk, _save="1"))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = ControlEvent.objects.get()
    assert event.measures.count() == 2 and event.created_by.is_superuser


def test_admin_preview_reports_missing_input_on_the_field(admin_client):
    partner = PartnerFactory()
    response = admin_client.post(reverse("admin:controls_controlevent_add"), form_data(partner, _preview="1"))
    assert response.status_code == 200
    assert "须填写子渠道" in response.content.decode()
    assert not ControlEvent.objects.exists()


def test_admin_change_form_shows_stored_measures_and_overview_link(admin_client):
    partner = PartnerFactory()
    event = record_event(partner, E.PROVINCIAL_IMPORTANT, province="广东")
    html = admin_client.get(reverse("admin:controls_controlevent_change", args=[event.pk])).content.decode()
    assert "已保存的措施" in html and reverse("admin:controls_partner_overview", args=[partner.pk]) in html


def test_admin_measure_override(admin_client):
    event = record_event(PartnerFactory(), E.PROVINCIAL_IMPORTANT, province="广东")
    measure = event.measures.get()
    response = admin_client.post(reverse("admin:controls_controlmeasure_change", args=[measure.pk]), {
        "override_source": "province", "override_requester": "广东公司", "override_reason": "省公司要求两个月",
        "new_duration_value": "2", "new_duration_unit": "months", "new_province": "", "_save": "1",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    measure = ControlMeasure.objects.get(pk=measure.pk)
    assert measure.overridden and measure.ends_on == D(2026, 12, 5)
    assert AuditEvent.objects.filter(action="control_measure_override").exists()


def test_partner_overview_lists_restrictions_and_pending_proposals(admin_client, staff_user, department_head):
    partner = PartnerFactory()
    approve(record_event(partner, E.GROUP_NOTICE, occurred_on=dt.date.today()), submitter=staff_user,
            approver=department_head)
    record_event(partner, E.PROVINCIAL_IMPORTANT, province="江苏", occurred_on=dt.date.today())
    html = admin_client.get(reverse("admin:controls_partner_overview", args=[partner.pk])).content.decode()
    assert "R-C-NOTICE" in html and "R-C-PROV" in html and "待审批的管控事件（1）" in html


def test_admin_approval_actions(admin_client, staff_user):
    from core.approval import approval_submit

    event = record_event(PartnerFactory(), E.PROVINCIAL_IMPORTANT, province="广东")
    approval_submit(obj=event, actor=staff_user)
    url = reverse("admin:controls_controlevent_changelist")
    admin_client.post(url, {"action": "return_selected", "_selected_action": [event.pk], "note": ""})
    assert ControlEvent.objects.get(pk=event.pk).status == "submitted"  # a return needs a reason
    admin_client.post(url, {"action": "return_selected", "_selected_action": [event.pk], "note": "请补充文号"})
    assert ControlEvent.objects.get(pk=event.pk).status == "returned"


def test_partner_change_page_links_to_the_overview(admin_client):
    partner = PartnerFactory()
    html = admin_client.get(reverse("admin:partners_partner_change", args=[partner.pk])).content.decode()
    assert reverse("admin:controls_partner_overview", args=[partner.pk]) in html


def test_api_approval_by_the_department_head_lists_restrictions_for_the_partner(partner_a, partner_a_client,
                                                                                 staff_client, department_head):
    """R-D-APPROVAL over the API; the approved measures appear in /api/v1/restrictions/ for the partner."""
    from rest_framework.test import APIClient

    event = record_event(partner_a, E.GROUP_NOTICE, province="广东")
    assert staff_client.post(reverse("control-event-submit", args=[event.pk]), {}).status_code == 200
    head = APIClient()
    head.force_authenticate(department_head)
    response = head.post(reverse("control-event-approve", args=[event.pk]), {"note": "同意"})
    assert response.status_code == 200 and response.json()["status"] == "approved"

    rows = partner_a_client.get(reverse("restriction-list"), {"date": "2026-10-20"}).json()["results"]
    assert [(r["action"], r["province"], r["rule_id"], r["ends_on"]) for r in rows] == [
        ("promote", "广东", "R-C-NOTICE", "2026-11-05")]
    assert partner_a_client.get(reverse("restriction-list"), {"date": "2026-11-05"}).json()["count"] == 0
