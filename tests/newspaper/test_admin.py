"""Admin pages: a product walked through the launch from the product page, the test page with testers' scores
and the decision, documents filtered by expiry, breach entry, the catalogue export."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from newspaper.models import Breach, NewspaperProduct, ProductTest

from .factories import DAY, document, listed, qualify, walk_to_review
from .factories import product as make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    client.force_login(user)
    return client


def test_product_added_and_walked_to_the_test_from_the_admin(root, partner_a):
    qualify(partner_a)
    response = root.post(reverse("admin:newspaper_newspaperproduct_add"), {
        "partner": partner_a.pk, "name": "体育快报", "editing_mode": "reprint", "category": "sports",
        "scope": "national", "delivery_format": "mms", "frequency": "每日1期", "suggested_price": "2.00",
        "content": "赛事", "sections": "", "demo": "", "proposed_on": "2026-03-02",
        "launch_steps-TOTAL_FORMS": "0", "launch_steps-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    product = NewspaperProduct.objects.get(name="体育快报")
    changelist = reverse("admin:newspaper_newspaperproduct_changelist")
    for _ in range(3):
        root.post(changelist, {"action": "record_next_stage", "_selected_action": [product.pk], "document": "文件"})
    product.refresh_from_db()
    assert product.launch_stage == 3
    root.post(changelist, {"action": "start_test", "_selected_action": [product.pk], "start_date": "2026-03-02",
                           "testers": "张三，李四"})
    test = ProductTest.objects.get(product=product)
    assert sorted(test.scores.values_list("tester", flat=True)) == ["张三", "李四"]
    page = root.get(reverse("admin:newspaper_newspaperproduct_change", args=[product.pk]))
    assert "时间线" in page.content.decode() and "产品开发初审" in page.content.decode()


def test_test_page_enters_scores_and_shows_average_and_decision(root, partner_a):
    qualify(partner_a)
    product = walk_to_review(make_product(partner_a))
    from newspaper.services import product_test_start

    test = product_test_start(product=product, start_date=DAY, testers=["甲", "乙"])
    rows = list(test.scores.order_by("tester"))
    url = reverse("admin:newspaper_producttest_change", args=[test.pk])
    data = {"summary": "总结", "summary_on": "2026-03-10", "scores-TOTAL_FORMS": "2", "scores-INITIAL_FORMS": "2"}
    for i, (row, score, day) in enumerate(zip(rows, ["25", "24.98"], ["2026-03-09", "2026-03-10"], strict=True)):
        data.update({f"scores-{i}-id": row.pk, f"scores-{i}-test": test.pk, f"scores-{i}-tester": row.tester,
                     f"scores-{i}-score": score, f"scores-{i}-scored_on": day, f"scores-{i}-comment": ""})
    response = root.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    test.refresh_from_db()
    assert (str(test.average), test.decision, test.summary_on) == ("24.99", "adjust", dt.date(2026, 3, 10))
    page = root.get(url).content.decode()
    assert "24.99" in page and "需调整，重新执行上线流程" in page and "np-decision-rule" in page


def test_documents_filtered_by_expiry(root, partner_a):
    today = timezone.localdate()
    document(partner_a, number="SOON", valid_from=today - dt.timedelta(days=10), valid_to=today + dt.timedelta(days=5))
    document(partner_a, number="LATER", valid_to=today + dt.timedelta(days=200))
    url = reverse("admin:newspaper_qualificationdocument_changelist")
    page = root.get(url, {"expiry": "30"}).content.decode()
    assert "SOON" in page and "LATER" not in page


def test_breach_entry_runs_the_service_checks(root, partner_a):
    qualify(partner_a)
    item = listed(partner_a)
    url = reverse("admin:newspaper_breach_add")
    early = root.post(url, {"product": item.pk, "breach_class": "3", "occurred_on": "2026-01-01",
                            "description": "标题错误", "evidence": "截图", "found_by": "巡检"})
    assert early.status_code == 200 and "发生日期早于产品上线日期" in early.content.decode()
    ok = root.post(url, {"product": item.pk, "breach_class": "3", "occurred_on": "2026-05-04",
                         "description": "标题错误", "evidence": "截图", "found_by": "巡检"})
    assert ok.status_code == 302 and Breach.objects.get().recorded_by.username == "root"


def _sheet_rows(response):
    from io import BytesIO

    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [list(r) for r in load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)]


def test_catalogue_page_and_excel_export_through_the_shared_exporter(root, partner_a):
    qualify(partner_a)
    item = listed(partner_a)
    url = reverse("admin:newspaper_catalogueproduct_changelist")
    page = root.get(url).content.decode()
    assert "新闻早晚报" in page and reverse("admin:newspaper_catalogueproduct_export") in page
    rows = _sheet_rows(root.post(url, {"action": "export_xlsx", "_selected_action": [item.pk]}))
    assert rows[0][:3] == ["合作方编码", "合作方名称", "产品名称"] and rows[1][:3] == ["PA", partner_a.name, item.name]
    whole = _sheet_rows(root.get(reverse("admin:newspaper_catalogueproduct_export")))
    assert [r[2] for r in whole[1:]] == [item.name]


def test_test_results_export_one_row_per_tester(root, partner_a):
    qualify(partner_a)
    item = listed(partner_a)
    tests_url = reverse("admin:newspaper_producttest_changelist")
    rows = _sheet_rows(root.post(tests_url, {"action": "export_xlsx", "_selected_action": [item.tests.get().pk]}))
    header = rows[0]
    assert header[0] == "合作方编码" and "测试人员" in header and "计入平均分" in header
    testers = [r[header.index("测试人员")] for r in rows[1:]]
    assert len(testers) == item.tests.get().scores.count() and all(r[0] == "PA" for r in rows[1:])
    assert {r[header.index("测试结论")] for r in rows[1:]} == {item.tests.get().get_decision_display()}
