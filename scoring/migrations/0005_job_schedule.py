"""Schedule the scoring jobs in django-celery-beat, so staff change the times (and the monthly day) in the admin.

Daily notifications run early each morning for the previous day; the monthly assessment runs on the
configured day of the month for the previous month. Both tasks take no arguments in the schedule.
"""

from django.db import migrations

from core.migration_helpers import beat_schedule_operation

SCHEDULE = [
    # name, task, crontab (minute, hour, day_of_month), description
    ("每日通报与预警（前一日）", "scoring.run_daily_notifications", ("30", "2", "*"),
     "R-D-NOTIFY / R-D-WARN：每日凌晨统计前一日不知情订购投诉，更新当月预警与处罚建议。"),
    ("月度考核（上月）", "scoring.run_monthly_assessment", ("0", "4", "5"),
     "R-M-*：每月（默认5日）计算上月月度考核草稿；修改“日”即可调整执行日期。"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_warning_suspension_start"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [beat_schedule_operation(SCHEDULE)]
