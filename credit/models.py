"""The 0–1000 partner credit score (西瓜信用), its sanctions, major violations and the working-day calendar.

Scores are per partner and month (R-K-RANGE); every score stores its items ``[{rule, points, weight, detail}]``,
the months it weighs (R-K-WEIGHTED) and the rule set that produced it. Sanctions of grades C–F are tracked one
row per sanction with the due date of R-K-DEADLINE; applying one registers its ``enforcement.Restriction``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ApproverRole
from core.models import Approvable
from enforcement.choices import RestrictedAction
from partners.models import validate_first_of_month

from .choices import (
    CalendarDayKind,
    CreditGrade,
    EvidenceChannel,
    MajorViolationCategory,
    SanctionCode,
    SanctionStatus,
)

SCORE = {"max_digits": 8, "decimal_places": 2}


class MonthlyCreditScore(Approvable):
    """A partner's credit score for a month: Σ item points × weight scaled to 1000, weighted over recent months.

    Computed by ``run_credit_scoring`` (drafts), approved by the division leader before partners see it;
    approval issues the sanctions of its grade (R-K-RANGE, R-K-DEADLINE). A row tied to a major violation is
    set to 0 by that decision (R-K-MAJOR) rather than computed.
    """

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-K-RANGE"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="credit_scores"
    )
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    weight_profile = models.CharField(
        _("权重档"), max_length=16, help_text=_("ordinary = 普通渠道权重；core = 核心/联合会员权重（R-K-COMPOSE）。")
    )
    monthly_score = models.DecimalField(_("当月积分"), help_text=_("当月各项目加权后折算至 1000 分。"), **SCORE)
    score = models.DecimalField(_("信用积分"), help_text=_("近几个月当月积分的加权值（R-K-WEIGHTED）。"), **SCORE)
    grade = models.CharField(_("等级"), max_length=1, choices=CreditGrade.choices)
    items = models.JSONField(_("得分项目"), default=list, help_text=_("[{rule, item, points, weight, detail}]"))
    months = models.JSONField(_("月份权重"), default=list, help_text=_("[{month, monthly_score, weight}]"))
    rule_set = models.ForeignKey(
        "scoring.RuleSet", verbose_name=_("规则集版本"), on_delete=models.PROTECT, related_name="+"
    )
    major_violation = models.ForeignKey(
        "credit.MajorViolation",
        verbose_name=_("重大违规"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_scores",
        help_text=_("有值时积分由重大违规决定直接置为 0（R-K-MAJOR）。"),
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("月度信用积分")
        verbose_name_plural = _("月度信用积分")
        ordering = ["-month", "partner__code"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="%(app_label)s_%(class)s_unique_partner_month"),
        ]
        indexes = [models.Index(fields=["month", "status"], name="credit_score_month_status_idx")]

    def __str__(self) -> str:
        return f"{self.partner.code} · {self.month:%Y-%m} · {self.score}（{self.grade}）"


class CreditSanction(models.Model):
    """One sanction of a grade (R-K-RANGE) or a linked penalty (R-K-LINKED), due within 5 working days.

    ``partner`` is who is sanctioned; ``origin_partner`` whose grade caused it (differs for linked penalties on
    related companies). Pending → applied (registers a Restriction) → ended; or pending → cancelled when a later
    grade replaces it before it was applied (R-K-DEADLINE: the latest grade wins).
    """

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("受处罚合作方"), on_delete=models.PROTECT, related_name="credit_sanctions"
    )
    origin_partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("等级所属合作方"), on_delete=models.PROTECT, related_name="+"
    )
    credit_score = models.ForeignKey(
        MonthlyCreditScore, verbose_name=_("信用积分"), on_delete=models.PROTECT, related_name="sanctions"
    )
    month = models.DateField(_("积分月份"))
    grade = models.CharField(_("等级"), max_length=1, choices=CreditGrade.choices)
    code = models.CharField(_("处罚措施"), max_length=40, choices=SanctionCode.choices)
    action = models.CharField(
        _("限制事项"),
        max_length=32,
        choices=RestrictedAction.choices,
        blank=True,
        help_text=_("D 级“暂停话费计费或客户端推广”由运营人员二选一。"),
    )
    rule_id = models.CharField(_("规则编号"), max_length=32)
    issued_on = models.DateField(_("等级发布日期"))
    due_on = models.DateField(_("执行期限"), help_text=_("发布后第 5 个工作日（R-K-DEADLINE）。"))
    status = models.CharField(_("状态"), max_length=16, choices=SanctionStatus.choices, default=SanctionStatus.PENDING)
    applied_on = models.DateField(_("执行日期"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执行人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    ended_on = models.DateField(_("结束/撤销日期"), null=True, blank=True)
    end_reason = models.TextField(_("结束/撤销原因"), blank=True)
    keep_after_cooperation_end = models.BooleanField(
        _("合作终止后继续执行"), default=False,
        help_text=_("R-K-AFTER-END：默认“不得新增合作类型”“暂停渠道结算”随合作终止而结束，另有决定时勾选。"),
    )
    replaced_by = models.ForeignKey(
        MonthlyCreditScore,
        verbose_name=_("被更新等级取代"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_sanctions",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信用处罚")
        verbose_name_plural = _("信用处罚")
        ordering = ["-issued_on", "partner__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_score", "partner", "code"], name="%(app_label)s_%(class)s_unique_score_partner_code"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="credit_sanction_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.month:%Y-%m} {self.grade} {self.get_code_display()}"

    @property
    def is_linked(self) -> bool:
        return self.partner_id != self.origin_partner_id


class MajorViolation(Approvable):
    """A major violation (R-X-MAJOR) recorded by staff with evidence and decision; approved by the division leader.

    Approval sets the credit score to 0 (R-K-MAJOR), terminates the cooperation, stops settlement from the month
    of the decision and bans re-entry (R-X-EXIT), and restricts every related company (R-K-LINKED) until the
    penalty is settled.
    """

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-X-MAJOR"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="major_violations"
    )
    category = models.CharField(_("违规类别"), max_length=40, choices=MajorViolationCategory.choices)
    occurred_on = models.DateField(_("发生日期"))
    description = models.TextField(_("违规事实"))
    evidence = models.TextField(_("证据材料"), help_text=_("材料名称、编号或存档位置。"))
    decision = models.TextField(_("处理决定"))
    effective_on = models.DateField(
        _("决定生效日期"), null=True, blank=True, help_text=_("空 = 审批通过当日。终止合作、停止结算自此日所在月起。")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    penalty_settled_on = models.DateField(_("处罚执行完毕日期"), null=True, blank=True)
    penalty_settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    penalty_settle_note = models.TextField(_("处罚执行说明"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重大违规")
        verbose_name_plural = _("重大违规")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_category_display()} {self.occurred_on:%Y-%m-%d}"


class CompanyImportanceEvidence(Approvable):
    """Evidence for the company-importance sub-item of R-K-STRATEGIC, filed by the partner or staff.

    The expansion centre reviews it (minutes recorded); approved, it counts in the latest month whose credit score
    has not yet been issued (在最近月份的信用积分中生效), never in months already issued (``effective_from``).
    A qualifying parent company without cooperation of its own may authorise exactly one controlled subsidiary
    (独家授权其一家控股子公司): ``authorised_by_parent`` is that parent's partner record.
    """

    approver_role = ApproverRole.DEPARTMENT_HEAD
    approval_rule_id = "R-K-STRATEGIC"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="importance_evidence"
    )
    category = models.CharField(
        _("重要性类别"), max_length=64, help_text=_("规则集 credit_company_importance 中的类别。")
    )
    description = models.TextField(_("说明"))
    evidence = models.TextField(_("证明材料"), help_text=_("协议、上市公告、批文等材料的名称与编号。"))
    evidence_url = models.URLField(_("材料链接"), blank=True)
    authorised_by_parent = models.ForeignKey(
        "partners.Partner", verbose_name=_("授权母公司"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="authorised_importance",
        help_text=_("母公司符合条件但自身未开展数字产品销售渠道/联合会员合作时，可独家授权一家控股子公司享有"
                    "（选择母公司的合作方记录）。"),
    )
    channel = models.CharField(_("提交方式"), max_length=16, choices=EvidenceChannel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    review_minutes = models.TextField(_("评审会议纪要"), blank=True)
    effective_from = models.DateField(
        _("生效月份"), null=True, blank=True,
        help_text=_("审批通过时尚未出具信用积分的最近月份起计入；已出具积分的月份不追溯。"),
    )
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("空 = 长期有效。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公司重要性材料")
        verbose_name_plural = _("公司重要性材料")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["status", "effective_from"], name="credit_evidence_effective_idx")]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.category}"


class ManualItemScore(models.Model):
    """A staff-entered 0–100 score of a configured credit item that is not computed (e.g. ``base_standard``).

    The parent company's base items are not in the seeds (R-K-COMPOSE); when no score is entered for a
    partner-month, the rule-set default ``credit_manual_item_default_points`` is used and flagged in the detail.
    """

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="manual_item_scores"
    )
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    item = models.SlugField(_("项目键"), max_length=64, default="base_standard")
    points = models.DecimalField(
        _("得分（0–100）"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    note = models.TextField(_("依据说明"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人工录入项目得分")
        verbose_name_plural = _("人工录入项目得分（基础标准项）")
        ordering = ["-month", "partner__code", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "month", "item"], name="%(app_label)s_%(class)s_unique_partner_month_item"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0) & models.Q(points__lte=100),
                name="%(app_label)s_%(class)s_points_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.month:%Y-%m} {self.item} {self.points}"


class CalendarOverride(models.Model):
    """A holiday or make-up workday that overrides the ``chinesecalendar`` package (R-K-DEADLINE).

    The package's data ends with 2026; each year's official arrangement is entered here. An entry always wins
    over the package; outside the package's range, days are weekends-off plus these entries.
    """

    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("如“元旦”“国庆节调休”。"))
    note = models.TextField(_("依据"), blank=True, help_text=_("国务院办公厅通知文号等。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整（节假日/调休）")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["day"], name="%(app_label)s_%(class)s_unique_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
