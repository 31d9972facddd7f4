"""Schedule the monthly settlement in django-celery-beat: the 5th of every month at 04:00 Asia/Shanghai settles the
previous month (the task's default). Idempotent; the time can be changed in the admin (周期任务)."""

from django.db import migrations

from core.migration_helpers import beat_schedule_operation

TASKS = [
    # name, task, crontab (minute, hour, day_of_month), description
    ("月度结算（上月）", "settlement.run_settlement", ("0", "4", "5"),
     "run_settlement：计算上月各合同结算单（R-S-*），已审批的不改动。"),
]


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [beat_schedule_operation(TASKS)]
