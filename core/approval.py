"""The project's one approval workflow: submit → approve (publish) or return, role-gated and audited.

Every approvable kind is registered here, once, from its app's ``AppConfig.ready()``::

    def ready(self) -> None:
        from core.approval import approvable_register

        from .models import MonthlyCreditScore
        from .services import credit_score_approved

        approvable_register(MonthlyCreditScore, on_approved=credit_score_approved)

``on_approved(obj=locked_obj, actor=user)`` runs inside the approval transaction on the locked row (lock the rule
set, register restrictions, grant the code …); ``problems(obj=locked_obj, action="submit"|"approve"|"return")``
returns the reasons the row may not take that action now (empty when it may). The model itself only declares
``approver_role`` and ``approval_rule_id`` (class attributes or per-object properties). ``approvable_kinds()`` lists
every kind (what an inbox of pending approvals reads); ``approval_refusal()`` says, without changing anything,
why a user may not act on a row now. A test asserts every concrete ``Approvable`` model is registered.

Every status change of an approvable row goes through these transitions, with three documented exceptions, all
system actions of jobs or hooks, none open to a user, each audited or reversible by the same job:

- ``settlement.services`` (monthly settlement job): a *submitted* statement whose amounts change on recomputation
  goes back to draft (submitter cleared) in the job's one bulk update, audited ``recompute_back_to_draft``
  (R-S-BASE). It is not a "return" (no approver acts, no reason is asked) and the job writes thousands of rows in
  one transaction under ``serialize_runs``, so it does not take one locked transition per row.
- ``credit.services.violations`` (the approval hook of a major violation): the month's credit score is written
  as *approved* (0, R-K-MAJOR) at once. The approval that carries it is the violation's own, which did go through
  ``approval_approve`` (role check, self-approval refused, audited); the score is published with that decision,
  audited ``credit_score_major_violation`` with the approver as actor.
- ``credit.services.monthly`` (monthly credit job): recomputing a *returned* score whose figures changed writes it
  back as a draft in the job's bulk update (not audited, like a fresh draft). Submitted and approved scores are
  never touched (``JobRefused``/protected statuses).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from .audit import audit_record
from .choices import ApprovalStatus, ApproverRole, AuditAction
from .models import Approvable


class ApprovalError(ValidationError):
    """A transition that the current state or the actor does not allow."""


@dataclass(frozen=True)
class ApprovableKind:
    """One approvable model with its approval hooks."""

    model: type[Approvable]
    #: Called as ``on_approved(obj=locked_obj, actor=user)`` inside the approval transaction.
    on_approved: Callable | None = None
    #: Called as ``problems(obj=locked_obj, action="submit"|"approve"|"return")`` → list of reasons (Chinese).
    problems: Callable | None = None

    @property
    def label(self) -> str:
        return self.model._meta.verbose_name_plural

    @property
    def rule_id(self) -> str:
        return self.model.approval_rule_id

    def approver_role_for(self, obj) -> str:
        """The group that approves or returns ``obj`` now (some kinds compute it per object)."""
        return obj.approver_role


_KINDS: dict[type, ApprovableKind] = {}

#: action → the state-machine method of ``Approvable`` that carries it out.
_METHODS = {"submit": "submit", "approve": "approve", "return": "send_back"}


def approvable_register(model, *, on_approved=None, problems=None) -> ApprovableKind:
    """Register (or re-register) an approvable model with its hooks; called from ``AppConfig.ready()``."""
    kind = ApprovableKind(model=model, on_approved=on_approved, problems=problems)
    _KINDS[model] = kind
    return kind


def approvable_kinds() -> tuple[ApprovableKind, ...]:
    return tuple(_KINDS.values())


def approvable_kind(model_or_instance) -> ApprovableKind:
    """The registered kind of a model or of a row; ``LookupError`` when the model is not registered."""
    model = model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)
    try:
        return _KINDS[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not a registered approvable kind") from None


def _problems(kind: ApprovableKind, obj, action: str) -> list[str]:
    return list(kind.problems(obj=obj, action=action)) if kind.problems is not None else []


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
    kind = approvable_kind(model)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        before = locked.status
        if check is not None:
            check(locked, actor)
        problems = _problems(kind, locked, action)
        if problems:
            raise ApprovalError(problems, code="not_allowed")
        try:
            getattr(locked, method)()
        except TransitionNotAllowed:
            raise ApprovalError(
                _("%(obj)s 当前状态为“%(status)s”，不能执行“%(action)s”。")
                % {"obj": locked, "status": locked.get_status_display(), "action": AuditAction(action).label},
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
        if method == "approve" and kind.on_approved is not None:
            kind.on_approved(obj=locked, actor=actor)
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


def _may_submit(actor) -> bool:
    """Submitting is the operations staff's work (CONTRACT §4; a superuser holds every role)."""
    return bool(actor and (actor.is_staff or actor.is_superuser)) and user_has_role(actor, ApproverRole.OPERATIONS)


def approval_refusal(*, user, obj: Approvable, action: str) -> str | None:
    """Why ``user`` may not take ``action`` ("submit", "approve", "return") on ``obj`` now; ``None`` when they may.

    The same checks as the transitions (role, own submission, state, the kind's problems), read-only, for
    showing or hiding buttons and listing an inbox."""
    kind = approvable_kind(obj)
    if action == "submit":
        if not _may_submit(user):
            return _("只有运营人员可以提交审批。")
    else:
        role = kind.approver_role_for(obj)
        if not user_has_role(user, role):
            return _("需要“%(role)s”角色。") % {"role": role}
        if action == "approve" and obj.submitted_by_id and obj.submitted_by_id == user.pk:
            return _("不能审批自己提交的结果。")
    if not can_proceed(getattr(obj, _METHODS[action])):
        return _("%(obj)s 当前状态为“%(status)s”，不能执行“%(action)s”。") % {
            "obj": obj, "status": obj.get_status_display(), "action": AuditAction(action).label}
    problems = _problems(kind, obj, action)
    return " ".join(problems) if problems else None


def approval_submit(*, obj: Approvable, actor, note: str = "") -> Approvable:
    if not _may_submit(actor):
        raise PermissionDenied(_("只有运营人员可以提交审批。"))
    return _transition(obj=obj, actor=actor, method="submit", action="submit", reason=note)


def approval_approve(*, obj: Approvable, actor, note: str = "") -> Approvable:
    _require_role(actor, approvable_kind(obj).approver_role_for(obj))
    return _transition(
        obj=obj, actor=actor, method="approve", action="approve", reason=note, check=_refuse_self_approval
    )


def approval_return(*, obj: Approvable, actor, reason: str) -> Approvable:
    _require_role(actor, approvable_kind(obj).approver_role_for(obj))
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
    "ApprovableKind",
    "ApprovalError",
    "ApprovalStatus",
    "ApproverRole",
    "approvable_kind",
    "approvable_kinds",
    "approvable_register",
    "approval_approve",
    "approval_bulk",
    "approval_refusal",
    "approval_return",
    "approval_submit",
    "user_has_role",
]
