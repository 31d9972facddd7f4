"""Rule sets: every number of the rulebook as versioned data with an effective date (OpenFisca-style)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import RuleKind, RuleSetStatus


class RuleSet(models.Model):
    """A complete, versioned set of thresholds. Drafts are edited; active sets are immutable.

    The set in force on a date is the active set with the latest ``effective_from`` on or before it.
    ``locked`` records that an approved result was computed with this set.
    """

    version = models.PositiveIntegerField(_("版本号"))
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("复制自"), on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    locked = models.BooleanField(
        _("已被审批结果使用"), default=False, help_text=_("已有审批通过的结果使用此版本；如需修改请复制新版本。")
    )
    note = models.TextField(_("变更说明/公告依据"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("启用人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="%(app_label)s_%(class)s_unique_version"),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=models.Q(status="active"),
                name="%(app_label)s_%(class)s_unique_active_effective_from",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(effective_from__isnull=False),
                name="%(app_label)s_%(class)s_active_has_effective_from",
            ),
        ]

    def __str__(self) -> str:
        when = f" @ {self.effective_from:%Y-%m-%d}" if self.effective_from else ""
        return f"v{self.version} {self.name}{when}"

    @property
    def is_editable(self) -> bool:
        return self.status == RuleSetStatus.DRAFT and not self.locked


class RuleEntry(models.Model):
    """One parameter of a rule set, tagged with the rule id (R-…) and source clause it comes from."""

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.CASCADE, related_name="entries")
    key = models.SlugField(_("参数键"), max_length=80)
    rule_id = models.CharField(_("规则编号"), max_length=32, help_text=_("RULES.md 中的规则编号，如 R-M-REV。"))
    kind = models.CharField(_("类型"), max_length=16, choices=RuleKind.choices)
    value = models.JSONField(_("取值"))
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    source = models.CharField(_("来源条款"), max_length=200, blank=True)
    assumed = models.BooleanField(
        _("假定值"), default=False, help_text=_("原文未给出，系统采用的默认解释，待运营确认。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("规则参数")
        verbose_name_plural = _("规则参数")
        ordering = ["rule_set", "rule_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "key"], name="%(app_label)s_%(class)s_unique_set_key"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.key}"
