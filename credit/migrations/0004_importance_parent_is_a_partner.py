"""R-K-STRATEGIC: the authorising parent of company importance is a partner record, not free text; evidence counts
in the latest month whose credit score is not yet issued. Free-text parents are matched by partner code or name;
one that matches no partner is kept in the evidence's description (and must be chosen again before approval)."""

import django.db.models.deletion
from django.db import migrations, models

HELP = ("母公司符合条件但自身未开展数字产品销售渠道/联合会员合作时，可独家授权一家控股子公司享有"
        "（选择母公司的合作方记录）。")
EFFECTIVE_HELP = "审批通过时尚未出具信用积分的最近月份起计入；已出具积分的月份不追溯。"


def parents_to_partners(apps, schema_editor):
    Evidence = apps.get_model("credit", "CompanyImportanceEvidence")
    Partner = apps.get_model("partners", "Partner")
    for evidence in Evidence.objects.exclude(authorised_by_parent_name=""):
        text = evidence.authorised_by_parent_name.strip()
        parent = Partner.objects.filter(models.Q(code=text) | models.Q(name=text)).first()
        if parent is not None:
            evidence.authorised_by_parent = parent
        else:
            evidence.description = f"{evidence.description}\n（原填写授权母公司：{text}，未匹配到合作方记录）"
        evidence.save(update_fields=["authorised_by_parent", "description"])


def partners_to_parents(apps, schema_editor):
    Evidence = apps.get_model("credit", "CompanyImportanceEvidence")
    for evidence in Evidence.objects.filter(authorised_by_parent__isnull=False).select_related("authorised_by_parent"):
        evidence.authorised_by_parent_name = evidence.authorised_by_parent.name
        evidence.save(update_fields=["authorised_by_parent_name"])


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_beat_schedule"), ("partners", "0001_initial")]

    operations = [
        migrations.RenameField("companyimportanceevidence", "authorised_by_parent", "authorised_by_parent_name"),
        migrations.RenameField("historicalcompanyimportanceevidence", "authorised_by_parent",
                               "authorised_by_parent_name"),
        migrations.AddField(
            "companyimportanceevidence", "authorised_by_parent",
            models.ForeignKey(blank=True, help_text=HELP, null=True, on_delete=django.db.models.deletion.PROTECT,
                              related_name="authorised_importance", to="partners.partner",
                              verbose_name="授权母公司"),
        ),
        migrations.AddField(
            "historicalcompanyimportanceevidence", "authorised_by_parent",
            models.ForeignKey(blank=True, db_constraint=False, help_text=HELP, null=True,
                              on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                              to="partners.partner", verbose_name="授权母公司"),
        ),
        migrations.RunPython(parents_to_partners, partners_to_parents),
        migrations.RemoveField("companyimportanceevidence", "authorised_by_parent_name"),
        migrations.RemoveField("historicalcompanyimportanceevidence", "authorised_by_parent_name"),
        migrations.AlterField("companyimportanceevidence", "effective_from",
                              models.DateField(blank=True, help_text=EFFECTIVE_HELP, null=True,
                                               verbose_name="生效月份")),
        migrations.AlterField("historicalcompanyimportanceevidence", "effective_from",
                              models.DateField(blank=True, help_text=EFFECTIVE_HELP, null=True,
                                               verbose_name="生效月份")),
    ]
