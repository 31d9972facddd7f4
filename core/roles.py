"""What each staff role may do with the project's models: the permission matrix of docs/roles.md.

The three role groups (运营人员, 部门领导, 分管领导, seeded by core migration 0002) hold model permissions computed
here from the installed apps, so a model added later (in any project app) is covered without editing this file:

* every role views every project model;
* 运营人员 also adds and changes every project model except the results that only jobs and services write
  (``OPS_VIEW_ONLY``), and deletes only hand-entered inputs whose admin allows deleting drafts (``OPS_DELETE``);
  ``core.run_job`` is the right to start a job, and an import needs add + change on the imported model;
* approving and returning are not model permissions: ``core.approval`` checks the role group the rule names
  (R-D-APPROVAL, R-M-APPROVAL, R-B-REVIEW), and the leaders need only the view permission to reach the items.

``roles_sync()`` applies the matrix; it runs from a data migration and after every ``migrate`` (post_migrate).
"""

import sys
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings

from .choices import ApproverRole

#: ``grant_role`` names (CONTRACT §4) → role group
ROLE_NAMES: dict[str, str] = {
    "ops": ApproverRole.OPERATIONS,
    "department_head": ApproverRole.DEPARTMENT_HEAD,
    "division_leader": ApproverRole.DIVISION_LEADER,
}

#: project apps whose models are not work data (the demo loader holds none that staff edit)
EXCLUDED_APPS = {"demo"}

#: written only by jobs, imports or the approval services; operations staff read them and submit them
OPS_VIEW_ONLY = {
    "core.auditevent",
    "enforcement.restriction",
    "partners.importrun",
    "scoring.dailynotification",
    "scoring.monthlywarning",
    "scoring.penaltyproposal",
    "scoring.monthlyassessment",
    "scoring.upgradedcomplaintinclusion",
    "credit.monthlycreditscore",
    "settlement.settlementstatement",
    "codes.codeapplicationreview",
}

#: hand-entered inputs that operations staff may delete while they are drafts / the month is open
OPS_DELETE = {
    "controls.controlevent",
    "controls.extrapenalty",
    "credit.manualitemscore",
    "credit.calendaroverride",
    "settlement.writedown",
    "settlement.extradeduction",
    "settlement.negativeoffsetdecision",
    "settlement.settlementadjustment",
    "codes.codechangerequest",
    "codes.coderecyclingproposal",
}


def project_models(apps=global_apps) -> list:
    """Concrete models of the project's own apps (those inside the repository), in a stable order."""
    base = Path(settings.BASE_DIR).resolve()
    # installed packages may live inside the checkout too (a .venv beside the code): they are not project apps
    environment = Path(sys.prefix).resolve()
    models = []
    for app_config in global_apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if app_config.label in EXCLUDED_APPS or not path.is_relative_to(base) or path.is_relative_to(environment):
            continue
        for model in app_config.get_models():
            if model._meta.abstract or model._meta.proxy:
                continue
            try:  # in a migration, ``apps`` is the historical state: a model not created yet is skipped
                models.append(apps.get_model(model._meta.app_label, model._meta.model_name))
            except LookupError:
                continue
    return sorted(models, key=lambda m: m._meta.label_lower)


def role_matrix(apps=global_apps) -> dict[str, set[tuple[str, str]]]:
    """Role group → {(app_label, codename)} it holds."""
    matrix: dict[str, set[tuple[str, str]]] = {role: set() for role in ApproverRole.values}
    for model in project_models(apps):
        label, name = model._meta.app_label, model._meta.model_name
        key = f"{label}.{name}"
        for role in ApproverRole.values:
            matrix[role].add((label, f"view_{name}"))
        if key not in OPS_VIEW_ONLY:
            matrix[ApproverRole.OPERATIONS] |= {(label, f"add_{name}"), (label, f"change_{name}")}
        if key in OPS_DELETE:
            matrix[ApproverRole.OPERATIONS].add((label, f"delete_{name}"))
    matrix[ApproverRole.OPERATIONS].add(("core", "run_job"))  # start a job (core.admin_jobs)
    return matrix


def roles_sync(apps=global_apps, verbosity: int = 0) -> None:
    """Give each role group exactly the permissions of the matrix (missing permissions are created first)."""
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    by_key = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role, wanted in role_matrix(apps).items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([by_key[key] for key in sorted(wanted) if key in by_key])


def sync_after_migrate(sender, app_config=None, apps=global_apps, verbosity=0, **kwargs) -> None:
    """post_migrate receiver (connected for ``core``): keep the groups in step with every app's models, new
    ones included; ``roles_sync`` creates the permissions it needs itself, so the order of receivers is moot."""
    roles_sync(apps=apps, verbosity=verbosity)
