"""Business codes (业务代码 / 计费点): the codes themselves, their monthly statistics, the monthly application
batches with their review chain, change requests and recycling proposals (RULES.md §6, R-B-*).

Prices are 元 with two decimals; months are stored as the first day of the month.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.choices import ApproverRole
from core.models import Approvable
from partners.choices import CooperationType
from partners.models import validate_first_of_month

from .choices import (
    STEP_ROLES,
    ApplicationType,
    BatchStatus,
    CodeCategory,
    CodeKind,
    CodeStatus,
    ExitReason,
    GrantBasis,
    InternalUnitKind,
    OwnerKind,
    ProposalAction,
    ProposalTrigger,
    ReviewStep,
)

PRICE = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class InternalUnit(models.Model):
    """A provincial company, group unit or Migu subsidiary that may hold codes of its own (R-B-INTERNAL)."""

    name = models.CharField(_("单位名称"), max_length=200)
    kind = models.CharField(_("单位类型"), max_length=32, choices=InternalUnitKind.choices)
    receiving_department = models.CharField(
        _("接收部门"), max_length=100, blank=True, help_text=_("负责确认接收该单位代码的部门（R-B-INTERNAL）。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("内部单位")
        verbose_name_plural = _("内部单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="%(app_label)s_%(class)s_unique_name")]

    def __str__(self) -> str:
        return self.name


class BusinessCode(ConcurrentTransitionMixin, models.Model):
    """A business code (billing point) held by a partner contract or an internal unit.

    ``effective_date`` starts the management period; changes of CP, name, price or attributes keep it
    (R-B-CHANGE). ``status`` only moves through the transitions below, each called by a service that
    writes the audit row: applied → active → no-new-users → recycling → recycled.
    """

    code = models.CharField(_("业务代码"), max_length=64)
    name = models.CharField(_("代码名称"), max_length=200)
    kind = models.CharField(_("代码类型"), max_length=16, choices=CodeKind.choices)
    category = models.CharField(_("代码类别"), max_length=32, choices=CodeCategory.choices)
    owner_kind = models.CharField(_("归属类型"), max_length=16, choices=OwnerKind.choices, default=OwnerKind.PARTNER)
    contract = models.ForeignKey(
        "partners.Contract", verbose_name=_("合作合同"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="business_codes",
    )
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="business_codes", help_text=_("与合同的合作方一致；内部单位代码为空。"),
    )
    internal_unit = models.ForeignKey(
        InternalUnit, verbose_name=_("内部单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="business_codes",
    )
    cp = models.CharField(_("内容提供方（CP）"), max_length=200, blank=True)
    price = models.DecimalField(_("资费（元）"), **PRICE)
    status = FSMField(_("状态"), max_length=16, choices=CodeStatus.choices, default=CodeStatus.APPLIED, protected=True)
    effective_date = models.DateField(_("生效日期"), null=True, blank=True, help_text=_("管理期起始，变更后延续。"))
    grant_basis = models.CharField(
        _("分配依据"), max_length=32, choices=GrantBasis.choices, default=GrantBasis.EXISTING
    )
    own_channel_settlement = models.BooleanField(
        _("转自有渠道结算"), default=False, help_text=_("合作方退出后存量用户按咪咕自有渠道结算（R-B-EXIT）。")
    )
    attributes = models.JSONField(_("代码属性"), default=dict, blank=True)
    stopped_new_users_on = models.DateField(_("停止新增用户日期"), null=True, blank=True)
    recycling_started_on = models.DateField(_("开始回收日期"), null=True, blank=True)
    recycled_on = models.DateField(_("回收完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("业务代码")
        verbose_name_plural = _("业务代码")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_unique_code"),
            models.CheckConstraint(
                condition=(
                    models.Q(owner_kind=OwnerKind.PARTNER, contract__isnull=False, partner__isnull=False,
                             internal_unit__isnull=True)
                    | models.Q(owner_kind=OwnerKind.INTERNAL, internal_unit__isnull=False, contract__isnull=True,
                               partner__isnull=True)
                ),
                name="%(app_label)s_%(class)s_one_owner",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="%(app_label)s_%(class)s_price_gte_0"),
        ]
        indexes = [models.Index(fields=["partner", "kind", "status"], name="codes_code_partner_kind_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def owner_display(self) -> str:
        return str(self.internal_unit) if self.owner_kind == OwnerKind.INTERNAL else str(self.partner)

    @transition(field=status, source=CodeStatus.APPLIED, target=CodeStatus.ACTIVE)
    def activate(self) -> None:
        """The code takes effect (billing point opened)."""

    @transition(field=status, source=CodeStatus.ACTIVE, target=CodeStatus.NO_NEW_USERS)
    def stop_new_users(self) -> None:
        """No new subscriptions; existing users stay (R-B-EXIT, R-B-YEAREND)."""

    @transition(
        field=status, source=[CodeStatus.APPLIED, CodeStatus.ACTIVE, CodeStatus.NO_NEW_USERS],
        target=CodeStatus.RECYCLING,
    )
    def start_recycling(self) -> None:
        """Stop new users, unsubscribe existing ones and take the code back."""

    @transition(field=status, source=CodeStatus.RECYCLING, target=CodeStatus.RECYCLED)
    def finish_recycling(self) -> None:
        """All users unsubscribed; the code is recycled."""


class CodeMonthlyStat(models.Model):
    """A month's statistics of one code: users for monthly codes, orders for per-use codes (imported)."""

    code = models.ForeignKey(BusinessCode, verbose_name=_("业务代码"), on_delete=models.PROTECT, related_name="stats")
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    users = models.PositiveIntegerField(_("用户数"), default=0)
    orders = models.PositiveIntegerField(_("订购次数"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代码月度统计")
        verbose_name_plural = _("代码月度统计")
        ordering = ["-month", "code__code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "month"], name="%(app_label)s_%(class)s_unique_code_month"),
        ]

    def __str__(self) -> str:
        return f"{self.code.code} {self.month:%Y-%m}"


class CodeBatch(models.Model):
    """The month's application batch: every application of a month gathers here (R-B-BATCH)."""

    month = models.DateField(_("批次月份"), validators=[validate_first_of_month])
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    closed_at = models.DateTimeField(_("截止受理时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("截止操作人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("代码申请批次")
        verbose_name_plural = _("代码申请批次")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["month"], name="%(app_label)s_%(class)s_unique_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 批次"


class CodeApplication(Approvable):
    """An application for a new code, with its stored eligibility breakdown and its review chain.

    ``eligibility`` holds ``[{rule, passed, detail}]`` (R-B-BATCH, R-B-BLOCK, R-B-FIRST, R-B-MORE,
    R-B-INTERNAL) computed with ``rule_set``. ``stage`` is the step of the chain now acting; the final
    step goes through ``core.approval`` (status submitted → approved / returned).
    """

    batch = models.ForeignKey(CodeBatch, verbose_name=_("申请批次"), on_delete=models.PROTECT,
                              related_name="applications")
    owner_kind = models.CharField(_("归属类型"), max_length=16, choices=OwnerKind.choices, default=OwnerKind.PARTNER)
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="code_applications",
    )
    contract = models.ForeignKey(
        "partners.Contract", verbose_name=_("合作合同"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="code_applications",
    )
    internal_unit = models.ForeignKey(
        InternalUnit, verbose_name=_("内部单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="code_applications",
    )
    requesting_department = models.CharField(_("申请部门"), max_length=100, blank=True)
    kind = models.CharField(_("代码类型"), max_length=16, choices=CodeKind.choices)
    category = models.CharField(_("代码类别"), max_length=32, choices=CodeCategory.choices)
    name = models.CharField(_("代码名称"), max_length=200)
    cp = models.CharField(_("内容提供方（CP）"), max_length=200, blank=True)
    price = models.DecimalField(_("资费（元）"), **PRICE)
    description = models.TextField(_("产品说明"), blank=True)
    requested_code = models.CharField(_("拟分配代码"), max_length=64, blank=True)
    applied_on = models.DateField(_("申请日期"))
    application_type = models.CharField(_("申请类型"), max_length=16, choices=ApplicationType.choices)
    grant_basis = models.CharField(_("分配依据"), max_length=32, choices=GrantBasis.choices, default=GrantBasis.NONE)
    eligible = models.BooleanField(_("符合申请条件"), default=False)
    eligibility = models.JSONField(_("资格判定明细"), default=list, blank=True)
    rule_set = models.ForeignKey(
        "scoring.RuleSet", verbose_name=_("规则集版本"), on_delete=models.PROTECT, related_name="+"
    )
    eligibility_computed_at = models.DateTimeField(_("资格计算时间"), null=True, blank=True)
    stage = FSMField(_("审核环节"), max_length=24, choices=ReviewStep.choices, default=ReviewStep.APPLIED)
    returned_at_step = models.CharField(_("退回环节"), max_length=24, choices=ReviewStep.choices, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    granted_code = models.OneToOneField(
        BusinessCode, verbose_name=_("分配的代码"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="application",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代码申请")
        verbose_name_plural = _("代码申请")
        ordering = ["-batch__month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(owner_kind=OwnerKind.PARTNER, contract__isnull=False, partner__isnull=False,
                             internal_unit__isnull=True)
                    | models.Q(owner_kind=OwnerKind.INTERNAL, internal_unit__isnull=False, contract__isnull=True,
                               partner__isnull=True)
                ),
                name="%(app_label)s_%(class)s_one_owner",
            ),
        ]

    def __str__(self) -> str:
        owner = self.partner.code if self.partner_id else (self.internal_unit.name if self.internal_unit_id else "")
        return f"{self.batch.month:%Y-%m} #{self.pk} {owner} {self.name}"

    @property
    def approver_role(self) -> str:  # type: ignore[override]
        """The group acting at the current step (R-B-REVIEW); approvals and returns are checked against it."""
        return STEP_ROLES.get(self.stage, ApproverRole.DIVISION_LEADER)

    @property
    def approval_rule_id(self) -> str:  # type: ignore[override]
        return "R-B-INTERNAL" if self.owner_kind == OwnerKind.INTERNAL else "R-B-REVIEW"

    @property
    def cooperation_type(self) -> str:
        return self.contract.cooperation_type if self.contract_id else ""


class CodeApplicationReview(models.Model):
    """One reviewer's decision at one step of an application's review chain.

    At the initial review the reviewer fills the checklist (R-B-CHECK). One person acts once per application,
    whatever the step, so nobody reviews twice and the director is not one of the initial reviewers.
    A returned application is final; the partner applies again in a later batch.
    """

    application = models.ForeignKey(
        CodeApplication, verbose_name=_("代码申请"), on_delete=models.CASCADE, related_name="reviews"
    )
    step = models.CharField(_("审核环节"), max_length=24, choices=ReviewStep.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT,
                                 related_name="+")
    checklist = models.JSONField(_("审核要点"), default=dict, blank=True)
    passed = models.BooleanField(_("通过"))
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代码申请审核记录")
        verbose_name_plural = _("代码申请审核记录")
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="%(app_label)s_%(class)s_unique_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_step_display()} {self.reviewer}"


class ProcessRequest(Approvable):
    """Abstract code-management request (R-B-PROCESS): raise → group assessment → submit → director review.

    A return by the director sends the request back to assessment (the assessment is cleared).
    """

    approver_role = ApproverRole.DEPARTMENT_HEAD
    approval_rule_id = "R-B-PROCESS"

    assessment_note = models.TextField(_("组内评估意见"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        abstract = True


class CodeChangeRequest(ProcessRequest):
    """A request to change a code's CP, name, price or attributes; the management period continues (R-B-CHANGE)."""

    code = models.ForeignKey(BusinessCode, verbose_name=_("业务代码"), on_delete=models.PROTECT,
                             related_name="change_requests")
    changes = models.JSONField(_("变更内容"), help_text=_("如 {\"name\": \"新名称\", \"price\": \"9.90\"}"))
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    reason = models.TextField(_("变更原因"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代码变更申请")
        verbose_name_plural = _("代码变更申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code.code} 变更 #{self.pk}"


class PartnerExit(models.Model):
    """A partner's exit (termination, no renewal or removal for violations) as it concerns its codes (R-B-EXIT)."""

    partner = models.ForeignKey("partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT,
                                related_name="code_exits")
    cooperation_type = models.CharField(
        _("合作类型"), max_length=32, choices=CooperationType.choices, blank=True, help_text=_("空 = 全部合作类型")
    )
    exit_date = models.DateField(_("退出日期"))
    reason = models.CharField(_("退出原因"), max_length=16, choices=ExitReason.choices)
    service_can_continue = models.BooleanField(
        _("可继续为存量用户服务"), default=True,
        help_text=_("内容提供方或咪咕能否继续为存量用户提供服务（决定包月代码能否转自有渠道结算）。"),
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合作方退出（代码处置）")
        verbose_name_plural = _("合作方退出（代码处置）")
        ordering = ["-exit_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "exit_date"],
                name="%(app_label)s_%(class)s_unique_partner_type_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_reason_display()} {self.exit_date:%Y-%m-%d}"


class CodeRecyclingProposal(ProcessRequest):
    """A proposal to stop, continue under own-channel settlement, or recycle a code (R-B-YEAREND, R-B-EXIT).

    Written by the year-end job or an exit (natural key: code + trigger + trigger_key), with the numbers
    that led to it in ``items`` ``[{rule, passed, detail}]`` and the rule set used.
    """

    code = models.ForeignKey(BusinessCode, verbose_name=_("业务代码"), on_delete=models.PROTECT,
                             related_name="recycling_proposals")
    trigger = models.CharField(_("触发原因"), max_length=16, choices=ProposalTrigger.choices)
    trigger_key = models.CharField(_("触发键"), max_length=32, help_text=_("年末清理为年份；退出为退出登记编号。"))
    partner_exit = models.ForeignKey(
        PartnerExit, verbose_name=_("退出登记"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="proposals",
    )
    action = models.CharField(_("处置方式"), max_length=32, choices=ProposalAction.choices)
    rule_id = models.CharField(_("规则编号"), max_length=32)
    users = models.PositiveIntegerField(_("用户数"), default=0)
    average_users = models.DecimalField(_("近期月均用户数"), max_digits=14, decimal_places=2, null=True, blank=True)
    unsubscribe_batches = models.PositiveIntegerField(_("分批退订批数"), default=0)
    items = models.JSONField(_("判定明细"), default=list, blank=True)
    rule_set = models.ForeignKey(
        "scoring.RuleSet", verbose_name=_("规则集版本"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代码处置建议")
        verbose_name_plural = _("代码处置建议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "trigger", "trigger_key"], name="%(app_label)s_%(class)s_unique_code_trigger"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code.code} {self.get_trigger_display()} {self.trigger_key} → {self.get_action_display()}"
