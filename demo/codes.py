"""Business codes in the demo (RULES.md §6): two monthly batches and the current open one, an application at every
step of the review chain, statistics imported through ``code_stats``, one code change and one recycled code.

Applicants are partners never notified in the demo months (``replay.clean_partners``), so no warning suspension can
block their applications (R-B-BLOCK) at any point of the replay.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from codes.choices import CodeCategory, CodeKind, CodeStatus, InternalUnitKind
from codes.models import BusinessCode, CodeApplication, CodeBatch, CodeChangeRequest, InternalUnit
from codes.services import (
    application_apply,
    application_decide,
    application_review,
    batch_close,
    code_activate,
    code_change_request_create,
    code_recycle_finish,
    process_approve,
    process_assess,
    recycling_proposal_raise,
)
from core.months import add_months, month_end
from partners.choices import ImportKind, ImportSource
from partners.imports.services import data_file_import
from partners.models import Contract
from scoring.selectors import rule_book_in_force

from .replay import CONTROL_EVENTS, CREDIT_CAST, Replay, clean_partners

APPROVED = "同意（演示数据）"


def _checklist(on: dt.date, *, failing: str = "") -> dict[str, bool]:
    _, book = rule_book_in_force(on=on)
    return {point["key"]: point["key"] != failing for point in book.items("code_review_checklist")}


def _contracts(replay: Replay) -> list[Contract]:
    applicants = clean_partners(exclude=set(CREDIT_CAST) | {event[0] for event in CONTROL_EVENTS})
    contracts = []
    for applicant in applicants:
        contract = applicant.contracts.filter(cooperation_type="sales_channel", end_date__isnull=True).first()
        if contract is not None and contract.start_date <= replay.months[-2]:
            contracts.append(contract)
    return contracts


def _apply(replay: Replay, *, contract=None, internal_unit=None, on: dt.date, kind: str, name: str, price: str,
           category: str = CodeCategory.CHANNEL_EXCLUSIVE) -> CodeApplication:
    existing = CodeApplication.objects.filter(name=name, batch__month=on.replace(day=1)).first()
    if existing is not None:
        return existing
    clerk = replay.people.ops_team[-1]
    with replay.calendar.at(on, 10):
        return application_apply(
            actor=clerk, kind=kind, category=category, name=name, price=Decimal(price), contract=contract,
            internal_unit=internal_unit, on=on, cp=f"{name}内容提供方",
            requesting_department="政企客户部" if internal_unit else "",
            description=f"{name}：演示数据", requested_code="",
        )


def _review(replay: Replay, application: CodeApplication, *, reviewers: list, day: dt.date, failing: str = ""):
    for offset, reviewer in enumerate(reviewers):
        application.refresh_from_db()
        if application.reviews.filter(reviewer=reviewer).exists() or application.stage != "initial_review":
            continue
        with replay.calendar.at(day, 10 + offset):
            application = application_review(application=application, reviewer=reviewer,
                                             checklist=_checklist(day, failing=failing),
                                             comment="" if not failing else "推广方案缺少执行排期")
    application.refresh_from_db()
    return application


def _decide(replay: Replay, application: CodeApplication, *, actor, day: dt.date, step: str):
    application.refresh_from_db()
    if application.stage != step:
        return application
    with replay.calendar.at(day, 15):
        return application_decide(application=application, actor=actor, approve=True, note=APPROVED)


def _close(replay: Replay, month: dt.date) -> None:
    batch = CodeBatch.objects.filter(month=month).first()
    if batch is not None and batch.status == "open":
        with replay.calendar.at(month + dt.timedelta(days=19), 18):
            batch_close(batch=batch, actor=replay.people.ops_team[-1])


def _import_stats(replay: Replay, month: dt.date, rows: list[tuple[str, int, int]]) -> None:
    """Monthly statistics arrive as a ``code_stats`` file, imported like any other (recorded under 导入记录)."""
    if not rows:
        return
    text = "code,month,users,orders\n" + "".join(f"{code},{month:%Y-%m},{users},{orders}\n"
                                                 for code, users, orders in rows)
    with replay.calendar.at(add_months(month, 1) + dt.timedelta(days=2), 9):
        result = data_file_import(kind=ImportKind.CODE_STATS, file=io.BytesIO(text.encode("utf-8")),
                                  file_name=f"code_stats_{month:%Y%m}.csv", user=replay.people.ops,
                                  source=ImportSource.COMMAND)
    if not result.ok:
        raise RuntimeError(f"demo code_stats import rejected: {result.errors[:3]}")


def _stats_row(code: BusinessCode, index: int, growth: float = 1.0) -> tuple[str, int, int]:
    """Users for monthly codes, orders for per-use codes (the other column 0, as the import requires)."""
    if code.kind == CodeKind.MONTHLY:
        return code.code, int(62_000 * growth), 0
    return code.code, 0, int((18_000 - 4_000 * index) * growth)


def demo_codes(replay: Replay) -> None:
    people = replay.people
    first, second = replay.months[-2], replay.months[-1]
    current = add_months(second, 1)
    contracts = _contracts(replay)
    if len(contracts) < 6:
        return
    main, returned, director_case, started, waiting, drafted = contracts[:6]
    ops, colleague_a, colleague_b, clerk = people.ops, *people.ops_team
    full_panel = [colleague_a, colleague_b, ops]

    # Batch of the older month: four codes granted and activated (one monthly, three per-use), one returned at the
    # initial review, one over the first-batch limit, one internal-unit code at the company leader.
    monthly = _apply(replay, contract=main, on=first + dt.timedelta(days=5), kind=CodeKind.MONTHLY,
                     name="畅听音乐包月", price="15.00")
    per_use = _apply(replay, contract=main, on=first + dt.timedelta(days=5), kind=CodeKind.PER_USE,
                     name="单曲点播按次", price="2.00")
    # over the first-batch limit with no R-B-MORE basis yet: the batch closing returns it with the reasons
    _apply(replay, contract=main, on=first + dt.timedelta(days=6), kind=CodeKind.MONTHLY,
           name="畅听音乐包月（二）", price="20.00")
    failing = _apply(replay, contract=returned, on=first + dt.timedelta(days=7), kind=CodeKind.MONTHLY,
                     name="彩铃精选包月", price="6.00", category=CodeCategory.RINGBACK_MONTHLY)
    unit, _ = InternalUnit.objects.get_or_create(
        name="广东省公司", defaults={"kind": InternalUnitKind.PROVINCIAL_COMPANY, "receiving_department": "市场部"})
    internal = _apply(replay, internal_unit=unit, on=first + dt.timedelta(days=8), kind=CodeKind.MONTHLY,
                      name="广东和彩铃包月", price="5.00", category=CodeCategory.RINGBACK_MONTHLY)
    karaoke = _apply(replay, contract=started, on=first + dt.timedelta(days=9), kind=CodeKind.PER_USE,
                     name="K歌点播按次", price="1.00")
    audiobook = _apply(replay, contract=waiting, on=first + dt.timedelta(days=9), kind=CodeKind.PER_USE,
                       name="有声读物按次", price="2.00")
    _close(replay, first)
    review_day = first + dt.timedelta(days=20)
    for application in (monthly, per_use, karaoke, audiobook):
        application = _review(replay, application, reviewers=full_panel, day=review_day)
        _decide(replay, application, actor=people.head, day=review_day + dt.timedelta(days=1), step="director_review")
    _review(replay, failing, reviewers=[colleague_a], day=review_day, failing="promotion_plan")
    _decide(replay, internal, actor=people.head, day=review_day + dt.timedelta(days=1), step="director_review")
    granted = []
    for application in (monthly, per_use, karaoke, audiobook):
        application.refresh_from_db()
        code = application.granted_code
        if code is not None and code.status == CodeStatus.APPLIED:
            with replay.calendar.at(review_day + dt.timedelta(days=3), 10) as on:
                code = code_activate(code=code, effective_date=on, actor=ops)
        if code is not None:
            granted.append(code)
    monthly_code = next((c for c in granted if c.kind == CodeKind.MONTHLY), None)
    per_use_code = next((c for c in granted if c.kind == CodeKind.PER_USE), None)
    _import_stats(replay, first, [_stats_row(c, index) for index, c in enumerate(granted)])

    # Batch of the latest month: an additional code at the company leader, a first batch at the director,
    # two at the product initial review (one with a review already, one untouched by demo_ops).
    more = _apply(replay, contract=main, on=second + dt.timedelta(days=4), kind=CodeKind.MONTHLY,
                  name="畅听音乐包月·家庭版", price="25.00")
    at_director = _apply(replay, contract=director_case, on=second + dt.timedelta(days=5), kind=CodeKind.MONTHLY,
                         name="白金会员包月", price="20.00", category=CodeCategory.PLATINUM_MEMBER)
    started_review = _apply(replay, contract=started, on=second + dt.timedelta(days=6), kind=CodeKind.PER_USE,
                            name="有声书按次", price="3.00")
    # waits for its first initial review: a contract's first application (R-B-FIRST; ``waiting`` already holds a
    # code from the older batch, so its next one would be an additional application without an R-B-MORE basis)
    _apply(replay, contract=drafted, on=second + dt.timedelta(days=7), kind=CodeKind.MONTHLY,
           name="悦听渠道包月", price="10.00")
    _close(replay, second)
    review_day = second + dt.timedelta(days=20)
    more = _review(replay, more, reviewers=full_panel, day=review_day)
    _decide(replay, more, actor=people.head, day=review_day + dt.timedelta(days=1), step="director_review")
    _review(replay, at_director, reviewers=full_panel, day=review_day)
    _review(replay, started_review, reviewers=[colleague_a], day=review_day)
    _import_stats(replay, second, [_stats_row(c, index, growth=1.05) for index, c in enumerate(granted)
                                   if c.status == CodeStatus.ACTIVE and c.pk != getattr(per_use_code, "pk", None)])

    # The current month's batch is open: one application filed, not yet handed to review.
    _apply(replay, contract=drafted, on=replay.calendar.day(current), kind=CodeKind.PER_USE, name="铃声DIY按次",
           price="1.00")

    # One code change (R-B-CHANGE, through R-B-PROCESS) and one recycled code.
    if monthly_code is not None and not CodeChangeRequest.objects.filter(code=monthly_code).exists():
        day = second + dt.timedelta(days=9)
        with replay.calendar.at(day, 10):
            change = code_change_request_create(code=monthly_code, changes={"price": "12.00"}, actor=clerk,
                                                reason="资费调整为12元/月（演示数据）", on=day)
            change = process_assess(obj=change, actor=ops, note="组内评估：资费调整不影响存量用户权益")
        with replay.calendar.at(day + dt.timedelta(days=1), 11):
            process_approve(obj=change, actor=people.head, note=APPROVED)
    if per_use_code is not None and per_use_code.status == CodeStatus.ACTIVE:
        day = second + dt.timedelta(days=12)
        with replay.calendar.at(day, 10) as on:
            proposal = recycling_proposal_raise(code=per_use_code, actor=clerk, reason="单曲点播产品下线", on=on)
            proposal = process_assess(obj=proposal, actor=ops, note="组内评估：无存量订购，同意回收")
        with replay.calendar.at(day + dt.timedelta(days=1), 11):
            process_approve(obj=proposal, actor=people.head, note=APPROVED)
        with replay.calendar.at(min(day + dt.timedelta(days=8), month_end(second)), 17) as on:
            code_recycle_finish(code=BusinessCode.objects.get(pk=per_use_code.pk), actor=ops, on=on)

