"""Give the 运营人员 group the permission to start jobs from the admin (core.run_job), and schedule the periodic
task that marks job and import runs whose process died as failed (every 5 minutes)."""

from django.db import migrations

ROLE = "运营人员"
STALE_TASK = "作业/导入：标记已中断的运行"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="jobrun")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="run_job", defaults={"name": "可以在后台启动作业"}
    )
    view, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_jobrun", defaults={"name": "Can view 作业运行"}
    )
    group, _ = Group.objects.get_or_create(name=ROLE)
    group.permissions.add(permission, view)

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=STALE_TASK,
        defaults={"task": "core.fail_stale_runs", "interval": every, "args": "[]", "kwargs": "{}", "enabled": True,
                  "description": "超过 JOB_HEARTBEAT_TIMEOUT 秒没有心跳的作业运行与数据导入标记为失败。"},
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=ROLE).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="core", codename="run_job"))
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=STALE_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_job_heartbeat_scheduled_run_run_job_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
