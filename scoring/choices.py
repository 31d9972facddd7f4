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


class PathStatus(models.TextChoices):
    """Where an item of the monthly assessment or a warning stands on its way to the next bracket or level."""

    NEXT = "next", _("距下一档")
    TOP = "top", _("已在最高档")
    INCUBATION = "incubation", _("培育期计满分")
    INCURRED = "incurred", _("扣分已发生，不可挽回")
    NO_DEDUCTION = "no_deduction", _("未扣分")


class PathItem(models.TextChoices):
    """The items of the 100-point monthly scorecard as the path to the next bracket lists them (R-M-*)."""

    REVENUE = "revenue", _("收入规模")
    HEALTH = "health", _("健康度")
    BONUS_MARKETING = "bonus_marketing", _("综合贡献：重点营销资源")
    BONUS_CASH = "bonus_cash", _("综合贡献：现金收入")
    BONUS_ACTIVE_USERS = "bonus_active_users", _("综合贡献：客户端活跃用户")
    DEDUCTION_LATE_OR_QUALITY = "deduction_late_or_quality", _("扣分：工单处理延时或品质不达标")
    DEDUCTION_UPGRADED = "deduction_upgraded", _("扣分：升级投诉")


class PathInput(models.TextChoices):
    """The input a partner would have to move for an item to reach its next bracket."""

    REVENUE = "revenue", _("信息费收入（元）")
    COMPLAINT_COUNT = "complaint_count", _("不知情订购投诉工单数（件）")
    MARKETING_RESOURCES = "marketing_resources", _("提供重点营销资源")
    CASH_CONTRIBUTION = "cash_contribution", _("带来现金收入（元）")
    ACTIVE_USERS = "active_users", _("带来客户端活跃用户（人）")
    NOTIFICATIONS = "notifications", _("当月累计通报次数")
    DAY_COMPLAINTS = "day_complaints", _("当日不知情订购投诉工单数（件）")
