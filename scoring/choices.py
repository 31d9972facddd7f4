from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("已生效")


class RuleKind(models.TextChoices):
    """How an entry's JSON value is shaped and validated (see scoring.rule_validation)."""

    NUMBER = "number", _("数值")
    PERCENT = "percent", _("百分比 0–100")
    MONEY = "money", _("金额（元）")
    DURATION = "duration", _("时长")
    BRACKETS = "brackets", _("分档")
    TABLE = "table", _("表格")
    WEIGHTS = "weights", _("权重")
    LIST = "list", _("列表")
    FLAG = "flag", _("开关")
    TEXT = "text", _("文本")


class DurationUnit(models.TextChoices):
    DAYS = "days", _("天")
    WORKING_DAYS = "working_days", _("工作日")
    WEEKS = "weeks", _("周")
    MONTHS = "months", _("月")
    YEARS = "years", _("年")
