"""The admin import page: staff only, the same service and messages as the command line."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.choices import ImportSource, ImportStatus
from partners.models import ComplaintTicket, ImportRun, MonthlyRevenue
from tests.factories import UserFactory

from .import_support import snapshot

pytestmark = pytest.mark.django_db

URL = "/admin/partners/importrun/import/"
GOOD = b"ticket_id,partner_code,cooperation_type,received_on\nT1,PA,sales_channel,2026-10-01\n"
BAD = b"ticket_id,partner_code,cooperation_type,received_on\nT1,NOPE,sales_channel,2026-10-01\n"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-12345")
    client.force_login(user)
    return client


def upload(content: bytes, name: str = "工单.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_url_is_named_and_the_page_renders(admin_client):
    assert reverse("admin:partners_import") == URL
    response = admin_client.get(URL, {"kind": "revenue"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="revenue" selected' in page
    assert "仅校验，不写入" in page and "row N: 列名: 原因" in page
    assert "product_purchases" in page  # the column table lists every kind's columns


@pytest.mark.parametrize(
    ("changelist", "kind"),
    [
        ("admin:partners_partner_changelist", "partners"),
        ("admin:partners_contract_changelist", "contracts"),
        ("admin:partners_subchannel_changelist", "sub_channels"),
        ("admin:partners_complaintticket_changelist", "complaints"),
        ("admin:partners_monthlyrevenue_changelist", "revenue"),
        ("admin:partners_monthlycontribution_changelist", "contributions"),
    ],
)
def test_each_change_list_links_to_the_import_page(admin_client, changelist, kind):
    response = admin_client.get(reverse(changelist))
    assert response.status_code == 200
    assert f'href="{URL}?kind={kind}"' in response.content.decode()


def test_import_from_the_admin_writes_and_records_the_user(admin_client, partner_a):
    response = admin_client.post(URL, {"kind": "complaints", "file": upload(GOOD)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 行：新增 1，更新 0，未变化 0" in page
    assert ComplaintTicket.objects.get().ticket_id == "T1"
    record = ImportRun.objects.get()
    assert (record.source, record.started_by.username, record.file_name, record.status) == (
        ImportSource.ADMIN, "root", "工单.csv", ImportStatus.SUCCEEDED)
    assert reverse("admin:partners_importrun_change", args=[record.pk]) in page


def test_bad_file_shows_every_row_error_and_writes_nothing(admin_client, partner_a):
    before = snapshot()
    response = admin_client.post(URL, {"kind": "complaints", "file": upload(BAD)})
    page = response.content.decode()
    assert "导入被拒绝：1 个错误，未写入任何数据" in page
    assert "row 2: partner_code: 合作方 &#x27;NOPE&#x27; 不存在" in page
    assert snapshot() == before


def test_dry_run_from_the_admin(admin_client, partner_a):
    before = snapshot()
    response = admin_client.post(URL, {"kind": "complaints", "file": upload(GOOD), "dry_run": "on"})
    assert "将新增 1" in response.content.decode()
    assert snapshot() == before


def test_xlsx_upload(admin_client, partner_a, tmp_path):
    from .import_support import xlsx_file

    path = xlsx_file(tmp_path, [["partner_code", "cooperation_type", "month", "phone_bill", "third_party", "cash"],
                                ["PA", "sales_channel", "2026-10", 1, 2, 3]])
    response = admin_client.post(URL, {"kind": "revenue", "file": upload(path.read_bytes(), "收入.xlsx")})
    assert "新增 1" in response.content.decode()
    assert MonthlyRevenue.objects.get().cash == 3


def test_non_staff_users_are_sent_to_the_login(client, partner_a):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(URL, {"kind": "complaints", "file": upload(GOOD)})
    assert not ComplaintTicket.objects.exists()


def test_staff_without_rights_on_the_kind_is_refused(client, partner_a):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.post(URL, {"kind": "complaints", "file": upload(GOOD)})
    assert response.status_code == 403
    assert not ComplaintTicket.objects.exists() and not ImportRun.objects.exists()
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="partners", codename__in=["add_complaintticket", "change_complaintticket"]))
    response = client.post(URL, {"kind": "complaints", "file": upload(GOOD)})
    assert response.status_code == 200 and ComplaintTicket.objects.count() == 1


def test_import_runs_are_read_only_in_the_admin(admin_client, partner_a):
    admin_client.post(URL, {"kind": "complaints", "file": upload(BAD)})
    record = ImportRun.objects.get()
    changelist = admin_client.get(reverse("admin:partners_importrun_changelist"))
    assert changelist.status_code == 200 and f'href="{URL}"' in changelist.content.decode()
    change = admin_client.get(reverse("admin:partners_importrun_change", args=[record.pk]))
    assert change.status_code == 200 and "row 2: partner_code" in change.content.decode()
    assert admin_client.get(reverse("admin:partners_importrun_add")).status_code == 403


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"ticket_id,partner_code,cooperation_type,received_on\nT\x001,PA,sales_channel,2026-10-01\n",
         "row 2: ticket_id: 含有 NUL 字符"),
        (b'ticket_id,partner_code,cooperation_type,received_on\nT1,PA,sales_channel,"' + b"x" * 140_000 + b'"\n',
         "row 2: file: 有一个字段超过 128 KiB"),
    ],
    ids=["NUL byte", "field over 128 KiB"],
)
def test_files_that_once_crashed_the_page_are_reported_not_a_500(admin_client, partner_a, content, expected):
    before = snapshot()
    response = admin_client.post(URL, {"kind": "complaints", "file": upload(content)})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert snapshot() == before
    assert ImportRun.objects.get().created == 0
