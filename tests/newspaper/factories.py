"""Builders for mobile-newspaper tests: every row is made through the app's services, as staff would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group

from core.approval import approval_approve, approval_submit
from core.choices import ApproverRole
from newspaper import services
from newspaper.choices import DocumentIssuer, DocumentKind, LaunchStage
from scoring.selectors import rule_book_in_force
from tests.factories import PartnerFactory, UserFactory

DAY = dt.date(2026, 3, 2)


def book(on: dt.date = DAY):
    return rule_book_in_force(on=on)[1]


def user_with(username: str, *roles: str):
    user = UserFactory(username=username, is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


def ops():
    return user_with("np_ops", ApproverRole.OPERATIONS)


def head():
    return user_with("np_head", ApproverRole.DEPARTMENT_HEAD)


def leader():
    return user_with("np_leader", ApproverRole.DIVISION_LEADER)


def publish(obj):
    approval_submit(obj=obj, actor=ops())
    approver = leader() if obj.approver_role == ApproverRole.DIVISION_LEADER else head()
    return approval_approve(obj=obj, actor=approver)


def document(partner, kind=DocumentKind.NEWS_LICENCE, *, number=None, valid_from=dt.date(2025, 1, 1),
             valid_to=dt.date(2028, 12, 31), **extra):
    issuer = {DocumentKind.NEWS_LICENCE: DocumentIssuer.STATE_COUNCIL_INFORMATION_OFFICE,
              DocumentKind.CONTENT_AUTHORISATION: DocumentIssuer.MEDIA}.get(kind, DocumentIssuer.OTHER_REGULATOR)
    if kind == DocumentKind.CONTENT_AUTHORISATION:
        extra.setdefault("authorising_media", "某某日报社")
    return services.document_record(partner=partner, kind=kind, issuer=issuer,
                                    number=number or f"{kind}-{partner.code}", valid_from=valid_from,
                                    valid_to=valid_to, **extra)


def qualify(partner, relation="media"):
    """The partner is the media itself with a national news licence valid 2025–2028 (R-N-QUAL)."""
    services.partner_profile_set(partner=partner, relation=relation, media_name="某某日报社")
    document(partner)
    return partner


def qualified_partner(code="NP1", relation="media"):
    return qualify(PartnerFactory(code=code, name=f"{code}报业"), relation=relation)


def product(partner, name="新闻早晚报", **extra):
    values = {"editing_mode": "central", "category": "current_news", "delivery_format": "mms",
              "frequency": "每日早晚各1期", "suggested_price": Decimal("3.00"), "content": "时政要闻",
              "sections": "要闻/国际/财经", "demo": "demo/早晚报.zip", "on": DAY}
    values.update(extra)
    return services.product_propose(partner=partner, name=name, actor=ops(), **values)


def walk_to_review(item, on: dt.date = DAY):
    for stage in (LaunchStage.NEED, LaunchStage.DESIGN, LaunchStage.REVIEW):
        services.launch_step_record(product=item, stage=stage, on=on, actor=ops())
    item.refresh_from_db()
    return item


def scored_test(item, scores, *, start=DAY, scored_after_end: int = 1, summary_after_end: int = 3):
    """Start the test, enter one score per tester ``scored_after_end`` days after the last day, summarise."""
    testers = [f"测试员{i + 1}" for i in range(len(scores))]
    test = services.product_test_start(product=item, start_date=start, testers=testers, actor=ops())
    for tester, score in zip(testers, scores, strict=True):
        services.tester_score_enter(test=test, tester=tester, score=score,
                                    scored_on=test.end_date + dt.timedelta(days=scored_after_end), actor=ops())
    services.product_test_summarise(test=test, summary="测试总结", actor=ops(),
                                    summary_on=test.end_date + dt.timedelta(days=summary_after_end))
    test.refresh_from_db()
    return test


def listed(partner, name="新闻早晚报", on: dt.date = DAY, **extra):
    """A product walked through all six stages to the catalogue."""
    item = walk_to_review(product(partner, name=name, **extra), on=on)
    publish(scored_test(item, [26, 27, 28], start=on))
    services.launch_step_record(product=item, stage=LaunchStage.LISTING, on=on + dt.timedelta(days=20),
                                actor=ops(), document="计费局数据 第1批")
    item.refresh_from_db()
    return item
