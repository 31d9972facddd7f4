"""Give the three role groups their model permissions (the matrix of docs/roles.md, core.roles)."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import roles_sync

    roles_sync(apps=apps)


def revoke(apps, schema_editor):
    from core.choices import ApproverRole

    for group in apps.get_model("auth", "Group").objects.filter(name__in=ApproverRole.values):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [("core", "0006_run_job_permission_for_operations"), ("contenttypes", "0002_remove_content_type_name"),
                    ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
