"""R-N-VIOLATION and R-N-SCORE: breaches of class 1–5 approved through the workflow deduct from the yearly
operating score (50 + last year-end / 2, first year 100 — assumed defaults); below 60 a warning and below 40 an
exit are proposed for approval; an exited product leaves the catalogue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.approval import approval_approve, approval_submit
from newspaper import rules, selectors, services
from newspaper.choices import ProductStatus, ScoreActionKind
from newspaper.models import OperatingScore, ScoreAction

from .factories import DAY, book, head, listed, ops, product, publish, qualified_partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("breach_class", "points"), [(1, 50), (2, 20), (3, 10), (4, 5), (5, 2)])
def test_r_n_violation_each_class_deducts_its_points(breach_class, points):
    assert rules.breach_deduction(breach_class=breach_class, book=book()) == points


@pytest.mark.parametrize(("previous", "initial"),
                         [(None, 100), (Decimal("80"), 90), (Decimal("59.5"), Decimal("79.75"))],
                         ids=["first-year", "80", "59.5"])
def test_r_n_score_initial_is_50_plus_half_the_last_year_end_first_year_100(previous, initial):
    result = rules.evaluate_operating_score(previous_year_end=previous, breaches=[], book=book())
    assert result.initial == initial and result.score == initial
    assert result.items[0]["rule"] == "R-N-SCORE"


def test_r_n_score_never_below_the_floor():
    breaches = [rules.BreachFacts(id=i, breach_class=1, occurred_on=DAY) for i in range(3)]
    result = rules.evaluate_operating_score(previous_year_end=None, breaches=breaches, book=book())
    assert (result.deductions, result.score) == (150, 0)


@pytest.mark.parametrize(("score", "action"), [
    ("60", None), ("59.99", "warning"), ("40", "warning"), ("39.99", "exit"),
])
def test_r_n_score_thresholds_warn_below_60_exit_below_40(score, action):
    kind, threshold = rules.score_action_for(score=Decimal(score), book=book())
    assert kind == action
    if action:
        assert threshold == (60 if action == "warning" else 40)


def _breach(item, breach_class, on=None):
    return services.breach_record(product=item, breach_class=breach_class, occurred_on=on or dt.date(2026, 5, 4),
                                  description="产品名称错别字", evidence="截图 2026-05-04", found_by="拨测",
                                  actor=ops())


def test_r_n_violation_breach_counts_only_once_approved_by_the_department_head():
    item = listed(qualified_partner())
    breach = _breach(item, 3)
    assert not OperatingScore.objects.exists()
    approval_submit(obj=breach, actor=ops())
    with pytest.raises(PermissionDenied):
        approval_approve(obj=breach, actor=ops())
    approval_approve(obj=breach, actor=head())
    score = OperatingScore.objects.get(product=item, year=2026)
    assert (score.initial, score.deductions, score.score) == (100, 10, 90)
    assert score.rule_set.version == 1
    assert [i["rule"] for i in score.items] == ["R-N-SCORE", "R-N-SCORE"]
    assert "3类违约" in score.items[1]["detail"] and score.items[1]["points"] == -10


def test_r_n_violation_refused_before_listing():
    item = product(qualified_partner())
    with pytest.raises(ValidationError, match="尚未上线"):
        _breach(item, 5)


def test_r_n_score_warning_then_exit_through_approval_and_exit_leaves_the_catalogue():
    item = listed(qualified_partner())
    publish(_breach(item, 1))                       # 100 - 50 = 50 < 60
    warning = ScoreAction.objects.get(product=item, kind=ScoreActionKind.WARNING)
    assert warning.score == 50 and warning.threshold == 60 and warning.status == "draft"
    item.refresh_from_db()
    assert item.status == ProductStatus.LIVE        # nothing happens before approval
    publish(warning)
    item.refresh_from_db()
    assert item.status == ProductStatus.WARNED and item.in_catalogue

    publish(_breach(item, 4, on=dt.date(2026, 6, 1)))  # 45: still a warning, proposed once only
    assert ScoreAction.objects.filter(product=item).count() == 1
    publish(_breach(item, 4, on=dt.date(2026, 6, 2)))  # 40: not below 40
    assert ScoreAction.objects.filter(product=item).count() == 1
    publish(_breach(item, 5, on=dt.date(2026, 6, 3)))  # 38 < 40
    exit_action = ScoreAction.objects.get(product=item, kind=ScoreActionKind.EXIT)
    publish(exit_action)
    item.refresh_from_db()
    assert item.status == ProductStatus.EXITED and item.exited_on and not item.in_catalogue
    assert item not in selectors.catalogue_products()


def test_r_n_score_next_year_starts_from_the_last_year_end():
    item = listed(qualified_partner())
    publish(_breach(item, 2))                       # 2026: 80
    publish(_breach(item, 5, on=dt.date(2027, 2, 1)))
    score_2027 = OperatingScore.objects.get(product=item, year=2027)
    assert (score_2027.initial, score_2027.score) == (90, 88)
    assert "上年末运营分 80" in score_2027.items[0]["detail"]


def test_r_n_score_yearly_run_is_idempotent():
    item = listed(qualified_partner())
    assert services.operating_scores_run(year=2026) == {"products": 1}
    assert services.operating_scores_run(year=2026) == {"products": 1}
    assert OperatingScore.objects.get(product=item, year=2026).score == 100


@pytest.mark.parametrize("breach_class", [0, 6])
def test_r_n_violation_breach_class_must_be_one_of_the_rule_sets_classes(breach_class):
    """The five classes are rule-set data (newspaper_breach_classes), not a range in code."""
    item = listed(qualified_partner())
    with pytest.raises(ValidationError) as error:
        _breach(item, breach_class)
    assert "newspaper_breach_classes" in error.value.message_dict["breach_class"][0]


def test_r_n_score_yearly_job_from_the_command_and_the_task_is_recorded_and_idempotent():
    from django.core.management import CommandError, call_command

    from core.models import JobRun
    from newspaper.tasks import operating_scores_task

    item = listed(qualified_partner())
    call_command("run_newspaper_scores", "--year", "2026", verbosity=0)
    assert operating_scores_task.delay(year="2026").get() == {"products": 1}
    assert OperatingScore.objects.get(product=item, year=2026).score == 100
    assert JobRun.objects.filter(job="run_newspaper_scores", key="2026", status="succeeded").count() == 2
    with pytest.raises(CommandError, match="不是年份"):
        call_command("run_newspaper_scores", "--year", "26", verbosity=0)
