"""What the approval buttons of a detail page offer to the signed-in user, and why a button is missing."""

from django.utils.translation import gettext_lazy as _

from .approval import user_has_role
from .choices import ApprovalStatus, ApproverRole

BUTTONS = [("submit", _("提交审批")), ("approve", _("审批通过（发布）")), ("return", _("退回"))]


def approval_refusal(*, user, obj, action: str) -> str | None:
    """None when ``user`` may take ``action`` on ``obj`` now, else the reason in Chinese."""
    status_label = dict(ApprovalStatus.choices).get(obj.status, obj.status)
    if action == "submit":
        if obj.status not in (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED):
            return _("当前状态为“%(s)s”，不能提交。") % {"s": status_label}
        if not user_has_role(user, ApproverRole.OPERATIONS):
            return _("提交需要“运营人员”角色。")
        return None
    if obj.status != ApprovalStatus.SUBMITTED:
        return _("当前状态为“%(s)s”，不在待审批状态。") % {"s": status_label}
    if not user_has_role(user, obj.approver_role):
        return _("需要“%(role)s”角色。") % {"role": obj.approver_role}
    if action == "approve" and obj.submitted_by_id and obj.submitted_by_id == user.pk:
        return _("不能审批自己提交的结果。")
    problems = obj.approval_problems(action=action)
    if problems:
        return "；".join(str(p) for p in problems)
    return None


def approval_buttons(*, user, obj, submit_prompt=None) -> list[dict]:
    """One entry per transition: allowed or not, with the reason shown in place of a missing button."""
    return [
        {"action": action, "label": label, "refusal": approval_refusal(user=user, obj=obj, action=action),
         "needs_text": action == "return" or (action == "submit" and bool(submit_prompt)),
         "text_label": _("退回原因（必填）") if action == "return" else (submit_prompt or _("意见（可选）"))}
        for action, label in BUTTONS
    ]
