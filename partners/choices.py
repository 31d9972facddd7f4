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


class ImportKind(models.TextChoices):
    """The file kinds of ``import_data`` (CONTRACT.md §1)."""

    PARTNERS = "partners", _("合作方")
    CONTRACTS = "contracts", _("合作合同")
    SUB_CHANNELS = "sub_channels", _("推广子渠道")
    COMPLAINTS = "complaints", _("投诉工单")
    REVENUE = "revenue", _("月度信息费收入")
    CONTRIBUTIONS = "contributions", _("月度综合贡献")
    CODE_STATS = "code_stats", _("业务代码月度统计")
    NEWSPAPER_PRODUCTS = "newspaper_products", _("手机报产品")
    NEWSPAPER_DOCUMENTS = "newspaper_documents", _("手机报合作伙伴资质证照")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("成功")
    REJECTED = "rejected", _("数据有误，未写入")
    FAILED = "failed", _("异常中止")


class ImportSource(models.TextChoices):
    COMMAND = "command", _("命令行")
    ADMIN = "admin", _("管理后台")
