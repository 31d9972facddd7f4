"""Audit rows name their action from one list, ``core.choices.AuditAction``: every action the code writes is in it
(read from the source, so a new ``audit_record(action=…)`` without its choice fails here), and ``audit_record``
refuses any other."""

import ast
from pathlib import Path

import pytest

from core.audit import audit_record, audit_record_many
from core.choices import AuditAction
from tests.factories import PartnerFactory

ROOT = Path(__file__).resolve().parents[2]
AUDIT_FUNCTIONS = {"audit_record", "audit_record_many"}


def _source_trees():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", ".venv", "bench"} or "migrations" in relative.parts:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _keyword_constants(trees, function: str, keyword: str) -> set[str]:
    """The constant values passed as ``keyword=`` to calls of ``function`` anywhere in the code."""
    values = set()
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) == function:
                for kw in node.keywords:
                    if kw.arg == keyword:
                        assert isinstance(kw.value, ast.Constant), f"{function}({keyword}=…) must be a literal"
                        values.add(kw.value.value)
    return values


def _actions_of(expr, function: ast.FunctionDef | None, trees, where: str) -> set[str]:
    """The action strings an ``action=`` expression can take: literals, ``a if … else b``, a parameter of the
    enclosing function (its callers' literals) or an f-string over one such parameter."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _actions_of(expr.body, function, trees, where) | _actions_of(expr.orelse, function, trees, where)
    parameters = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]} if function else set()
    if isinstance(expr, ast.Name) and expr.id in parameters:
        return _keyword_constants(trees, function.name, expr.id)
    if isinstance(expr, ast.JoinedStr):
        names = [v.value.id for v in expr.values if isinstance(v, ast.FormattedValue)]
        if len(names) == 1 and isinstance(expr.values[-1], ast.FormattedValue) and names[0] in parameters:
            prefix = "".join(v.value for v in expr.values if isinstance(v, ast.Constant))
            return {prefix + value for value in _keyword_constants(trees, function.name, names[0])}
    raise AssertionError(f"{where}: the audit action {ast.unparse(expr)!r} cannot be read from the source")


def _written_actions() -> dict[str, str]:
    trees = list(_source_trees())
    found = {}
    for relative, tree in trees:
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for function in [None, *functions]:
            body = function.body if function else tree.body
            for node in (n for stmt in body for n in ast.walk(stmt)):
                if not (isinstance(node, ast.Call) and _called_name(node) in AUDIT_FUNCTIONS):
                    continue
                where = f"{relative}:{node.lineno}"
                for kw in node.keywords:
                    if kw.arg == "action":
                        innermost = min(
                            (f for f in functions if f.lineno <= node.lineno <= f.end_lineno),
                            key=lambda f: f.end_lineno - f.lineno, default=None,
                        )
                        for action in _actions_of(kw.value, innermost, trees, where):
                            found.setdefault(action, where)
    return found


def test_every_audit_action_written_by_the_code_is_an_audit_action_choice():
    written = _written_actions()
    assert {"submit", "approve", "return", "code_activate", "write_down_replace"} <= set(written)
    unknown = {action: where for action, where in written.items() if action not in AuditAction.values}
    assert unknown == {}


def test_every_audit_action_choice_is_written_somewhere():
    assert set(AuditAction.values) - set(_written_actions()) == set()


def test_every_audit_action_has_a_chinese_label():
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(label)) for label in AuditAction.labels)


@pytest.mark.django_db
def test_audit_record_refuses_an_action_outside_the_list():
    partner = PartnerFactory()
    with pytest.raises(ValueError, match="no_such_action"):
        audit_record(obj=partner, action="no_such_action")
    with pytest.raises(ValueError, match="no_such_action"):
        audit_record_many(objs=[partner], action="no_such_action")
    event = audit_record(obj=partner, action=AuditAction.PARTNER_TERMINATE)
    assert event.get_action_display() == "终止合作"
