"""Monthly settlement (R-S-*): one statement per contract and month, with its inputs.

Amounts are Decimal 元 with 2 places. The one rounding rule is ``core.rulebook.money`` (ROUND_HALF_UP to the fen),
applied once to every product (revenue × share, × warning payout percent, × extra-deduction percent); every other
figure is a sum or difference of already-rounded amounts, so statements and their Excel totals add up to the fen.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ApproverRole
from core.models import Approvable
from partners.choices import CooperationType
from partners.models import validate_first_of_month

from .choices import AdjustmentRule, DecisionBody, ExtraDeductionCause

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


class WriteDown(models.Model):
    """China Mobile's revenue write-down (核减) for one contract and month; subtracted from the month (R-S-NEG)."""

    contract = models.ForeignKey("partners.Contract", verbose_name=_("合同"), on_delete=models.PROTECT,
                                 related_name="write_downs")
    month = models.DateField(_("结算月份"), validators=[validate_first_of_month])
    amount = models.DecimalField(_("核减金额（元）"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    reference = models.CharField(_("核减单号"), max_length=120, blank=True)
    reason = models.TextField(_("核减原因"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("收入核减")
        verbose_name_plural = _("收入核减")
        ordering = ["-month", "contract"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="%(app_label)s_%(class)s_unique_contract_month"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.month:%Y-%m} 核减 {self.amount}"


class ExtraDeduction(models.Model):
    """A recorded decision to deduct at least ``extra_deduction_min_percent`` of a month's settlement (R-S-EXTRA).

    The percentage is of the violation month's settlement amount before the warning factor (业务违规当月结算金额 =
    payable, R-S-BASE). ``month`` is the violation month; ``booked_month`` the statement that carries it: the same
    month, or, when the decision came after that month's statement was approved, the first open month after it.
    """

    contract = models.ForeignKey("partners.Contract", verbose_name=_("合同"), on_delete=models.PROTECT,
                                 related_name="extra_deductions")
    month = models.DateField(_("违规月份"), validators=[validate_first_of_month])
    booked_month = models.DateField(
        _("计入月份"), validators=[validate_first_of_month],
        help_text=_("计入该月结算单；违规月份结算单已审批时为其后第一个未审批的月份。"),
    )
    percent = models.DecimalField(
        _("扣减比例（%）"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("占违规当月结算金额（收入×分成，预警扣减前）的百分比，不得低于规则集下限。"),
    )
    cause = models.CharField(_("原因类别"), max_length=32, choices=ExtraDeductionCause.choices)
    decided_by = models.CharField(_("决定机构"), max_length=16, choices=DecisionBody.choices)
    decided_on = models.DateField(_("决定日期"))
    decision_reference = models.CharField(_("决定文号/会议纪要"), max_length=200)
    reason = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("额外扣减决定")
        verbose_name_plural = _("额外扣减决定")
        ordering = ["-month", "contract"]

    def __str__(self) -> str:
        return f"{self.contract} {self.month:%Y-%m} 扣减 {self.percent}%"


class NegativeOffsetDecision(models.Model):
    """A decision to offset one contract's negative balance against the same partner's other contract (R-S-NEG)."""

    from_contract = models.ForeignKey("partners.Contract", verbose_name=_("负结算合同"), on_delete=models.PROTECT,
                                      related_name="+")
    to_contract = models.ForeignKey("partners.Contract", verbose_name=_("冲抵的其他合同"), on_delete=models.PROTECT,
                                    related_name="+")
    month = models.DateField(_("冲抵月份"), validators=[validate_first_of_month])
    decision_reference = models.CharField(_("决定文号/会议纪要"), max_length=200)
    reason = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("负结算跨合同冲抵决定")
        verbose_name_plural = _("负结算跨合同冲抵决定")
        ordering = ["-month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_contract", "to_contract", "month"],
                                    name="%(app_label)s_%(class)s_unique_pair_month"),
            models.CheckConstraint(condition=~models.Q(from_contract=models.F("to_contract")),
                                   name="%(app_label)s_%(class)s_different_contracts"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.from_contract} → {self.to_contract}"


class SettlementAdjustment(models.Model):
    """A signed correction line carried by an open month's statement (approved statements are never edited)."""

    contract = models.ForeignKey("partners.Contract", verbose_name=_("合同"), on_delete=models.PROTECT,
                                 related_name="settlement_adjustments")
    month = models.DateField(_("计入月份"), validators=[validate_first_of_month],
                             help_text=_("由该月（未审批）的结算单计入。"))
    corrects_month = models.DateField(_("更正的月份"), null=True, blank=True, validators=[validate_first_of_month])
    amount = models.DecimalField(_("调整金额（元，正为补付，负为扣回）"), **MONEY)
    rule_id = models.CharField(_("规则编号"), max_length=32, choices=AdjustmentRule.choices)
    reason = models.TextField(_("调整原因"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("结算调整")
        verbose_name_plural = _("结算调整")
        ordering = ["-month", "id"]

    def __str__(self) -> str:
        return f"{self.contract} {self.month:%Y-%m} 调整 {self.amount}"


class SettlementStatement(Approvable):
    """One contract's settlement for one month (R-S-BASE → R-S-WARN → R-S-EXTRA / R-S-NEG → R-S-HOLD).

    ``brought_forward`` (≤ 0) is the previous month's ``carried_forward``; ``held_before`` (≥ 0) the previous
    ``held_balance``. ``balance`` is the month's own result plus what was brought forward and any offsets; then the
    month is paid (``amount_due``), held (``held_balance``, R-S-HOLD) or stopped (``stopped_amount``, R-X-EXIT),
    and a negative total is carried to the next month (``carried_forward``).
    """

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-S-BASE"

    contract = models.ForeignKey("partners.Contract", verbose_name=_("合同"), on_delete=models.PROTECT,
                                 related_name="settlements")
    partner = models.ForeignKey("partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT,
                                related_name="settlements")
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("结算月份"), validators=[validate_first_of_month])
    rule_set = models.ForeignKey("scoring.RuleSet", verbose_name=_("规则集"), on_delete=models.PROTECT,
                                 related_name="+")
    revenue = models.DecimalField(_("信息费收入（元）"), default=ZERO, **MONEY)
    revenue_share = models.DecimalField(_("分成比例"), max_digits=5, decimal_places=4)
    payable = models.DecimalField(_("应结算额（收入×分成）"), default=ZERO, **MONEY)
    warning_level = models.PositiveSmallIntegerField(_("当月最高预警级别"), default=0)
    warning_percent = models.DecimalField(_("预警结算比例（%）"), max_digits=5, decimal_places=2,
                                          default=Decimal("100"))
    settled = models.DecimalField(_("预警后结算额"), default=ZERO, **MONEY)
    extra_deductions = models.DecimalField(_("额外扣减"), default=ZERO, **MONEY)
    write_downs = models.DecimalField(_("收入核减"), default=ZERO, **MONEY)
    adjustments = models.DecimalField(_("调整"), default=ZERO, **MONEY)
    brought_forward = models.DecimalField(_("上期结转（负结算）"), default=ZERO, **MONEY)
    offsets = models.DecimalField(_("跨合同冲抵"), default=ZERO, **MONEY)
    balance = models.DecimalField(_("本期结余"), default=ZERO, **MONEY)
    held_before = models.DecimalField(_("期初暂扣"), default=ZERO, **MONEY)
    released = models.DecimalField(_("本期释放暂扣"), default=ZERO, **MONEY)
    held_balance = models.DecimalField(_("期末暂扣余额"), default=ZERO, **MONEY)
    stopped_amount = models.DecimalField(_("停止结算金额"), default=ZERO, **MONEY)
    amount_due = models.DecimalField(_("本期应付"), default=ZERO, **MONEY)
    carried_forward = models.DecimalField(_("结转下期（负结算）"), default=ZERO, **MONEY)
    on_hold = models.BooleanField(_("信用处罚暂扣"), default=False)
    stopped = models.BooleanField(_("重大违规停止结算"), default=False)
    items = models.JSONField(_("计算明细"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度结算单")
        verbose_name_plural = _("月度结算单")
        ordering = ["-month", "partner__code", "cooperation_type", "contract_id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="%(app_label)s_%(class)s_unique_contract_month"),
            models.CheckConstraint(condition=models.Q(carried_forward__lte=0),
                                   name="%(app_label)s_%(class)s_carried_not_positive"),
            models.CheckConstraint(condition=models.Q(amount_due__gte=0) & models.Q(held_balance__gte=0),
                                   name="%(app_label)s_%(class)s_due_and_held_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "status"], name="settlement_month_status_idx")]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()} · {self.month:%Y-%m}"

    @property
    def deductions(self) -> Decimal:
        return self.extra_deductions + self.write_downs

    @property
    def warning_factor(self) -> Decimal:
        return self.warning_percent / Decimal(100)
