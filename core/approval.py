"""The project's one approval workflow: submit → approve (publish) or return, role-gated and audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .audit import audit_record
from .choices import ApprovalStatus, ApproverRole
from .models import Approvable


class ApprovalError(ValidationError):
    """A transition that the current state or the actor does not allow."""


def user_has_role(user, role: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()


def _require_role(user, role: str) -> None:
    if not user_has_role(user, role):
        raise PermissionDenied(_("需要“%(role)s”角色。") % {"role": role})


def _refuse_self_approval(locked: Approvable, actor) -> None:
    if locked.submitted_by_id and locked.submitted_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提交的结果。"))


def _transition(*, obj: Approvable, actor, method: str, action: str, reason: str, check=None) -> Approvable:
    """Re-read the row under a lock and apply the transition to that fresh copy, never to the caller's
    (possibly stale) instance; checks that depend on the row's state (``check``) run on the fresh copy too."""
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        before = locked.status
        if check is not None:
            check(locked, actor)
        problems = locked.approval_problems(action=action)
        if problems:
            raise ApprovalError(problems, code="not_allowed")
        try:
            getattr(locked, method)()
        except TransitionNotAllowed:
            raise ApprovalError(
                _("%(obj)s 当前状态为“%(status)s”，不能执行“%(action)s”。")
                % {"obj": locked, "status": locked.get_status_display(), "action": action},
                code="transition_not_allowed",
            ) from None
        now = timezone.now()
        if method == "submit":
            locked.submitted_by, locked.submitted_at = actor, now
            locked.approved_by, locked.approved_at = None, None
        elif method == "approve":
            locked.approved_by, locked.approved_at = actor, now
        try:
            locked.save()
        except ConcurrentTransition:
            raise ApprovalError(_("%(obj)s 已被他人处理，请刷新。") % {"obj": locked}, code="concurrent") from None
        if method == "approve":
            locked.on_approved(actor=actor)
        audit_record(
            obj=locked,
            action=action,
            actor=actor,
            reason=reason,
            rule_id=locked.approval_rule_id,
            from_status=before,
            to_status=locked.status,
        )
    return locked


def approval_submit(*, obj: Approvable, actor, note: str = "") -> Approvable:
    if not (actor.is_staff or actor.is_superuser) or not user_has_role(actor, ApproverRole.OPERATIONS):
        raise PermissionDenied(_("只有运营人员可以提交审批。"))
    return _transition(obj=obj, actor=actor, method="submit", action="submit", reason=note)


def approval_approve(*, obj: Approvable, actor, note: str = "") -> Approvable:
    _require_role(actor, obj.approver_role)
    return _transition(
        obj=obj, actor=actor, method="approve", action="approve", reason=note, check=_refuse_self_approval
    )


def approval_return(*, obj: Approvable, actor, reason: str) -> Approvable:
    _require_role(actor, obj.approver_role)
    if not reason.strip():
        raise ValidationError(_("退回必须填写原因。"), code="reason_required")
    return _transition(obj=obj, actor=actor, method="send_back", action="return", reason=reason)


def approval_bulk(*, objs, actor, action: str, note: str = "") -> tuple[int, list[str]]:
    """Apply one action to many results; each goes through the same checks. Returns (done, errors)."""
    handlers = {"submit": approval_submit, "approve": approval_approve, "return": approval_return}
    handler = handlers[action]
    done, errors = 0, []
    for obj in objs:
        try:
            if action == "return":
                handler(obj=obj, actor=actor, reason=note)
            else:
                handler(obj=obj, actor=actor, note=note)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            errors.append(f"{obj}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done, errors


__all__ = [
    "ApprovalError",
    "ApprovalStatus",
    "ApproverRole",
    "approval_approve",
    "approval_bulk",
    "approval_return",
    "approval_submit",
    "user_has_role",
]
