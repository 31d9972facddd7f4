"""Mobile-newspaper (手机报) products, their partners' qualifications, the launch and the operating score (RULES.md §8).

A *product* is one separately priced, separately edited paper (R-N-PRODUCT). A national product goes through the
six-stage launch (R-N-LAUNCH), recorded as steps; its test is scored by HQ's testers and approved through the
approval workflow. Once listed it is in the national product catalogue until an approved exit (R-N-SCORE).
Partners' licences and authorisations (R-N-QUAL) decide whether a stage that needs them may be recorded.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.choices import ApproverRole
from core.models import Approvable

from .choices import (
    CATALOGUE_STATUSES,
    CLOSED_STATUSES,
    BreachClass,
    ContentCategory,
    DeliveryFormat,
    DocumentIssuer,
    DocumentKind,
    EditingMode,
    LaunchStage,
    MediaRelation,
    ProductScope,
    ProductStatus,
    ProductTestDecision,
    ScoreActionKind,
)

SCORE = {"max_digits": 7, "decimal_places": 2}


class NewspaperPartnerProfile(models.Model):
    """A partner's standing as a mobile-newspaper partner: its relation to the media it works with (R-N-QUAL)."""

    partner = models.OneToOneField(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="newspaper_profile"
    )
    relation = models.CharField(_("与媒体的关系"), max_length=16, choices=MediaRelation.choices)
    media_name = models.CharField(_("合作媒体"), max_length=200, blank=True,
                                  help_text=_("报社、杂志社或旗下网站的名称（下属公司填上级媒体）。"))
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("手机报合作伙伴资料")
        verbose_name_plural = _("手机报合作伙伴资料")
        ordering = ["partner__code"]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_relation_display()}"


class QualificationDocument(models.Model):
    """A licence, proof or authorisation a partner filed (R-N-QUAL); valid from ``valid_from`` to ``valid_to``
    inclusive. ``held_by_parent``: a subsidiary files its parent media's licence. For a content authorisation the
    validity is the authorisation's term. ``expiry_warning_days`` is set by the daily expiry job."""

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="newspaper_documents"
    )
    kind = models.CharField(_("证照类型"), max_length=32, choices=DocumentKind.choices)
    issuer = models.CharField(_("发证/授权机关"), max_length=32, choices=DocumentIssuer.choices)
    number = models.CharField(_("证照编号"), max_length=100)
    scope = models.CharField(_("许可范围"), max_length=300, blank=True)
    category = models.CharField(
        _("适用内容类别"), max_length=32, choices=ContentCategory.choices, blank=True,
        help_text=_("行业主管部门许可证所许可的内容类别（财经、军事、教育、文娱/影视…）。"),
    )
    held_by_parent = models.BooleanField(_("上级媒体持有"), default=False,
                                         help_text=_("下属公司提交的上级报社、杂志社或旗下网站的许可证。"))
    holder_name = models.CharField(_("持证单位"), max_length=200, blank=True)
    authorising_media = models.CharField(_("授权媒体"), max_length=200, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至（含）"))
    file = models.FileField(_("扫描件"), upload_to="newspaper/documents/%Y/", blank=True)
    expiry_warning_days = models.PositiveSmallIntegerField(
        _("到期预警（天内）"), null=True, blank=True, help_text=_("每日到期检查写入：30/60/90 天内到期。")
    )
    expiry_checked_on = models.DateField(_("到期检查日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合作伙伴资质证照")
        verbose_name_plural = _("合作伙伴资质证照")
        ordering = ["partner__code", "kind", "valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "kind", "number"],
                                    name="%(app_label)s_%(class)s_unique_partner_kind_number"),
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                   name="%(app_label)s_%(class)s_valid_to_after_from"),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.get_kind_display()} {self.number}"


class NewspaperProduct(models.Model):
    """One mobile-newspaper product (R-N-PRODUCT). ``launch_round`` counts launch attempts: an "adjust" test result
    starts a new round (R-N-LAUNCH). A rejected product keeps ``reapply_from``, the first day a new application with
    the same partner and name is accepted."""

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("合作方"), on_delete=models.PROTECT, related_name="newspaper_products"
    )
    name = models.CharField(_("产品名称"), max_length=200)
    editing_mode = models.CharField(_("编辑方式"), max_length=16, choices=EditingMode.choices)
    category = models.CharField(_("内容类别"), max_length=32, choices=ContentCategory.choices)
    scope = models.CharField(_("全国/地方"), max_length=16, choices=ProductScope.choices,
                             default=ProductScope.NATIONAL)
    delivery_format = models.CharField(_("发送形式"), max_length=8, choices=DeliveryFormat.choices)
    frequency = models.CharField(_("发送频率"), max_length=100, blank=True, help_text=_("如：每日早晚各1期。"))
    suggested_price = models.DecimalField(_("建议价格（元/月）"), max_digits=8, decimal_places=2, null=True,
                                          blank=True)
    content = models.TextField(_("产品内容"), blank=True)
    sections = models.TextField(_("版块设计"), blank=True, help_text=_("集中发行类必填（第14条2(2)）。"))
    demo = models.CharField(_("demo 产品"), max_length=300, blank=True,
                            help_text=_("集中发行类必填：demo 的存放位置或链接。"))
    status = models.CharField(_("状态"), max_length=16, choices=ProductStatus.choices,
                              default=ProductStatus.PROPOSED)
    launch_stage = models.PositiveSmallIntegerField(
        _("已完成上线阶段"), default=0, help_text=_("0 = 尚未开始；1–6 见第14条六个阶段。")
    )
    launch_round = models.PositiveSmallIntegerField(_("上线流程轮次"), default=1)
    proposed_on = models.DateField(_("申请日期"))
    listed_on = models.DateField(_("列入产品目录日期"), null=True, blank=True)
    rejected_on = models.DateField(_("退回日期"), null=True, blank=True)
    reapply_from = models.DateField(_("可重新申请日期"), null=True, blank=True)
    warned_on = models.DateField(_("警告日期"), null=True, blank=True)
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("手机报产品")
        verbose_name_plural = _("手机报产品")
        ordering = ["partner__code", "name", "-proposed_on"]
        constraints = [
            # one open product per partner and name; a rejected or exited one may be applied for again
            models.UniqueConstraint(
                fields=["partner", "name"], condition=~models.Q(status__in=[s.value for s in CLOSED_STATUSES]),
                name="%(app_label)s_%(class)s_unique_open_partner_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.name}"

    @property
    def in_catalogue(self) -> bool:
        return (self.scope == ProductScope.NATIONAL and self.status in CATALOGUE_STATUSES
                and self.listed_on is not None)

    @property
    def next_stage(self) -> int | None:
        return self.launch_stage + 1 if self.launch_stage < LaunchStage.LISTING else None


class LaunchStep(models.Model):
    """One completed stage of a product's launch (R-N-LAUNCH): who recorded it, when, and the document it needs."""

    product = models.ForeignKey(NewspaperProduct, verbose_name=_("产品"), on_delete=models.CASCADE,
                                related_name="launch_steps")
    launch_round = models.PositiveSmallIntegerField(_("上线流程轮次"), default=1)
    stage = models.PositiveSmallIntegerField(_("阶段"), choices=LaunchStage.choices)
    done_on = models.DateField(_("完成日期"))
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    document = models.CharField(_("阶段文件"), max_length=300, help_text=_("文件名称、编号或存档位置。"))
    document_file = models.FileField(_("文件"), upload_to="newspaper/launch/%Y/", blank=True)
    note = models.TextField(_("说明"), blank=True)
    rule_id = models.CharField(_("规则编号"), max_length=32, default="R-N-LAUNCH")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上线阶段记录")
        verbose_name_plural = _("上线阶段记录")
        ordering = ["product", "launch_round", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["product", "launch_round", "stage"],
                                    name="%(app_label)s_%(class)s_unique_product_round_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.product} 第{self.launch_round}轮 {self.get_stage_display()}"


class ProductTest(Approvable):
    """The 7-day test of one launch round (R-N-LAUNCH stage 4) and its summary; approval is HQ's launch decision
    (stage 5). ``average`` is the average of the counted scores, truncated to 2 places for display; the decision is
    taken on the exact average."""

    approver_role = ApproverRole.DEPARTMENT_HEAD
    approval_rule_id = "R-N-LAUNCH"

    product = models.ForeignKey(NewspaperProduct, verbose_name=_("产品"), on_delete=models.PROTECT,
                                related_name="tests")
    launch_round = models.PositiveSmallIntegerField(_("上线流程轮次"), default=1)
    start_date = models.DateField(_("测试开始日期"))
    end_date = models.DateField(_("测试最后一天"))
    scores_due_on = models.DateField(_("评分截止日期"))
    summary_due_on = models.DateField(_("测试总结截止日期"))
    summary = models.TextField(_("测试总结"), blank=True)
    summary_on = models.DateField(_("总结提交日期"), null=True, blank=True)
    summary_late = models.BooleanField(_("总结逾期"), default=False)
    average = models.DecimalField(_("测试得分（平均）"), null=True, blank=True, **SCORE)
    counted_scores = models.PositiveSmallIntegerField(_("计入评分数"), default=0)
    decision = models.CharField(_("测试结论"), max_length=16, choices=ProductTestDecision.choices, blank=True)
    rule_set = models.ForeignKey("scoring.RuleSet", verbose_name=_("规则集"), on_delete=models.PROTECT,
                                 related_name="+")
    items = models.JSONField(_("计算明细"), default=list, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产品测试")
        verbose_name_plural = _("产品测试")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "launch_round"],
                                    name="%(app_label)s_%(class)s_unique_product_round"),
        ]

    def __str__(self) -> str:
        return f"{self.product} 第{self.launch_round}轮测试 {self.start_date:%Y-%m-%d}"


class TesterScore(models.Model):
    """A tester named by HQ and the score (0–30) they returned; ``late`` when returned after the scoring window,
    ``counted`` whether the average uses it (late scores per the rule-set switch)."""

    test = models.ForeignKey(ProductTest, verbose_name=_("产品测试"), on_delete=models.CASCADE,
                             related_name="scores")
    tester = models.CharField(_("测试人员"), max_length=100)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2, null=True, blank=True)
    scored_on = models.DateField(_("评分日期"), null=True, blank=True)
    late = models.BooleanField(_("逾期评分"), default=False)
    counted = models.BooleanField(_("计入平均分"), default=False)
    comment = models.TextField(_("反馈意见"), blank=True)

    class Meta:
        verbose_name = _("测试评分")
        verbose_name_plural = _("测试评分")
        ordering = ["test", "tester"]
        constraints = [
            models.UniqueConstraint(fields=["test", "tester"], name="%(app_label)s_%(class)s_unique_test_tester"),
        ]

    def __str__(self) -> str:
        return f"{self.tester} {self.score if self.score is not None else '—'}"


class Breach(Approvable):
    """A product breach (R-N-VIOLATION) of class 1 (most severe) to 5; once approved it deducts from the product's
    operating score of the year it occurred in (R-N-SCORE)."""

    approver_role = ApproverRole.DEPARTMENT_HEAD
    approval_rule_id = "R-N-VIOLATION"

    product = models.ForeignKey(NewspaperProduct, verbose_name=_("产品"), on_delete=models.PROTECT,
                                related_name="breaches")
    breach_class = models.PositiveSmallIntegerField(_("违约类别"), choices=BreachClass.choices)
    occurred_on = models.DateField(_("发生日期"))
    description = models.TextField(_("违约事实"))
    evidence = models.TextField(_("证据材料"), help_text=_("材料名称、编号或存档位置。"))
    found_by = models.CharField(_("发现人/发现渠道"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产品违约")
        verbose_name_plural = _("产品违约")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.product} {self.get_breach_class_display()} {self.occurred_on:%Y-%m-%d}"


class OperatingScore(models.Model):
    """A product's operating score for one year (R-N-SCORE): the initial score less the approved breaches,
    with its breakdown and the rule-set version. Recomputed whenever a breach of that year is approved."""

    product = models.ForeignKey(NewspaperProduct, verbose_name=_("产品"), on_delete=models.PROTECT,
                                related_name="operating_scores")
    year = models.PositiveSmallIntegerField(_("年度"))
    initial = models.DecimalField(_("初始运营分"), **SCORE)
    deductions = models.DecimalField(_("违约扣分"), **SCORE)
    score = models.DecimalField(_("运营分"), **SCORE)
    rule_set = models.ForeignKey("scoring.RuleSet", verbose_name=_("规则集"), on_delete=models.PROTECT,
                                 related_name="+")
    items = models.JSONField(_("计算明细"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("产品运营分")
        verbose_name_plural = _("产品运营分")
        ordering = ["-year", "product"]
        constraints = [
            models.UniqueConstraint(fields=["product", "year"], name="%(app_label)s_%(class)s_unique_product_year"),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.year} {self.score}"


class ScoreAction(Approvable):
    """A warning or exit proposed because a product's operating score fell below a threshold (R-N-SCORE);
    approval warns the product, or takes it out of the catalogue."""

    approver_role = ApproverRole.DIVISION_LEADER
    approval_rule_id = "R-N-SCORE"

    product = models.ForeignKey(NewspaperProduct, verbose_name=_("产品"), on_delete=models.PROTECT,
                                related_name="score_actions")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("处理"), max_length=16, choices=ScoreActionKind.choices)
    score = models.DecimalField(_("触发时运营分"), **SCORE)
    threshold = models.DecimalField(_("阈值"), **SCORE)
    proposed_on = models.DateField(_("提出日期"))
    rule_set = models.ForeignKey("scoring.RuleSet", verbose_name=_("规则集"), on_delete=models.PROTECT,
                                 related_name="+")
    items = models.JSONField(_("计算明细"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("运营分警告/退出")
        verbose_name_plural = _("运营分警告/退出")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "year", "kind"],
                                    name="%(app_label)s_%(class)s_unique_product_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.year} {self.get_kind_display()}"


class CatalogueProduct(NewspaperProduct):
    """《全国手机报产品目录》: the national products listed and not exited (an admin page of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("全国手机报产品目录")
        verbose_name_plural = _("全国手机报产品目录")
