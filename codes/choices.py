from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ApproverRole


class CodeKind(models.TextChoices):
    """R-B-SCOPE: monthly subscription codes and per-use codes."""

    MONTHLY = "monthly", _("包月")
    PER_USE = "per_use", _("按次")


class CodeCategory(models.TextChoices):
    """R-B-SCOPE: open-cooperation code categories (not Migu's own codes)."""

    CHANNEL_EXCLUSIVE = "channel_exclusive", _("渠道专属")
    JOINT_MEMBERSHIP = "joint_membership", _("联合会员")
    RINGBACK_MONTHLY = "ringback_monthly", _("彩铃包月")
    PLATINUM_MEMBER = "platinum_member", _("白金会员")
    OTHER = "other", _("其他")


class CodeStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    ACTIVE = "active", _("在用")
    NO_NEW_USERS = "no_new_users", _("停止新增用户")
    RECYCLING = "recycling", _("回收中")
    RECYCLED = "recycled", _("已回收")


#: Codes a holder still has (R-B-MORE "allocated" codes, R-B-EXIT "codes of the partner").
ALLOCATED_STATUSES = (CodeStatus.APPLIED, CodeStatus.ACTIVE, CodeStatus.NO_NEW_USERS)
#: Codes in force with users (R-B-YEAREND).
IN_FORCE_STATUSES = (CodeStatus.ACTIVE, CodeStatus.NO_NEW_USERS)


class OwnerKind(models.TextChoices):
    PARTNER = "partner", _("合作方")
    INTERNAL = "internal", _("内部单位")


class InternalUnitKind(models.TextChoices):
    """R-B-INTERNAL: the internal units codes may be allocated to."""

    PROVINCIAL_COMPANY = "provincial_company", _("省公司")
    GROUP_UNIT = "group_unit", _("集团单位")
    MIGU_SUBSIDIARY = "migu_subsidiary", _("咪咕子公司")


class GrantBasis(models.TextChoices):
    """Why a code was (or would be) granted; codes granted for contributions are counted (R-B-MORE)."""

    FIRST_BATCH = "first_batch", _("首批额度")
    MORE_REVENUE = "more_revenue", _("追加：收入达标")
    MORE_CONTRIBUTION = "more_contribution", _("追加：资源贡献")
    INTERNAL = "internal", _("内部单位")
    EXISTING = "existing", _("存量代码")
    NONE = "none", _("不符合条件")


class ApplicationType(models.TextChoices):
    FIRST_BATCH = "first_batch", _("首批申请")
    ADDITIONAL = "additional", _("追加申请")
    INTERNAL = "internal", _("内部单位申请")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("受理中")
    CLOSED = "closed", _("已截止")


class ReviewStep(models.TextChoices):
    """Where an application stands in its review chain (R-B-REVIEW, R-B-INTERNAL)."""

    APPLIED = "applied", _("已申请（待批次受理）")
    INITIAL_REVIEW = "initial_review", _("产品初审")
    DIRECTOR_REVIEW = "director_review", _("部门审核")
    LEADER_APPROVAL = "leader_approval", _("公司领导审批")
    RECEIVER_ACCEPTANCE = "receiver_acceptance", _("接收部门确认")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


#: Which Django group acts at each step of a review chain.
STEP_ROLES: dict[str, str] = {
    ReviewStep.INITIAL_REVIEW: ApproverRole.OPERATIONS,
    ReviewStep.DIRECTOR_REVIEW: ApproverRole.DEPARTMENT_HEAD,
    ReviewStep.LEADER_APPROVAL: ApproverRole.DIVISION_LEADER,
    ReviewStep.RECEIVER_ACCEPTANCE: ApproverRole.DEPARTMENT_HEAD,
}


class ProposalTrigger(models.TextChoices):
    YEAR_END = "year_end", _("年末清理")
    EXIT = "exit", _("合作方退出")
    MANUAL = "manual", _("不再使用")


class ProposalAction(models.TextChoices):
    """What an approved code-management proposal does to the code (R-B-YEAREND, R-B-EXIT)."""

    RECYCLE = "recycle", _("立即回收")
    CONTINUE_OWN_CHANNEL = "continue_own_channel", _("停止新增用户，存量转自有渠道结算")
    CONTINUE = "continue", _("停止新增用户，存量继续服务（不涉及自有渠道 CP 结算）")
    UNSUBSCRIBE_AND_RECYCLE = "unsubscribe_and_recycle", _("停止新增用户，分批退订后回收")


class ExitReason(models.TextChoices):
    TERMINATION = "termination", _("终止合作")
    NO_RENEWAL = "no_renewal", _("到期不续约")
    VIOLATION = "violation", _("违规清退")
