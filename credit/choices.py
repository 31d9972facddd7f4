from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.choices import RestrictedAction


class CreditGrade(models.TextChoices):
    """Grades of R-K-RANGE. ``X`` is the ≤0 row of the table ("—"): terminate, linked penalties (R-K-LINKED)."""

    A = "A", _("A（800–1000）")
    B = "B", _("B（600–<800）")
    C = "C", _("C（450–<600）")
    D = "D", _("D（300–<450）")
    E = "E", _("E（150–<300）")
    F = "F", _("F（0<–<150）")
    X = "X", _("≤0 终止合作")


class SanctionCode(models.TextChoices):
    """Sanction names used by the rule set (``credit_grade_sanctions``, ``credit_linked_sanctions``)."""

    NO_NEW_CODES = "no_new_codes", _("不得申请新业务代码")
    NO_NEW_PRODUCTS = "no_new_products", _("不得新增产品")
    NO_NEW_COOPERATION_TYPES = "no_new_cooperation_types", _("不得新增合作类型")
    SUSPEND_BILLING_OR_PROMOTION = "suspend_billing_or_promotion", _("暂停话费计费或客户端推广（二选一）")
    SUSPEND_SETTLEMENT = "suspend_settlement", _("暂停渠道结算")
    SUSPEND_ALL_SALES = "suspend_all_sales", _("暂停全部销售合作")
    SUSPEND_ALL_COOPERATION = "suspend_all_cooperation", _("暂停全部合作")
    TERMINATE = "terminate", _("终止合作")


# Which restricted action(s) a sanction registers. A sanction with several candidates needs staff to choose one
# (grade D: phone-bill charging OR client promotion). TERMINATE registers "all cooperation".
SANCTION_ACTIONS: dict[str, tuple[str, ...]] = {
    SanctionCode.NO_NEW_CODES: (RestrictedAction.APPLY_CODES,),
    SanctionCode.NO_NEW_PRODUCTS: (RestrictedAction.NEW_PRODUCTS,),
    SanctionCode.NO_NEW_COOPERATION_TYPES: (RestrictedAction.NEW_COOPERATION_TYPES,),
    SanctionCode.SUSPEND_BILLING_OR_PROMOTION: (
        RestrictedAction.PHONE_BILL_CHARGING,
        RestrictedAction.CLIENT_PROMOTION,
    ),
    SanctionCode.SUSPEND_SETTLEMENT: (RestrictedAction.SETTLEMENT,),
    SanctionCode.SUSPEND_ALL_SALES: (RestrictedAction.SALES,),
    SanctionCode.SUSPEND_ALL_COOPERATION: (RestrictedAction.ALL_COOPERATION,),
    SanctionCode.TERMINATE: (RestrictedAction.ALL_COOPERATION,),
}


class SanctionStatus(models.TextChoices):
    PENDING = "pending", _("待执行")
    APPLIED = "applied", _("已执行")
    CANCELLED = "cancelled", _("已撤销（未执行）")
    ENDED = "ended", _("已结束")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("工作日（调休上班）")


class MajorViolationCategory(models.TextChoices):
    """R-X-MAJOR."""

    REPUTATIONAL_CRISIS = "reputational_crisis", _("给中国移动/咪咕造成严重声誉危机")
    MASS_COMPLAINTS = "mass_complaints", _("同一事件当月引发大量投诉")
    ILLEGAL_BUSINESS = "illegal_business", _("业务违反法律法规")
    BREACH_MAJOR_IMPACT = "breach_major_impact", _("合作方违约造成重大负面影响")
    CUSTOMER_DATA_LEAK = "customer_data_leak", _("泄露客户信息（政府通报/媒体曝光/大量投诉）")
    ILLEGAL_CONTENT = "illegal_content", _("色情或违法内容，或利用咪咕计费从事此类业务")
    CONSUMER_OR_INFOSEC_EXPOSED = "consumer_or_infosec_exposed", _(
        "消费者权益或信息安全问题被央媒曝光或国资委/工信部批评"
    )


class EvidenceChannel(models.TextChoices):
    PARTNER_API = "partner_api", _("合作方接口提交")
    STAFF = "staff", _("运营人员录入")
