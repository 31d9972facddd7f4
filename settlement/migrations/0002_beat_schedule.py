"""Schedule the monthly settlement in django-celery-beat: the 5th of every month at 04:00 Asia/Shanghai settles the
previous month (the task's default). Idempotent; the time can be changed in the admin (周期任务)."""

from django.db import migrations

TASK_NAME = "月度结算（上月）"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="4", day_of_week="*", day_of_month="5", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "settlement.run_settlement", "crontab": schedule, "args": "[]", "kwargs": "{}",
                  "enabled": True, "description": "run_settlement：计算上月各合同结算单（R-S-*），已审批的不改动。"},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
