"""Rule sets (every number of the rulebook as versioned data, OpenFisca-style) and the results computed with them."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ApproverRole
from core.models import Approvable
from partners.choices import CooperationType
from partners.models import validate_first_of_month

from .choices import RuleKind, RuleSetStatus, WarningLevel


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


SCORE = {"max_digits": 7, "decimal_places": 2}


class DailyNotification(models.Model):
    """A day's notification (通报) for one partner and cooperation type (R-D-NOTIFY).

    ``complaint_count`` is the number of front-line unknowing-subscription tickets received that day
    (Asia/Shanghai date). A row exists only where the count reached the notification threshold,
    i.e. ``notifications`` ≥ 1; days below the threshold notify nothing and are not stored.
    """

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="daily_notifications"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    date = models.DateField(_("日期"))
    complaint_count = models.PositiveIntegerField(_("不知情订购投诉工单数"))
    notifications = models.PositiveIntegerField(_("通报次数"))
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("计算明细"), default=list, blank=True, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("每日通报")
        verbose_name_plural = _("每日通报")
        ordering = ["-date", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "date"], name="%(app_label)s_%(class)s_unique_partner_type_date"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="scoring_notification_date_idx")]

    def __str__(self) -> str:
        return (f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()}"
                f" · {self.date:%Y-%m-%d} · 通报 {self.notifications} 次")


class MonthlyWarning(models.Model):
    """A month's warning level for one partner and cooperation type (R-D-WARN), kept up to date by the daily job.

    ``level_reached_on`` maps each level reached to the day the month's running notification total first
    crossed its threshold, e.g. ``{"1": "2026-10-08", "2": "2026-10-15"}``. A row exists for every
    partner-type with at least one notification in the month; absent means 0 notifications, level 0.
    """

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="monthly_warnings"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    notification_count = models.PositiveIntegerField(_("当月累计通报次数"))
    level = models.PositiveSmallIntegerField(_("预警级别"), choices=WarningLevel.choices, default=WarningLevel.NONE)
    level_reached_on = models.JSONField(_("各级别首次达到日期"), default=dict, blank=True)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("计算明细"), default=list, blank=True, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度预警")
        verbose_name_plural = _("月度预警")
        ordering = ["-month", "-level", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "month"],
                name="%(app_label)s_%(class)s_unique_partner_type_month",
            ),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="%(app_label)s_%(class)s_level_0_4"),
        ]
        indexes = [models.Index(fields=["month", "level"], name="scoring_warning_month_idx")]

    def __str__(self) -> str:
        return (f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()} · {self.month:%Y-%m}"
                f" · 预警{self.level}级")


class PenaltyProposal(Approvable):
    """The measures of a warning level, proposed when the level is reached (R-D-WARN), for the division leader.

    A higher level's proposal supersedes a lower level's proposal that is still pending (``superseded_by``);
    a superseded proposal can no longer be approved. Approval registers the suspensions as
    ``enforcement.Restriction`` rows (actions ``promote`` and ``apply_codes``). The payout factor is not
    enforced here: the settlement statement applies it (R-S-WARN).
    """

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-D-APPROVAL"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="penalty_proposals"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    level = models.PositiveSmallIntegerField(_("预警级别"), choices=WarningLevel.choices)
    reached_on = models.DateField(_("达到该级别日期"))
    notification_count = models.PositiveIntegerField(_("达到时累计通报次数"))
    measures = models.JSONField(
        _("处罚措施"), default=list, blank=True, encoder=DjangoJSONEncoder,
        help_text=_("[{action, duration, rule}]：暂停推广、暂停新代码申请的期限。"),
    )
    payout_percent = models.DecimalField(_("结算比例（%）"), max_digits=5, decimal_places=2)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("计算明细"), default=list, blank=True, encoder=DjangoJSONEncoder)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("被取代于"), on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(_("取代时间"), null=True, blank=True)
    suspension_starts_on = models.DateField(_("暂停开始日期"), null=True, blank=True)
    restrictions = GenericRelation(
        "enforcement.Restriction", content_type_field="source_type", object_id_field="source_id"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警处罚建议")
        verbose_name_plural = _("预警处罚建议")
        ordering = ["-month", "-level", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "month", "level"],
                name="%(app_label)s_%(class)s_unique_partner_type_month_level",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1) & models.Q(level__lte=4), name="%(app_label)s_%(class)s_level_1_4"
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()} · {self.month:%Y-%m}"
                f" · 预警{self.level}级处罚建议")

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None


class MonthlyAssessment(Approvable):
    """The monthly assessment (月度考核) of one partner for one cooperation type (R-M-PERIOD … R-M-TOTAL).

    ``total = revenue_score + health_score + bonus_score − deduction_score`` clamped to the rule set's
    bounds; ``items`` explain every line with its rule id. Published to the partner once the division
    leader approves it (R-M-APPROVAL); approval locks the rule set it was computed with.
    """

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-M-APPROVAL"

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="monthly_assessments"
    )
    cooperation_type = models.CharField(_("合作类型"), max_length=32, choices=CooperationType.choices)
    month = models.DateField(_("月份"), validators=[validate_first_of_month])
    revenue = models.DecimalField(_("信息费收入（元）"), max_digits=16, decimal_places=2, default=Decimal("0"))
    complaint_count = models.PositiveIntegerField(_("不知情订购投诉工单数"), default=0)
    health_ratio = models.DecimalField(_("质万比"), max_digits=14, decimal_places=4, default=Decimal("0"))
    incubation = models.BooleanField(_("培育期"), default=False)
    revenue_score = models.DecimalField(_("收入规模得分"), default=Decimal("0"), **SCORE)
    health_score = models.DecimalField(_("健康度得分"), default=Decimal("0"), **SCORE)
    bonus_score = models.DecimalField(_("综合贡献加分"), default=Decimal("0"), **SCORE)
    deduction_score = models.DecimalField(_("扣分"), default=Decimal("0"), **SCORE)
    late_or_quality_count = models.PositiveIntegerField(
        _("超时/质量不达标次数"), default=0,
        help_text=_("处理延时或处理品质不达标的次数（R-M-DED）；同一工单既延时又不达标默认计 2 次。"),
    )
    upgraded_count = models.PositiveIntegerField(_("计入的升级投诉数"), default=0)
    total = models.DecimalField(_("总分"), default=Decimal("0"), **SCORE)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则集"), on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("计算明细"), default=list, blank=True, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        ordering = ["-month", "partner__code", "cooperation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "cooperation_type", "month"],
                name="%(app_label)s_%(class)s_unique_partner_type_month",
            ),
        ]
        indexes = [models.Index(fields=["month", "status"], name="scoring_assessment_month_idx")]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.partner.name} · {self.get_cooperation_type_display()} · {self.month:%Y-%m}"


class UpgradedComplaintInclusion(models.Model):
    """Records which assessment counted an upgraded complaint, so it is deducted exactly once (R-M-UPGRADE-ONCE)."""

    ticket = models.OneToOneField(
        "partners.ComplaintTicket", verbose_name=_("投诉工单"), on_delete=models.PROTECT,
        related_name="upgrade_inclusion",
    )
    assessment = models.ForeignKey(
        MonthlyAssessment, verbose_name=_("月度考核"), on_delete=models.CASCADE, related_name="upgraded_inclusions"
    )
    month = models.DateField(_("计入月份"))

    class Meta:
        verbose_name = _("升级投诉计入记录")
        verbose_name_plural = _("升级投诉计入记录")
        ordering = ["-month", "ticket_id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.month:%Y-%m}"
