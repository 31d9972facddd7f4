"""Partners and the raw data the rulebook turns into decisions.

Money is stored in 元 with two decimals; months are stored as the first day of the month.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    ComplaintCategory,
    CooperationType,
    ImportKind,
    ImportSource,
    ImportStatus,
    IncubationBasis,
    PartnerClass,
    PartnerStatus,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def reentry_ban_refusal(partner: "Partner", on) -> str:
    """Why a new contract or code application of ``partner`` on date ``on`` is refused by its re-entry ban
    (R-X-EXIT: 2 年内不得重新申请接入), naming the ban's end date; empty when none is in force on ``on``."""
    until = partner.reentry_banned_until
    if until is None or on is None or on >= until:
        return ""
    return (f"R-X-EXIT：合作方 {partner.code} 因重大违规终止合作，禁止重新申请接入至 {until:%Y-%m-%d}"
            f"（{until:%Y-%m-%d} 起方可重新合作）")


def validate_first_of_month(value) -> None:
    if value is not None and value.day != 1:
        raise ValidationError(_("月份须为当月第一天（YYYY-MM-01）。"), code="not_first_of_month")


class RelatedGroup(models.Model):
    """A set of related companies under shared control; linked penalties reach all of them (R-K-LINKED)."""

    name = models.CharField(_("关联公司组"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("关联公司组")
        verbose_name_plural = _("关联公司组")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A company in open cooperation, assessed by company (R-M-PERIOD)."""

    code = models.CharField(_("合作方编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    partner_class = models.CharField(
        _("渠道级别"), max_length=16, choices=PartnerClass.choices, default=PartnerClass.ORDINARY
    )
    related_group = models.ForeignKey(
        RelatedGroup,
        verbose_name=_("关联公司组"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE
    )
    reentry_banned_until = models.DateField(
        _("禁止再次合作至"), null=True, blank=True, help_text=_("重大违规终止合作后的禁入期（R-X-EXIT）。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合作方")
        verbose_name_plural = _("合作方")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PartnerMembership(models.Model):
    """Binds a login to exactly one partner; such a user sees only that partner's rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="partner_membership",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作方用户")
        verbose_name_plural = _("合作方用户")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="%(app_label)s_%(class)s_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.partner.code}"


class Contract(models.Model):
    """One cooperation type with one partner over a period (one contract = one type)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="contracts"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    revenue_share = models.DecimalField(
        _("分成比例"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("0–1，例如 0.45 表示 45%（R-S-BASE）。"),
    )
    incubation = models.BooleanField(
        _("享受培育期"), default=False, help_text=_("培育期内收入得分计满分（R-M-INCUB）。")
    )
    incubation_basis = models.CharField(
        _("培育期依据"), max_length=16, choices=IncubationBasis.choices, default=IncubationBasis.NONE
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合作合同")
        verbose_name_plural = _("合作合同")
        ordering = ["partner__code", "cooperation_type", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "start_date"],
                name="%(app_label)s_%(class)s_unique_partner_type_start",
            ),
            models.CheckConstraint(
                condition=models.Q(revenue_share__gte=0) & models.Q(revenue_share__lte=1),
                name="%(app_label)s_%(class)s_revenue_share_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_cooperation_type_display()} {self.start_date:%Y-%m-%d}"

    def clean(self) -> None:
        # a new contract (or one moved to another start) inside a re-entry ban is refused (R-X-EXIT)
        if self.partner_id is None or self.start_date is None:
            return
        moved = not self._state.adding and Contract.objects.filter(pk=self.pk).exclude(
            start_date=self.start_date).exists()
        if self._state.adding or moved:
            refusal = reentry_ban_refusal(self.partner, self.start_date)
            if refusal:
                raise ValidationError({"start_date": refusal})


class SubChannel(models.Model):
    """A partner's app or app publisher through which it promotes (推广子渠道)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="sub_channels"
    )
    code = models.CharField(_("子渠道编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    active = models.BooleanField(_("有效"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推广子渠道")
        verbose_name_plural = _("推广子渠道")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ComplaintTicket(models.Model):
    """A front-line complaint work order (一线工单), as received from the complaint system."""

    ticket_id = models.CharField(_("工单号"), max_length=64)
    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="complaints"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    received_on = models.DateField(_("受理日期"))
    province = models.CharField(_("省份"), max_length=32, blank=True)
    category = models.CharField(
        _("投诉类别"),
        max_length=32,
        choices=ComplaintCategory.choices,
        default=ComplaintCategory.UNKNOWING_SUBSCRIPTION,
    )
    handled_late = models.BooleanField(_("处理超时"), default=False)
    quality_failed = models.BooleanField(_("处理质量不达标"), default=False)
    upgraded_on = models.DateField(
        _("升级投诉日期"), null=True, blank=True, help_text=_("收到工信部/通管局升级投诉认定的日期（R-M-DED）。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投诉工单")
        verbose_name_plural = _("投诉工单")
        ordering = ["-received_on", "ticket_id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket_id"], name="%(app_label)s_%(class)s_unique_ticket_id"),
        ]
        indexes = [
            # Every reader of tickets by day or month also reads columns outside any index (category,
            # handled_late, …), so the day alone serves them; the former (day, partner, type) index cost
            # a quarter of a bulk load's index maintenance for no query (docs/imports.md).
            models.Index(fields=["received_on"], name="partners_cpl_day_idx"),
            # few tickets are ever upgraded: a partial index stays small and cheap to maintain on bulk loads
            models.Index(
                fields=["upgraded_on"],
                name="partners_cpl_upgraded_idx",
                condition=models.Q(upgraded_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.ticket_id


class MonthlyRevenue(models.Model):
    """A month's information-fee revenue for one partner and cooperation type (R-M-REV, R-S-BASE)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="revenues"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    phone_bill = models.DecimalField(_("话费收入（元）"), validators=NON_NEGATIVE, **MONEY)
    third_party = models.DecimalField(_("第三方支付收入（元）"), validators=NON_NEGATIVE, **MONEY)
    cash = models.DecimalField(_("现金收入（元）"), validators=NON_NEGATIVE, **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度信息费收入")
        verbose_name_plural = _("月度信息费收入")
        ordering = ["-month", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "month"],
                name="%(app_label)s_%(class)s_unique_partner_type_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()} · {self.month:%Y-%m}"

    @property
    def total(self) -> Decimal:
        return self.phone_bill + self.third_party + self.cash


class MonthlyContribution(models.Model):
    """A month's overall contribution (综合贡献) for the bonus lines of R-M-BONUS and R-K-STRATEGIC.

    Purchases count only when ``product_category`` is one of the rule set's purchasable categories (R-K-PRODUCTS);
    Migu ads count whether placed (``ads_placed``) or sold as agent (``ad_sales``): 投放（代理）.
    """

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="contributions"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    marketing_resources = models.BooleanField(_("提供重点营销资源"), default=False)
    marketing_includes_client_promotion = models.BooleanField(_("营销资源含客户端推广"), default=False)
    cash_contribution = models.DecimalField(
        _("带来现金收入（元）"), validators=NON_NEGATIVE, default=Decimal("0"), **MONEY
    )
    ad_sales = models.DecimalField(_("咪咕广告销售额（元）"), validators=NON_NEGATIVE, default=Decimal("0"), **MONEY)
    active_users = models.PositiveIntegerField(_("带来客户端活跃用户数"), default=0)
    product_purchases = models.DecimalField(
        _("采购咪咕产品/服务（元）"), validators=NON_NEGATIVE, default=Decimal("0"), **MONEY
    )
    product_category = models.CharField(
        _("采购产品类别"), max_length=40, blank=True,
        help_text=_("规则集 credit_product_categories 中的类别（R-K-PRODUCTS）；不在其中的采购不计入。"),
    )
    ads_placed = models.DecimalField(_("投放咪咕广告（元）"), validators=NON_NEGATIVE, default=Decimal("0"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度综合贡献")
        verbose_name_plural = _("月度综合贡献")
        ordering = ["-month", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "month"],
                name="%(app_label)s_%(class)s_unique_partner_type_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()} · {self.month:%Y-%m}"


class ImportRun(models.Model):
    """One run of ``import_data`` (command line or admin): who, when, which file, and what it did.

    Rejected runs (any invalid row) wrote nothing; dry runs never write. The bulk complaint path
    bypasses per-row model history, so this record is the audit trail of what a complaint file changed.
    """

    kind = models.CharField(_("导入类型"), max_length=32, choices=ImportKind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    dry_run = models.BooleanField(_("仅校验（试运行）"), default=False)
    source = models.CharField(_("来源"), max_length=16, choices=ImportSource.choices, default=ImportSource.COMMAND)
    status = models.CharField(_("结果"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.TextField(_("错误（row N: 列: 原因）"), blank=True)
    warnings = models.TextField(_("提示"), blank=True)
    heartbeat_at = models.DateTimeField(
        _("心跳时间"), null=True, blank=True,
        help_text=_("导入进行中定期更新；超过 JOB_HEARTBEAT_TIMEOUT 秒未更新视为进程已中断，标记为异常中止。"),
    )

    class Meta:
        verbose_name = _("数据导入记录")
        verbose_name_plural = _("数据导入记录")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} {self.get_status_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 2)
