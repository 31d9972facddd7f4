from django.db import models
from django.utils.translation import gettext_lazy as _


class ControlEventType(models.TextChoices):
    """The control events of appendices 1–4; each maps to one rule-set table of measures (see EVENT_RULE_KEYS)."""

    PROVINCIAL_IMPORTANT = "provincial_important", _("省公司重要投诉")
    SUPERVISED_PROVINCIAL = "supervised_provincial", _("重点督办投诉（省公司/工信部/通管局/地方监管）")
    SUPERVISED_NATIONAL = "supervised_national", _("重点督办投诉（上级单位/国家监管/央媒曝光）")
    DIAL_PROVINCIAL = "dial_provincial", _("省公司拨测")
    DIAL_GROUP = "dial_group", _("集团/咪咕文化风控或拨测")
    DIAL_MIIT = "dial_miit", _("工信部拨测")
    DIAL_COMM_ADMIN = "dial_comm_admin", _("通管局拨测")
    GROUP_NOTICE = "group_notice", _("集团/咪咕文化投诉通报")


# Event type → the rule-set key holding its measures table (scoring migration 0002).
EVENT_RULE_KEYS: dict[str, str] = {
    ControlEventType.PROVINCIAL_IMPORTANT: "control_provincial_important",
    ControlEventType.SUPERVISED_PROVINCIAL: "control_supervised_provincial",
    ControlEventType.SUPERVISED_NATIONAL: "control_supervised_national",
    ControlEventType.DIAL_PROVINCIAL: "control_dial_provincial",
    ControlEventType.DIAL_GROUP: "control_dial_group",
    ControlEventType.DIAL_MIIT: "control_dial_miit",
    ControlEventType.DIAL_COMM_ADMIN: "control_dial_comm_admin",
    ControlEventType.GROUP_NOTICE: "control_group_notice",
}


class MeasureKind(models.TextChoices):
    SUBCHANNEL_SHUTDOWN = "subchannel_shutdown", _("子渠道关停")
    BUSINESS_SUSPENSION = "business_suspension", _("业务暂停")
    ALL_BUSINESS_SUSPENSION = "all_business_suspension", _("全部业务暂停")
    BUSINESS_WARNING = "business_warning", _("业务警告")


class MeasureScope(models.TextChoices):
    PROVINCE = "province", _("该省")
    NATIONAL = "national", _("全国")
    BUSINESS = "business", _("该业务（全国）")
    ALL_BUSINESS = "all_business", _("合作方全部业务")


class OverrideSource(models.TextChoices):
    """Who may require a different measure than the rule (RULES.md §3, last paragraph)."""

    GROUP = "group", _("集团")
    MIGU_CULTURE = "migu_culture", _("咪咕文化")
    PROVINCE = "province", _("省公司")


class ExtraPenaltyBasis(models.TextChoices):
    AD_HOC = "R-D-APPROVAL", _("临时追加处罚（R-D-APPROVAL）")
    EXTRA_DEDUCTION = "R-S-EXTRA", _("额外扣减附带业务暂停（R-S-EXTRA）")
