"""What the approval buttons of a detail page offer to the signed-in user, and why a button is missing
(the answers come from ``core.approval.approval_refusal``, the same checks as the transitions)."""

from django.utils.translation import gettext_lazy as _

from .approval import approval_refusal

BUTTONS = [("submit", _("提交审批")), ("approve", _("审批通过（发布）")), ("return", _("退回"))]


def approval_buttons(*, user, obj, submit_prompt=None) -> list[dict]:
    """One entry per transition: allowed or not, with the reason shown in place of a missing button."""
    return [
        {"action": action, "label": label, "refusal": approval_refusal(user=user, obj=obj, action=action),
         "needs_text": action == "return" or (action == "submit" and bool(submit_prompt)),
         "text_label": _("退回原因（必填）") if action == "return" else (submit_prompt or _("意见（可选）"))}
        for action, label in BUTTONS
    ]
