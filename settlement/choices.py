from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionBody(models.TextChoices):
    """Who may decide an extra deduction (R-S-EXTRA)."""

    GM_OFFICE = "gm_office", _("总经理办公会")
    TOPIC_MEETING = "topic_meeting", _("专题会")


class ExtraDeductionCause(models.TextChoices):
    UPGRADED_COMPLAINT = "upgraded_complaint", _("升级投诉")
    MEDIA_COMPLAINT = "media_complaint", _("媒体投诉")
    IMAGE_HARM = "image_harm", _("损害咪咕形象的违规")


class AdjustmentRule(models.TextChoices):
    """The rule an adjustment line corrects (a correction of an approved month is a new line, never an edit)."""

    BASE = "R-S-BASE", _("R-S-BASE 收入×分成")
    WARN = "R-S-WARN", _("R-S-WARN 预警结算比例")
    EXTRA = "R-S-EXTRA", _("R-S-EXTRA 额外扣减")
    NEG = "R-S-NEG", _("R-S-NEG 核减/负结算")
    HOLD = "R-S-HOLD", _("R-S-HOLD 暂扣")
