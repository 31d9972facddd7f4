"""The one registry of everything that currently forbids a partner something.

Warning penalties (R-D-WARN), control measures (R-C-*), credit sanctions (R-K-RANGE / R-K-LINKED)
and major violations (R-X-EXIT) all end up here as restrictions with a scope and a period, so
one selector answers "may partner P do action A on date D, and if not, what forbids it?".
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partners.choices import CooperationType

from .choices import RestrictedAction


class Restriction(models.Model):
    """An action forbidden to a partner (optionally one cooperation type / sub-channel / province) for a period.

    ``ends_on`` is exclusive and null for "until lifted"; ``lifted_on`` ends it early by decision.
    ``source`` is the approved record that caused it (penalty proposal, control measure, sanction…).
    """

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="restrictions"
    )
    action = models.CharField(_("限制事项"), max_length=32, choices=RestrictedAction.choices)
    cooperation_type = models.CharField(
        _("合作类型"), max_length=32, choices=CooperationType.choices, blank=True, help_text=_("空 = 全部合作类型")
    )
    sub_channel = models.ForeignKey(
        "partners.SubChannel",
        verbose_name=_("推广子渠道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restrictions",
    )
    province = models.CharField(_("省份"), max_length=32, blank=True, help_text=_("空 = 全国"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期（不含）"), null=True, blank=True, help_text=_("空 = 直至解除"))
    lifted_on = models.DateField(_("提前解除日期"), null=True, blank=True)
    lifted_reason = models.TextField(_("解除原因"), blank=True)
    rule_id = models.CharField(_("规则编号"), max_length=32)
    reason = models.TextField(_("原因"), blank=True)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("来源类型"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(_("来源ID"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_key = models.CharField(
        _("来源键"), max_length=120, help_text=_("来源内唯一的措施键，保证重复执行不重复登记。")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("限制措施")
        verbose_name_plural = _("限制措施")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "source_key"], name="%(app_label)s_%(class)s_unique_source_key"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["partner", "action", "starts_on"], name="enforcement_partner_action_idx")]

    def __str__(self) -> str:
        until = f"{self.ends_on:%Y-%m-%d}" if self.ends_on else "…"
        return f"{self.partner.code} {self.get_action_display()} {self.starts_on:%Y-%m-%d}→{until} ({self.rule_id})"
