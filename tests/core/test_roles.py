"""The three role groups hold exactly the permissions of docs/roles.md; staff reach the admin and the API through
them; ``grant_role`` and the REST approval actions answer as CONTRACT §4 fixes them."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.choices import ApproverRole
from core.roles import OPS_DELETE, OPS_VIEW_ONLY, project_models, role_matrix, roles_sync
from partners.demo import demo_seed
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

OPS, HEAD, LEADER = ApproverRole.OPERATIONS, ApproverRole.DEPARTMENT_HEAD, ApproverRole.DIVISION_LEADER


def held(role: str) -> set[str]:
    return {f"{app}.{codename}" for app, codename in
            Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")}


def login(role_names: list[str], username: str):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=role_names))
    return user


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


# --- the matrix ------------------------------------------------------------------------------------------------


def test_every_role_views_every_project_model_and_nothing_of_auth():
    labels = {m._meta.label_lower for m in project_models()}
    assert {"partners.partner", "scoring.monthlyassessment", "codes.codeapplication", "core.jobrun"} <= labels
    for role in (OPS, HEAD, LEADER):
        perms = held(role)
        assert {f"{label.split('.')[0]}.view_{label.split('.')[1]}" for label in labels} <= perms
        assert not any(p.startswith(("auth.", "authtoken.", "django_celery_beat.", "admin.")) for p in perms)


def test_leaders_only_view():
    for role in (HEAD, LEADER):
        assert {p.split(".")[1].split("_")[0] for p in held(role)} == {"view"}


def test_operations_add_and_change_the_data_but_not_the_computed_results():
    perms = held(OPS)
    assert {"partners.add_partner", "partners.change_complaintticket", "controls.add_controlevent",
            "credit.add_majorviolation", "codes.add_codeapplication", "settlement.add_writedown",
            "scoring.change_ruleentry", "core.add_jobrun"} <= perms
    for label in OPS_VIEW_ONLY:
        app, model = label.split(".")
        assert f"{app}.view_{model}" in perms
        assert f"{app}.add_{model}" not in perms and f"{app}.change_{model}" not in perms
    deletable = {p.replace("delete_", "") for p in perms if ".delete_" in p}
    assert deletable == OPS_DELETE


def test_sync_restores_the_matrix_and_drops_extras():
    group = Group.objects.get(name=OPS)
    group.permissions.remove(Permission.objects.get(codename="add_partner"))
    group.permissions.add(Permission.objects.get(codename="delete_partner"))
    roles_sync()
    assert "partners.add_partner" in held(OPS) and "partners.delete_partner" not in held(OPS)
    assert held(OPS) == {f"{a}.{c}" for a, c in role_matrix()[OPS]}


def test_post_migrate_keeps_the_groups_in_step():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    Group.objects.get(name=HEAD).permissions.clear()
    core = apps.get_app_config("core")
    post_migrate.send(sender=core, app_config=core, apps=apps, verbosity=0, interactive=False, using="default",
                      plan=[])
    assert "scoring.view_monthlyassessment" in held(HEAD)


# --- grant_role ------------------------------------------------------------------------------------------------


def test_grant_role_gives_several_roles_and_makes_the_login_staff():
    user = UserFactory(username="zhang", is_staff=False)
    out = StringIO()
    call_command("grant_role", "zhang", "ops", stdout=out)
    call_command("grant_role", "zhang", "department_head", stdout=out)
    user.refresh_from_db()
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {OPS, HEAD}
    assert user.has_perm("partners.add_partner")
    call_command("grant_role", "zhang", "ops", "--revoke", stdout=out)
    assert set(user.groups.values_list("name", flat=True)) == {HEAD}


def test_grant_role_refuses_unknown_users_roles_and_partner_logins():
    with pytest.raises(CommandError, match="不存在"):
        call_command("grant_role", "nobody", "ops")
    UserFactory(username="li", is_staff=True)
    with pytest.raises(CommandError):
        call_command("grant_role", "li", "boss")
    from partners.services import partner_user_create

    partner_user_create(username="pa_login", partner_code=PartnerFactory(code="PX").code)
    with pytest.raises(CommandError, match="合作方账号"):
        call_command("grant_role", "pa_login", "ops")


# --- the admin: no bare 403 for a role --------------------------------------------------------------------------

ROLE_LOGINS = {"ops": [OPS], "department_head": [HEAD], "division_leader": [LEADER]}


@pytest.mark.parametrize("role", sorted(ROLE_LOGINS))
def test_each_role_opens_the_admin_index_and_every_changelist_it_may_see(client, role):
    demo_seed(partner_count=3, months=1, today=dt.date(2026, 11, 23))
    user = login(ROLE_LOGINS[role], f"login_{role}")
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "你没有查看或编辑的权限" not in index.content.decode()
    seen = 0
    for model in admin.site._registry:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                              ).status_code == 200
        seen += 1
    assert seen >= 30


def test_a_staff_flag_without_a_role_opens_nothing(client):
    client.force_login(UserFactory(username="bare", is_staff=True))
    assert client.get(reverse("admin:partners_partner_changelist")).status_code == 403


# --- the API follows the same permissions -----------------------------------------------------------------------


def test_bare_staff_reads_nothing_over_the_api_roles_read_everything():
    PartnerFactory(code="AP")
    bare = api(UserFactory(username="bare_api", is_staff=True))
    for url in ("/api/v1/partners/", "/api/v1/assessments/", "/api/v1/settlements/"):
        assert bare.get(url).status_code == 403
    for role in (OPS, HEAD, LEADER):
        client = api(login([role], f"api_{role}"))
        assert client.get("/api/v1/partners/").status_code == 200
        assert client.get("/api/v1/assessments/").status_code == 200


def test_creating_over_the_api_needs_the_add_permission(division_leader, staff_user):
    body = {"partner": "NOPE"}
    assert api(division_leader).post("/api/v1/company-importance/", body, format="json").status_code == 403
    assert api(staff_user).post("/api/v1/company-importance/", body, format="json").status_code == 400


# --- REST approval actions (CONTRACT §4) ------------------------------------------------------------------------


def _draft(kind: str, partner):
    from controls.choices import ControlEventType
    from tests.controls.factories import record_event
    from tests.credit.factories import MonthlyCreditScoreFactory
    from tests.scoring.factories import make_assessment, make_proposal
    from tests.settlement.factories import SettlementStatementFactory

    from .. import factories

    makers = {
        "assessment": lambda: make_assessment(partner),
        "penalty-proposal": lambda: make_proposal(partner, level=1),
        "credit-score": lambda: MonthlyCreditScoreFactory(partner=partner),
        "settlement": lambda: SettlementStatementFactory(contract=factories.ContractFactory(partner=partner),
                                                   status="draft"),
        "control-event": lambda: record_event(partner, ControlEventType.PROVINCIAL_IMPORTANT, province="广东"),
    }
    return makers[kind]()


APPROVER = {"assessment": LEADER, "penalty-proposal": LEADER, "credit-score": LEADER, "settlement": LEADER,
            "control-event": HEAD}


@pytest.mark.parametrize("kind", sorted(APPROVER))
def test_rest_approval_actions_answer_as_contract_4(kind):
    right = APPROVER[kind]
    wrong = HEAD if right == LEADER else LEADER
    ops, approver, other = login([OPS], "r_ops"), login([right], "r_right"), login([wrong], "r_wrong")
    obj = _draft(kind, PartnerFactory(code="RA"))
    url = lambda action: reverse(f"{kind}-{action}", args=[obj.pk])  # noqa: E731

    assert api(approver).post(url("submit"), {}, format="json").status_code == 403  # submitting is ops' work
    response = api(ops).post(url("submit"), {"note": "请审批"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert api(other).post(url("approve"), {}, format="json").status_code == 403  # wrong role
    response = api(approver).post(url("return"), {}, format="json")
    assert response.status_code == 400 and "原因" in str(response.json())
    response = api(approver).post(url("approve"), {"note": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = api(approver).post(url("approve"), {}, format="json")
    assert response.status_code == 400 and "已审批发布" in str(response.json())  # state does not allow it

    both = login([OPS, right], "r_both")
    own = _draft(kind, PartnerFactory(code="RB"))
    assert api(both).post(reverse(f"{kind}-submit", args=[own.pk]), {}, format="json").status_code == 200
    response = api(both).post(reverse(f"{kind}-approve", args=[own.pk]), {}, format="json")
    assert response.status_code == 403 and "自己提交" in str(response.json())
    response = api(approver).post(reverse(f"{kind}-return", args=[own.pk]), {"reason": "数据待核实"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
