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


class WarningLevel(models.IntegerChoices):
    """Monthly warning level from the month's cumulative notifications (R-D-WARN); 0 = no warning."""

    NONE = 0, _("无预警")
    LEVEL_1 = 1, _("一级预警")
    LEVEL_2 = 2, _("二级预警")
    LEVEL_3 = 3, _("三级预警")
    LEVEL_4 = 4, _("四级预警")
