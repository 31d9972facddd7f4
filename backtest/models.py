"""Back-tests of a draft rule set: what its numbers would have made of past months, before anyone activates it.

A ``BacktestReport`` belongs to the draft (``rule_set``) and covers a range of months; its rows compare, per
partner × cooperation type × month, the results stored today (published or draft, "before") with what the real
month-end jobs compute when the draft is the set in force (“after”). The jobs run inside a transaction that is
rolled back, so the report is the only thing a back-test leaves behind. ``RuleSetActivationRequest`` is the
approvable item that activates a rule set; it cites the latest report.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ApproverRole
from core.models import Approvable
from partners.choices import CooperationType
from partners.models import validate_first_of_month

MONEY = {"max_digits": 16, "decimal_places": 2}
SCORE = {"max_digits": 8, "decimal_places": 2}


class BacktestReport(models.Model):
    """One back-test run of a draft rule set over ``month_from``…``month_to`` (first days of months).

    ``entry_changes`` lists the rule entries that differ between the set in force and the draft
    ``[{key, rule_id, before, after}]``; ``draft_entries`` is the draft's entries at the time of the run
    (an activation is refused when the draft was edited afterwards); ``summary`` holds the counts and the total
    payout change; ``score_histogram`` the assessment-score distribution before and after.
    """

    rule_set = models.ForeignKey(
        "scoring.RuleSet", verbose_name=_("回测规则集"), on_delete=models.CASCADE, related_name="backtest_reports"
    )
    baseline_version = models.PositiveIntegerField(_("对比的生效版本"), null=True, blank=True)
    month_from = models.DateField(_("起始月份"), validators=[validate_first_of_month])
    month_to = models.DateField(_("截止月份"), validators=[validate_first_of_month])
    entry_changes = models.JSONField(_("规则变更"), default=list, blank=True)
    draft_entries = models.JSONField(_("回测时的规则参数"), default=dict, blank=True)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    score_histogram = models.JSONField(_("考核得分分布"), default=list, blank=True)
    created_at = models.DateTimeField(_("回测时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回测人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("规则回测报告")
        verbose_name_plural = _("规则回测报告")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"v{self.rule_set.version} 回测 {self.month_from:%Y-%m}–{self.month_to:%Y-%m} #{self.pk}"


class BacktestRow(models.Model):
    """One partner × cooperation type × month: before → after. ``None`` = no such result on that side.

    ``score`` is the monthly assessment total, ``grade``/``credit_score`` the partner's credit result (per
    partner, repeated on each cooperation type), ``payout`` the settlement's amount due (Σ over the type's
    contracts), ``restrictions`` the warning-level measures and grade sanctions the results call for.
    ``moved_items`` lists breakdown lines whose points differ ``[{source, rule, before, after}]``.
    ``overrides`` says which of the row's decisions a named person overrode (in force when the back-test ran):
    the before/after columns are the jobs' automatic values, the override stays in force either way.
    """

    report = models.ForeignKey(BacktestReport, verbose_name=_("回测报告"), on_delete=models.CASCADE,
                               related_name="rows")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("合作方"), on_delete=models.CASCADE,
                                related_name="+")
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("月份"))
    score_before = models.DecimalField(_("考核得分（前）"), null=True, blank=True, **SCORE)
    score_after = models.DecimalField(_("考核得分（后）"), null=True, blank=True, **SCORE)
    score_change = models.DecimalField(_("考核得分变化"), default=Decimal("0"), **SCORE)
    warning_level_before = models.PositiveSmallIntegerField(_("预警级别（前）"), default=0)
    warning_level_after = models.PositiveSmallIntegerField(_("预警级别（后）"), default=0)
    credit_score_before = models.DecimalField(_("信用积分（前）"), null=True, blank=True, **SCORE)
    credit_score_after = models.DecimalField(_("信用积分（后）"), null=True, blank=True, **SCORE)
    grade_before = models.CharField(_("信用等级（前）"), max_length=1, blank=True)
    grade_after = models.CharField(_("信用等级（后）"), max_length=1, blank=True)
    payout_before = models.DecimalField(_("本期应付（前，元）"), null=True, blank=True, **MONEY)
    payout_after = models.DecimalField(_("本期应付（后，元）"), null=True, blank=True, **MONEY)
    payout_change = models.DecimalField(_("应付变化（元）"), default=Decimal("0"), **MONEY)
    restrictions_before = models.JSONField(_("限制措施（前）"), default=list, blank=True)
    restrictions_after = models.JSONField(_("限制措施（后）"), default=list, blank=True)
    moved_items = models.JSONField(_("变动的计算明细"), default=list, blank=True)
    grade_changed = models.BooleanField(_("等级变化"), default=False)
    warning_changed = models.BooleanField(_("预警级别变化"), default=False)
    payout_changed = models.BooleanField(_("应付变化"), default=False)
    changed = models.BooleanField(_("有变化"), default=False)
    overridden = models.BooleanField(_("已人工调整"), default=False)
    overrides = models.JSONField(
        _("人工调整"), default=list, blank=True,
        help_text=_("回测时生效的人工调整（考核项目、预警处罚、信用处罚）：其决定以调整为准，重算不改变调整。"),
    )

    class Meta:
        verbose_name = _("回测明细")
        verbose_name_plural = _("回测明细")
        ordering = ["report", "month", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "partner", "cooperation_type", "month"],
                name="%(app_label)s_%(class)s_unique_report_partner_type_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.cooperation_type} {self.month:%Y-%m}"


class RuleSetActivationRequest(Approvable):
    """A request to activate a draft rule set from ``effective_from``, approved by the division leader
    (R-D-APPROVAL); approval activates it (``scoring.services.rule_set_activate``). It cites the latest
    back-test report, which must cover at least the last complete month."""

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-D-APPROVAL"

    rule_set = models.ForeignKey(
        "scoring.RuleSet", verbose_name=_("规则集"), on_delete=models.CASCADE, related_name="activation_requests"
    )
    effective_from = models.DateField(_("生效日期"))
    report = models.ForeignKey(
        BacktestReport, verbose_name=_("回测报告"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="activation_requests",
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("规则集启用申请")
        verbose_name_plural = _("规则集启用申请")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"启用 v{self.rule_set.version}（{self.effective_from:%Y-%m-%d} 起）"
