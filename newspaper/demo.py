"""Demo data for the mobile-newspaper app: products at every launch stage, a live one, a warned one, an exited one,
one rejected with its 3-month lock, one in its second launch round, a local paper, and a licence about to expire.

Everything is made through the app's services and the approval workflow, as staff would. Call
``newspaper_demo_load()`` after the partners exist (e.g. after ``partners.demo.demo_seed``); it is safe to call twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.approval import approval_approve, approval_submit
from core.choices import ApproverRole
from partners.models import Partner

from . import services
from .choices import DocumentIssuer, DocumentKind, LaunchStage, MediaRelation
from .models import NewspaperProduct, ScoreAction

DEMO_PREFIX = "演示·"
DAY = dt.timedelta(days=1)


def _user(username: str, role: str, password: str | None):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.is_staff = True
    if password:
        user.set_password(password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def _partners(codes: list[str] | None) -> list[Partner]:
    queryset = Partner.objects.order_by("code")
    partners = list(queryset.filter(code__in=codes) if codes else queryset[:4])
    while len(partners) < 4:
        number = len(partners) + 1
        partners.append(Partner.objects.get_or_create(code=f"NEWS{number:02d}",
                                                      defaults={"name": f"演示报业传媒{number}"})[0])
    return partners


@transaction.atomic
def newspaper_demo_load(*, today: dt.date | None = None, partner_codes: list[str] | None = None,
                        password: str | None = None, ops=None, head=None, leader=None) -> dict[str, int]:
    """Load the demo products (skipped when they are already there). ``ops`` (运营人员) records and submits,
    ``head`` (部门领导) names the testers and approves tests and breaches, ``leader`` (分管领导) approves exits:
    pass the demo's own logins; a role not given gets a ``demo_news_…`` login (``password``, or unusable)."""
    if NewspaperProduct.objects.filter(name__startswith=DEMO_PREFIX).exists():
        return {"skipped": 1}
    today = today or timezone.localdate()
    ops = ops or _user("demo_news_ops", ApproverRole.OPERATIONS, password)
    head = head or _user("demo_news_head", ApproverRole.DEPARTMENT_HEAD, password)
    leader = leader or _user("demo_news_leader", ApproverRole.DIVISION_LEADER, password)

    def publish(obj):
        approval_submit(obj=obj, actor=ops, note="演示数据")
        return approval_approve(obj=obj, actor=leader if obj.approver_role == ApproverRole.DIVISION_LEADER else head,
                                note="演示数据")

    media, subsidiary, third_party, expiring = _partners(partner_codes)
    start = today - dt.timedelta(days=90)
    licence = {"valid_from": today - dt.timedelta(days=730), "valid_to": today + dt.timedelta(days=730)}
    for partner, relation in ((media, MediaRelation.MEDIA), (subsidiary, MediaRelation.SUBSIDIARY),
                              (third_party, MediaRelation.THIRD_PARTY), (expiring, MediaRelation.MEDIA)):
        services.partner_profile_set(partner=partner, relation=relation, media_name="演示日报社", actor=ops)
    services.document_record(partner=media, kind=DocumentKind.NEWS_LICENCE, number=f"国新网-{media.code}",
                             issuer=DocumentIssuer.STATE_COUNCIL_INFORMATION_OFFICE, actor=ops, **licence)
    services.document_record(partner=subsidiary, kind=DocumentKind.NEWS_LICENCE, number=f"上级-{subsidiary.code}",
                             issuer=DocumentIssuer.PROVINCIAL_INFORMATION_OFFICE, held_by_parent=True,
                             holder_name="演示日报社", actor=ops, **licence)
    services.document_record(partner=subsidiary, kind=DocumentKind.SUBSIDIARY_PROOF, number=f"下属-{subsidiary.code}",
                             issuer=DocumentIssuer.MEDIA, actor=ops, **licence)
    for partner in (subsidiary, third_party):
        # 第12条: a company other than the media itself needs a content authorisation of 3 years or more
        services.document_record(partner=partner, kind=DocumentKind.CONTENT_AUTHORISATION,
                                 number=f"授权-{partner.code}", issuer=DocumentIssuer.MEDIA,
                                 authorising_media="演示日报社", actor=ops, valid_from=today - dt.timedelta(days=365),
                                 valid_to=today + dt.timedelta(days=365 * 3))
    services.document_record(partner=expiring, kind=DocumentKind.NEWS_LICENCE, number=f"国新网-{expiring.code}",
                             issuer=DocumentIssuer.STATE_COUNCIL_INFORMATION_OFFICE, actor=ops,
                             valid_from=today - dt.timedelta(days=1000), valid_to=today + dt.timedelta(days=20))

    def propose(partner, name, **extra):
        values = {"editing_mode": "central", "category": "current_news", "delivery_format": "mms",
                  "frequency": "每日早晚各1期", "suggested_price": Decimal("3.00"), "content": "时政要闻与社会新闻",
                  "sections": "要闻/国内/国际", "demo": "演示/demo.zip", "on": start}
        values.update(extra)
        return services.product_propose(partner=partner, name=f"{DEMO_PREFIX}{name}", actor=ops, **values)

    def walk(product, to_stage, on=start):
        for stage in range(product.launch_stage + 1, to_stage + 1):
            services.launch_step_record(product=product, stage=stage, on=on, actor=ops)
        return product

    def test(product, scores, on):
        testers = [f"总部测试员{i + 1}" for i in range(len(scores))]
        run = services.product_test_start(product=product, start_date=on, testers=testers, actor=head)
        for tester, score in zip(testers, scores, strict=False):
            if score is not None:
                services.tester_score_enter(test=run, tester=tester, score=score, scored_on=run.end_date + DAY,
                                            actor=ops)
        return run

    def summarise(run):
        return services.product_test_summarise(test=run, summary="测试总结：内容与下发时间获好评。", actor=ops,
                                               summary_on=run.end_date + 3 * DAY)

    def list_product(product, scores=(26, 27, 28)):
        walk(product, LaunchStage.REVIEW)
        publish(summarise(test(product, list(scores), start + 10 * DAY)))
        services.launch_step_record(product=product, stage=LaunchStage.LISTING, on=start + 30 * DAY, actor=ops,
                                    document="计费局数据 演示批次")
        product.refresh_from_db()
        return product

    propose(media, "体育快报", category="sports")                                      # stage 0: proposed
    walk(propose(media, "读书早知道", category="literature"), LaunchStage.NEED)            # stage 1
    walk(propose(subsidiary, "掌上生活", category="lifestyle"), LaunchStage.DESIGN)       # stage 2
    walk(propose(subsidiary, "法制周刊", category="legal"), LaunchStage.REVIEW)           # stage 3
    in_test = walk(propose(third_party, "科技前沿", category="science_technology"), LaunchStage.REVIEW)
    test(in_test, [27, 26, None], start + 60 * DAY)                                     # stage 4: being scored
    list_product(propose(media, "新闻早晚报"))                                           # live, in the catalogue
    warned = list_product(propose(third_party, "文学天地", category="literature"))
    services.breach_record(product=warned, breach_class=1, occurred_on=today - 5 * DAY, actor=ops,
                           description="未经许可加入第三方广告", evidence="截图 演示-001", found_by="总部巡检")
    publish(warned.breaches.get())
    publish(ScoreAction.objects.get(product=warned, kind="warning"))                    # warned: 100 - 50 < 60
    exited = list_product(propose(subsidiary, "娱乐前线", category="brand_special"))
    for number, breach_class in enumerate((1, 2), start=1):
        services.breach_record(product=exited, breach_class=breach_class, occurred_on=today - number * DAY,
                               actor=ops, description="内容严重违规", evidence=f"截图 演示-10{number}",
                               found_by="用户投诉")
    for breach in exited.breaches.all():
        publish(breach)
    publish(ScoreAction.objects.get(product=exited, kind="exit"))                       # exited: 100 - 70 < 40
    adjust = walk(propose(media, "教育周刊", category="lifestyle"), LaunchStage.REVIEW)
    publish(summarise(test(adjust, [20, 22, 21], start + 10 * DAY)))                    # adjust: round 2
    rejected = walk(propose(third_party, "游戏动漫报", category="games_animation"), LaunchStage.REVIEW)
    publish(summarise(test(rejected, [12, 15, 16], start + 10 * DAY)))                  # rejected: 3-month lock
    propose(media, "地方晚报", scope="local")                                            # local (R-N-LOCAL)
    services.documents_expiry_check(on=today)
    return {"products": NewspaperProduct.objects.filter(name__startswith=DEMO_PREFIX).count(),
            "partners": 4}
