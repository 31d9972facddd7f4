from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerClass(models.TextChoices):
    ORDINARY = "ordinary", _("普通")
    CORE = "core", _("核心")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("合作中")
    SUSPENDED = "suspended", _("暂停")
    TERMINATED = "terminated", _("已终止")


class CooperationType(models.TextChoices):
    SALES_CHANNEL = "sales_channel", _("数字产品销售渠道")
    JOINT_MEMBERSHIP = "joint_membership", _("联合会员")


class IncubationBasis(models.TextChoices):
    """Why a contract qualifies for the incubation period (R-M-INCUB)."""

    FIRST_TIME = "first_time", _("首次引入")
    MODE_CHANGED = "mode_changed", _("合作模式变更")
    REINTRODUCED = "reintroduced", _("重新引入（12个月内无同类合作）")
    DECISION = "decision", _("专项决定")
    NONE = "none", _("不适用")


class ComplaintCategory(models.TextChoices):
    UNKNOWING_SUBSCRIPTION = "unknowing_subscription", _("不知情订购")
    OTHER = "other", _("其他")
