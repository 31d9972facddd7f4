from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审批发布")
    RETURNED = "returned", _("已退回")


#: Results a job never overwrites: once submitted or approved they change only through the approval workflow.
PROTECTED_STATUSES = (ApprovalStatus.SUBMITTED, ApprovalStatus.APPROVED)


class JobStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    REFUSED = "refused", _("已拒绝")


class ApproverRole(models.TextChoices):
    """Django groups seeded by a migration; rule sets name which role approves what (R-D-APPROVAL)."""

    OPERATIONS = "运营人员", _("运营人员")
    DEPARTMENT_HEAD = "部门领导", _("部门领导")
    DIVISION_LEADER = "分管领导", _("分管领导")
