"""Control events (appendices 1–4, R-C-*, R-D-DUAL) and the measures they call for.

Staff record an event against a partner's business (cooperation type) and, where given, a promotion
sub-channel and province. The event proposes its measures from the rule set in force on its date; the
department head approves the event (R-D-APPROVAL) and the measures become restrictions in the registry
(``enforcement.Restriction``). Ad-hoc extra penalties go to the division leader instead.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ApproverRole
from core.models import Approvable
from enforcement.choices import RestrictedAction
from partners.choices import CooperationType

from .choices import ControlEventType, ExtraPenaltyBasis, MeasureKind, MeasureScope, OverrideSource


class ControlEvent(Approvable):
    """A provincial important complaint, key-supervised complaint, dial test / risk-control hit or group notice."""

    approver_role = ApproverRole.DEPARTMENT_HEAD
    approval_rule_id = "R-D-APPROVAL"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="control_events"
    )
    cooperation_type = models.CharField(_("合作类型（业务）"), max_length=32, choices=CooperationType.choices)
    event_type = models.CharField(_("管控事件类型"), max_length=32, choices=ControlEventType.choices)
    sub_channel = models.ForeignKey(
        "partners.SubChannel",
        verbose_name=_("推广子渠道"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="control_events",
    )
    province = models.CharField(_("省份"), max_length=32, blank=True, help_text=_("涉及单省时填写；空 = 全国"))
    occurred_on = models.DateField(_("事件日期"), help_text=_("拨测/投诉/通报的日期；决定计入哪个自然月。"))
    measures_start_on = models.DateField(
        _("措施起始日期"), null=True, blank=True, help_text=_("空 = 事件日期；所有措施自该日起算，结束日期不含。")
    )
    reference = models.CharField(_("文号/工单号"), max_length=120, blank=True)
    description = models.TextField(_("事件说明"), blank=True)
    rule_set = models.ForeignKey(
        "scoring.RuleSet", verbose_name=_("规则集"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_id = models.CharField(_("规则编号"), max_length=32, blank=True)
    items = models.JSONField(_("措施明细"), default=list, blank=True)
    warnings_after = models.PositiveIntegerField(_("当月该业务累计警告次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("管控事件")
        verbose_name_plural = _("管控事件")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["partner", "occurred_on"], name="controls_event_partner_day_idx")]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_event_type_display()} {self.occurred_on:%Y-%m-%d}"

    @property
    def effective_start(self):
        return self.measures_start_on or self.occurred_on


class ControlMeasure(models.Model):
    """One measure an event calls for: sub-channel shutdown, business suspension or business warning.

    ``proposed`` keeps what the rule set computed; an override by the group, Migu Culture or a province
    changes the effective fields and records source, requester and reason. Recomputing the month keeps the
    override (also when the rule no longer calls for the measure: ``proposed`` is then empty) and records in
    ``automatic_moved_at`` that the rule's result moved under it. On approval a non-warning, non-waived measure
    registers one restriction (``restriction``).
    """

    event = models.ForeignKey(ControlEvent, verbose_name=_("管控事件"), on_delete=models.CASCADE,
                              related_name="measures")
    key = models.SlugField(_("措施键"), max_length=40)
    kind = models.CharField(_("措施"), max_length=32, choices=MeasureKind.choices)
    rule_id = models.CharField(_("规则编号"), max_length=32)
    scope = models.CharField(_("范围"), max_length=16, choices=MeasureScope.choices)
    action = models.CharField(_("登记限制事项"), max_length=32, choices=RestrictedAction.choices, blank=True)
    cooperation_type = models.CharField(
        _("合作类型"), max_length=32, choices=CooperationType.choices, blank=True, help_text=_("空 = 全部合作类型")
    )
    sub_channel = models.ForeignKey(
        "partners.SubChannel", verbose_name=_("推广子渠道"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    province = models.CharField(_("省份"), max_length=32, blank=True, help_text=_("空 = 全国"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期（不含）"), null=True, blank=True)
    durations = models.JSONField(_("时长"), default=list, blank=True)
    warning_count = models.PositiveSmallIntegerField(_("业务警告次数"), default=0)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    proposed = models.JSONField(_("规则计算结果"), default=dict, blank=True)
    waived = models.BooleanField(_("不执行"), default=False)
    overridden = models.BooleanField(_("已按要求调整"), default=False)
    override_source = models.CharField(
        _("调整依据来源"), max_length=16, choices=OverrideSource.choices, blank=True
    )
    override_requester = models.CharField(_("提出要求的单位/人"), max_length=200, blank=True)
    override_reason = models.TextField(_("调整原因"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整录入人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("调整时间"), null=True, blank=True)
    automatic_moved_at = models.DateTimeField(
        _("自动结果变动时间"), null=True, blank=True,
        help_text=_("调整后重新计算时规则结果（“规则计算结果”）发生变化的时间；调整本身保持不变。"),
    )
    restriction = models.OneToOneField(
        "enforcement.Restriction", verbose_name=_("登记的限制"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="control_measure",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")
        ordering = ["event", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="%(app_label)s_%(class)s_unique_event_key"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_kind_display()}"

    @property
    def registers_restriction(self) -> bool:
        return bool(self.action) and not self.waived and self.kind != MeasureKind.BUSINESS_WARNING


class ExtraPenalty(Approvable):
    """An ad-hoc extra penalty (R-D-APPROVAL: division leader), or the business suspension that may come with an
    extra settlement deduction (R-S-EXTRA, at least ``extra_deduction_min_suspension``)."""

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-D-APPROVAL"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="extra_penalties"
    )
    basis = models.CharField(_("依据"), max_length=32, choices=ExtraPenaltyBasis.choices,
                             default=ExtraPenaltyBasis.AD_HOC)
    control_event = models.ForeignKey(
        ControlEvent, verbose_name=_("相关管控事件"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="extra_penalties",
    )
    action = models.CharField(_("限制事项"), max_length=32, choices=RestrictedAction.choices)
    cooperation_type = models.CharField(
        _("合作类型"), max_length=32, choices=CooperationType.choices, blank=True, help_text=_("空 = 全部合作类型")
    )
    sub_channel = models.ForeignKey(
        "partners.SubChannel", verbose_name=_("推广子渠道"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    province = models.CharField(_("省份"), max_length=32, blank=True, help_text=_("空 = 全国"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期（不含）"), null=True, blank=True, help_text=_("空 = 直至解除"))
    decision_reference = models.CharField(_("决定文号/会议纪要"), max_length=200, blank=True)
    reason = models.TextField(_("处罚原因"))
    restriction = models.OneToOneField(
        "enforcement.Restriction", verbose_name=_("登记的限制"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="extra_penalty",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("追加处罚")
        verbose_name_plural = _("追加处罚")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_action_display()} {self.starts_on:%Y-%m-%d}（{self.basis}）"
