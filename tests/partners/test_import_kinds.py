"""Each import kind: columns of CONTRACT.md §1, upsert on the natural key, idempotent re-runs, dry runs."""

import datetime as dt
from decimal import Decimal

import pytest

from partners.choices import ComplaintCategory, CooperationType, ImportStatus, PartnerClass
from partners.models import (
    ComplaintTicket,
    ImportRun,
    MonthlyContribution,
    MonthlyRevenue,
    Partner,
    RelatedGroup,
    SubChannel,
)
from tests.factories import ComplaintFactory, MonthlyRevenueFactory, PartnerFactory

from .import_support import csv_file, messages, run, snapshot

pytestmark = pytest.mark.django_db

D = dt.date


def counts(result):
    return result.created, result.updated, result.unchanged


def test_partners_create_link_groups_and_rerun_changes_nothing(tmp_path, staff_user):
    content = (
        "code,name,partner_class,related_group\n"
        "P1,甲公司,ordinary,华东系\nP2,乙公司,core,华东系\nP3,丙公司,core,\n"
    )
    path = csv_file(tmp_path, content)
    result = run("partners", path, user=staff_user)
    assert result.ok and counts(result) == (3, 0, 0)
    assert result.notes == ["新建关联公司组 1 个：华东系"]
    group = RelatedGroup.objects.get(name="华东系")
    assert set(group.partners.values_list("code", flat=True)) == {"P1", "P2"}
    assert Partner.objects.get(code="P3").related_group is None
    assert Partner.objects.get(code="P2").partner_class == PartnerClass.CORE
    history = Partner.history.filter(code="P1").get()
    assert history.history_user == staff_user and history.history_change_reason == "导入 partners: data.csv"

    before = snapshot()
    again = run("partners", path)
    assert counts(again) == (0, 0, 3)
    assert snapshot() == before  # not even a history row


def test_partners_update_only_changed_rows_and_keep_columns_not_in_the_file(tmp_path):
    group = RelatedGroup.objects.create(name="老系")
    PartnerFactory(code="P1", name="旧名", related_group=group)
    PartnerFactory(code="P2", name="乙公司")
    result = run("partners", csv_file(tmp_path, "code,name,partner_class\nP1,新名,ordinary\nP2,乙公司,ordinary\n"))
    assert counts(result) == (0, 1, 1)
    p1 = Partner.objects.get(code="P1")
    assert p1.name == "新名" and p1.related_group == group  # related_group column absent: untouched
    assert Partner.history.filter(code="P1").count() == 2 and Partner.history.filter(code="P2").count() == 1


def test_sub_channels_create_and_move_between_partners(tmp_path, partner_a, partner_b):
    path = csv_file(tmp_path, "partner_code,code,name\nPA,SC1,某App\nPA,SC2,某商店\n")
    assert counts(run("sub_channels", path)) == (2, 0, 0)
    assert counts(run("sub_channels", path)) == (0, 0, 2)
    moved = csv_file(tmp_path, "partner_code,code,name\nPB,SC1,某App\nPA,SC2,某商店\n", name="moved.csv")
    assert counts(run("sub_channels", moved)) == (0, 1, 1)
    assert SubChannel.objects.get(code="SC1").partner == partner_b


def test_complaints_all_columns_defaults_and_booleans(tmp_path, partner_a):
    content = (
        "ticket_id,partner_code,cooperation_type,received_on,province,category,handled_late,quality_failed,upgraded_on\n"
        "T1,PA,sales_channel,2026-10-01,北京,other,是,yes,2026-10-09\n"
        "T2,PA,joint_membership,2026-10-02,,,否,0,\n"
        "T3,PA,联合会员,2026-10-03,上海,不知情订购,TRUE,No,\n"
    )
    result = run("complaints", csv_file(tmp_path, content))
    assert result.ok and counts(result) == (3, 0, 0)
    t1, t2, t3 = ComplaintTicket.objects.order_by("ticket_id")
    assert (t1.province, t1.category, t1.handled_late, t1.quality_failed, t1.upgraded_on) == (
        "北京", ComplaintCategory.OTHER, True, True, D(2026, 10, 9))
    assert (t2.province, t2.category, t2.handled_late, t2.quality_failed, t2.upgraded_on) == (
        "", ComplaintCategory.UNKNOWING_SUBSCRIPTION, False, False, None)
    assert t2.cooperation_type == CooperationType.JOINT_MEMBERSHIP
    assert (t3.cooperation_type, t3.category, t3.handled_late, t3.quality_failed) == (
        CooperationType.JOINT_MEMBERSHIP, ComplaintCategory.UNKNOWING_SUBSCRIPTION, True, False)


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("1", True), ("0", False), ("yes", True), ("no", False),
     ("是", True), ("否", False), ("TRUE", True), ("No", False), (" yes ", True)],
)
def test_complaint_booleans(tmp_path, partner_a, text, value):
    content = (
        "ticket_id,partner_code,cooperation_type,received_on,quality_failed\n"
        f"T1,PA,sales_channel,2026-10-01,{text}"
    )
    assert run("complaints", csv_file(tmp_path, content)).ok
    assert ComplaintTicket.objects.get().quality_failed is value


def test_complaints_update_only_the_columns_in_the_file(tmp_path, partner_a, partner_b):
    ComplaintFactory(ticket_id="T1", partner=partner_a, province="北京", handled_late=True,
                     upgraded_on=D(2026, 10, 5))
    ComplaintFactory(ticket_id="T2", partner=partner_a, received_on=D(2026, 10, 1))
    content = (
        "ticket_id,partner_code,cooperation_type,received_on\n"
        "T1,PB,sales_channel,2026-10-01\n"   # moves to PB; province/handled_late/upgraded_on stay
        "T2,PA,sales_channel,2026-10-01\n"   # unchanged
        "T3,PB,sales_channel,2026-10-02\n"   # new: defaults
    )
    result = run("complaints", csv_file(tmp_path, content))
    assert counts(result) == (1, 1, 1)
    t1 = ComplaintTicket.objects.get(ticket_id="T1")
    assert (t1.partner, t1.province, t1.handled_late, t1.upgraded_on) == (partner_b, "北京", True, D(2026, 10, 5))
    t3 = ComplaintTicket.objects.get(ticket_id="T3")
    assert (t3.province, t3.category, t3.handled_late, t3.upgraded_on) == (
        "", ComplaintCategory.UNKNOWING_SUBSCRIPTION, False, None)
    assert counts(run("complaints", csv_file(tmp_path, content, name="again.csv"))) == (0, 0, 3)


def test_complaints_blank_optional_cell_resets_to_the_default(tmp_path, partner_a):
    ComplaintFactory(ticket_id="T1", partner=partner_a, province="北京", upgraded_on=D(2026, 10, 5))
    content = (
        "ticket_id,partner_code,cooperation_type,received_on,province,upgraded_on\n"
        "T1,PA,sales_channel,2026-10-01,,"
    )
    assert counts(run("complaints", csv_file(tmp_path, content))) == (0, 1, 0)
    ticket = ComplaintTicket.objects.get()
    assert (ticket.province, ticket.upgraded_on) == ("", None)


def test_revenue_money_is_decimal_yuan_with_two_places(tmp_path, partner_a):
    content = (
        "partner_code,cooperation_type,month,phone_bill,third_party,cash\n"
        "PA,sales_channel,2026-10,100.5,0,1234567.89"
    )
    path = csv_file(tmp_path, content)
    assert counts(run("revenue", path)) == (1, 0, 0)
    revenue = MonthlyRevenue.objects.get()
    assert revenue.month == D(2026, 10, 1)
    assert (revenue.phone_bill, revenue.third_party, revenue.cash) == (
        Decimal("100.50"), Decimal("0.00"), Decimal("1234567.89"))
    assert counts(run("revenue", path)) == (0, 0, 1)


def test_revenue_update_is_detected_per_row(tmp_path, partner_a):
    MonthlyRevenueFactory(partner=partner_a, month=D(2026, 9, 1), phone_bill=Decimal("10.00"))
    MonthlyRevenueFactory(partner=partner_a, month=D(2026, 10, 1), phone_bill=Decimal("10.00"))
    content = (
        "partner_code,cooperation_type,month,phone_bill,third_party,cash\n"
        "PA,sales_channel,2026-09,10,0,0\n"
        "PA,sales_channel,2026-10,10.01,0,0\n"
        "PA,joint_membership,2026-10,5,0,0\n"
    )
    assert counts(run("revenue", csv_file(tmp_path, content))) == (1, 1, 1)
    assert MonthlyRevenue.objects.get(month=D(2026, 10, 1), cooperation_type="sales_channel").phone_bill == Decimal(
        "10.01")


def test_contributions_with_product_purchases_and_ads_placed(tmp_path, partner_a):
    content = (
        "partner_code,cooperation_type,month,marketing_resources,marketing_includes_client_promotion,"
        "cash_contribution,ad_sales,active_users,product_purchases,product_category,ads_placed\n"
        "PA,sales_channel,2026-10,是,是,80000,1000.5,100000,2000000,music_card,300000.25\n"
        "PA,joint_membership,2026-10,,,,,,,,\n"
    )
    path = csv_file(tmp_path, content)
    assert counts(run("contributions", path)) == (2, 0, 0)
    full = MonthlyContribution.objects.get(cooperation_type="sales_channel")
    assert (full.marketing_resources, full.marketing_includes_client_promotion) == (True, True)
    assert (full.cash_contribution, full.ad_sales, full.active_users, full.product_purchases, full.product_category,
            full.ads_placed) == (
        Decimal("80000.00"), Decimal("1000.50"), 100000, Decimal("2000000.00"), "music_card", Decimal("300000.25"))
    blank = MonthlyContribution.objects.get(cooperation_type="joint_membership")
    assert (blank.marketing_resources, blank.cash_contribution, blank.active_users, blank.ads_placed) == (
        False, Decimal("0"), 0, Decimal("0"))
    assert counts(run("contributions", path)) == (0, 0, 2)


@pytest.mark.parametrize(("amount", "category", "error"), [
    ("5000", "", "row 2: product_category: R-K-PRODUCTS：采购须填写可采购的咪咕产品/服务类别"),
    ("5000", "game_coins", "row 2: product_category: R-K-PRODUCTS：采购须填写可采购的咪咕产品/服务类别"),
    ("", "game_coins", "row 2: product_category: R-K-PRODUCTS"),
    ("5000", "merchandise", None),
    ("0", "", None),
])
def test_a_purchase_names_a_purchasable_category_r_k_products(tmp_path, partner_a, amount, category, error):
    """R-K-PRODUCTS: a purchase names its product category from the rule set's list (credit_product_categories)."""
    content = ("partner_code,cooperation_type,month,product_purchases,product_category\n"
               f"PA,sales_channel,2026-10,{amount},{category}\n")
    result = run("contributions", csv_file(tmp_path, content))
    if error is None:
        assert result.ok and MonthlyContribution.objects.get().product_category == category
        return
    assert not result.ok and not MonthlyContribution.objects.exists()
    assert any(line.startswith(error) for line in messages(result)), messages(result)


def test_whitespace_bom_crlf_and_unknown_columns(tmp_path, partner_a):
    content = (
        "\ufeff Ticket_ID , partner_code ,cooperation_type,received_on,备注\r\n"
        "  T1 ,  PA  , sales_channel ,  2026-10-01 ,随便写\r\n"
        "\r\n"
        "T2,PA,sales_channel,2026-10-02,\r\n"
    )
    result = run("complaints", csv_file(tmp_path, content))
    assert result.ok and counts(result) == (2, 0, 0), messages(result)
    assert [str(w) for w in result.warnings] == ["row 1: 备注: 未知列，已忽略"]
    assert sorted(ComplaintTicket.objects.values_list("ticket_id", flat=True)) == ["T1", "T2"]
    assert ImportRun.objects.get(pk=result.run_id).warnings == "row 1: 备注: 未知列，已忽略"


def test_blank_lines_are_skipped_and_do_not_count_as_rows(tmp_path, partner_a):
    content = "ticket_id,partner_code,cooperation_type,received_on\n\nT1,PA,sales_channel,2026-10-01\n , ,,\n\n"
    result = run("complaints", csv_file(tmp_path, content))
    assert result.ok and result.rows == 1 and counts(result) == (1, 0, 0)


def test_dry_run_counts_and_writes_nothing(tmp_path, partner_a):
    ComplaintFactory(ticket_id="T1", partner=partner_a, received_on=D(2026, 10, 1))
    ComplaintFactory(ticket_id="T2", partner=partner_a, received_on=D(2026, 10, 1))
    content = (
        "ticket_id,partner_code,cooperation_type,received_on\n"
        "T1,PA,sales_channel,2026-10-01\nT2,PA,sales_channel,2026-10-09\nT3,PA,sales_channel,2026-10-01\n"
    )
    before = snapshot()
    result = run("complaints", csv_file(tmp_path, content), dry_run=True)
    assert result.ok and result.dry_run and counts(result) == (1, 1, 1)
    assert "将新增 1，将更新 1，未变化 1（仅校验，未写入）" in result.summary()
    assert snapshot() == before
    record = ImportRun.objects.get(pk=result.run_id)
    assert record.dry_run and record.status == ImportStatus.SUCCEEDED
    assert (record.rows, record.created, record.updated, record.unchanged) == (3, 1, 1, 1)


def test_dry_run_of_partners_does_not_create_groups(tmp_path):
    before = snapshot()
    result = run("partners", csv_file(tmp_path, "code,name,partner_class,related_group\nP1,甲,core,新系\n"),
                 dry_run=True)
    assert counts(result) == (1, 0, 0)
    assert snapshot() == before


def test_every_run_is_recorded_with_who_what_and_counts(tmp_path, staff_user, partner_a):
    path = csv_file(tmp_path, "partner_code,code,name\nPA,SC1,某App\n", name="渠道.csv")
    result = run("sub_channels", path, user=staff_user)
    record = ImportRun.objects.get(pk=result.run_id)
    assert (record.kind, record.file_name, record.started_by, record.status) == (
        "sub_channels", "渠道.csv", staff_user, ImportStatus.SUCCEEDED)
    assert (record.rows, record.created, record.updated, record.unchanged, record.error_count) == (1, 1, 0, 0, 0)
    assert record.finished_at is not None and record.duration_seconds >= 0


def test_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ValueError, match="未知的导入类型 'people'"):
        run("people", csv_file(tmp_path, "a\n1\n"))


def test_text_with_backslashes_tabs_and_newlines_is_stored_exactly(tmp_path, partner_a):
    content = (
        "ticket_id,partner_code,cooperation_type,received_on,province\n"
        'T\\1,PA,sales_channel,2026-10-01,"北\t京"\n'
        '"T\t2",PA,sales_channel,2026-10-01,"上海\n浦东"\n'
        "T\\N,PA,sales_channel,2026-10-01,\\N\n"
    )
    path = csv_file(tmp_path, content)
    assert counts(run("complaints", path)) == (3, 0, 0)
    stored = dict(ComplaintTicket.objects.values_list("ticket_id", "province"))
    assert stored == {"T\\1": "北\t京", "T\t2": "上海\n浦东", "T\\N": "\\N"}
    assert counts(run("complaints", path)) == (0, 0, 3)
