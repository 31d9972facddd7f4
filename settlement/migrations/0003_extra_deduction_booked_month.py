"""R-S-EXTRA: an extra deduction names its violation month and the statement month that carries it."""

import django.core.validators
from decimal import Decimal

from django.db import migrations, models

import partners.models


def book_in_violation_month(apps, schema_editor):
    for name in ("ExtraDeduction", "HistoricalExtraDeduction"):
        model = apps.get_model("settlement", name)
        model.objects.filter(booked_month__isnull=True).update(booked_month=models.F("month"))


PERCENT = {
    "decimal_places": 2, "max_digits": 5,
    "help_text": "占违规当月结算金额（收入×分成，预警扣减前）的百分比，不得低于规则集下限。",
    "validators": [django.core.validators.MinValueValidator(Decimal("0")),
                   django.core.validators.MaxValueValidator(Decimal("100"))],
    "verbose_name": "扣减比例（%）",
}
BOOKED = {
    "help_text": "计入该月结算单；违规月份结算单已审批时为其后第一个未审批的月份。",
    "validators": [partners.models.validate_first_of_month], "verbose_name": "计入月份",
}
MONTH = {"validators": [partners.models.validate_first_of_month], "verbose_name": "违规月份"}


class Migration(migrations.Migration):
    dependencies = [("settlement", "0002_beat_schedule")]

    operations = [
        migrations.AddField("extradeduction", "booked_month", models.DateField(null=True, **BOOKED)),
        migrations.AddField("historicalextradeduction", "booked_month", models.DateField(null=True, **BOOKED)),
        migrations.RunPython(book_in_violation_month, migrations.RunPython.noop),
        migrations.AlterField("extradeduction", "booked_month", models.DateField(**BOOKED)),
        migrations.AlterField("historicalextradeduction", "booked_month", models.DateField(**BOOKED)),
        migrations.AlterField("extradeduction", "month", models.DateField(**MONTH)),
        migrations.AlterField("historicalextradeduction", "month", models.DateField(**MONTH)),
        migrations.AlterField("extradeduction", "percent", models.DecimalField(**PERCENT)),
        migrations.AlterField("historicalextradeduction", "percent", models.DecimalField(**PERCENT)),
    ]
