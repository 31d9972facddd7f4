"""R-N-LAUNCH: six recorded stages, the 7-day test scored 0–30 within 2 days, the summary within 5 days, the
decision by the average (≥25 pass, 18 ≤ s < 25 adjust and restart, < 18 reject with a 3-month lock)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.approval import ApprovalError
from core.months import add_months
from enforcement.choices import RestrictedAction
from enforcement.services import restriction_create
from newspaper import rules, selectors, services
from newspaper.choices import LaunchStage, ProductStatus
from newspaper.models import LaunchStep
from scoring.models import RuleEntry

from .factories import DAY, book, listed, ops, product, publish, qualified_partner, scored_test, walk_to_review

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("scores", "decision"), [
    (["25"], "pass"),
    (["24.99"], "adjust"),
    (["25", "24.98"], "adjust"),       # average 24.99
    (["18"], "adjust"),
    (["17.99"], "reject"),
    (["18", "17.98"], "reject"),       # average 17.99
    (["30", "20"], "pass"),            # average 25
    (["24.99", "25", "25"], "adjust"),  # exact average 24.9966…: shown 24.99, not rounded up to a pass
], ids=["25", "24.99", "avg-24.99", "18", "17.99", "avg-17.99", "avg-25", "avg-24.9966"])
def test_r_n_launch_decision_by_the_average_at_25_and_18(scores, decision):
    facts = [rules.ScoreFacts(tester=f"t{i}", score=Decimal(s), late=False) for i, s in enumerate(scores)]
    result = rules.evaluate_launch_test(scores=facts, book=book())
    assert result.decision == decision
    assert result.average == result.exact_average.quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    assert result.items[-1]["rule"] == "R-N-LAUNCH"


def test_r_n_launch_test_runs_seven_days_scores_due_two_days_after_summary_five():
    dates = rules.launch_test_dates(start=dt.date(2026, 3, 2), book=book())
    assert (dates.end, dates.scores_due_on, dates.summary_due_on) == (
        dt.date(2026, 3, 8), dt.date(2026, 3, 10), dt.date(2026, 3, 13))


@pytest.mark.parametrize(("days_after_end", "late"), [(0, False), (2, False), (3, True)],
                         ids=["last-day", "day-2", "day-3"])
def test_r_n_launch_score_on_day_2_after_the_test_is_on_time_day_3_is_late_and_excluded(days_after_end, late):
    item = walk_to_review(product(qualified_partner()))
    test = scored_test(item, [26, 10], scored_after_end=days_after_end)
    rows = {row.tester: row for row in test.scores.all()}
    assert rows["测试员1"].late is late and rows["测试员1"].counted is (not late)
    assert test.counted_scores == (0 if late else 2)
    assert test.decision == ("" if late else "adjust")


def test_r_n_launch_late_scores_counted_when_the_rule_set_switch_says_so():
    RuleEntry.objects.filter(key="newspaper_test_late_scores_counted").update(value={"value": True})
    item = walk_to_review(product(qualified_partner()))
    test = scored_test(item, [26, 27], scored_after_end=3)
    assert all(row.late and row.counted for row in test.scores.all())
    assert test.average == Decimal("26.50") and test.decision == "pass"
    assert "逾期，按规则集计入" in test.items[0]["detail"]


@pytest.mark.parametrize(("days_after_end", "late"), [(5, False), (6, True)], ids=["day-5", "day-6"])
def test_r_n_launch_summary_due_within_five_days_late_one_flagged(days_after_end, late):
    item = walk_to_review(product(qualified_partner()))
    test = scored_test(item, [26], summary_after_end=days_after_end)
    assert test.summary_late is late
    assert item.launch_steps.get(stage=LaunchStage.TEST).note == ("总结逾期" if late else "")


def test_r_n_launch_scores_only_from_named_testers_within_0_to_30():
    item = walk_to_review(product(qualified_partner()))
    test = services.product_test_start(product=item, start_date=DAY, testers=["甲"], actor=ops())
    with pytest.raises(ValidationError, match="不在总部指定的测试人员名单中"):
        services.tester_score_enter(test=test, tester="乙", score=20, scored_on=test.end_date)
    with pytest.raises(ValidationError, match="0–30"):
        services.tester_score_enter(test=test, tester="甲", score="30.01", scored_on=test.end_date)
    row = services.tester_score_enter(test=test, tester="甲", score=30, scored_on=test.end_date)
    assert row.score == 30 and row.counted


def test_r_n_launch_stages_in_order_with_who_when_and_document():
    item = product(qualified_partner())
    with pytest.raises(ValidationError, match="下一阶段为“需求受理和评估”"):
        services.launch_step_record(product=item, stage=LaunchStage.DESIGN, on=DAY, actor=ops())
    step = services.launch_step_record(product=item, stage=LaunchStage.NEED, on=DAY, actor=ops())
    assert (step.done_by.username, step.done_on, step.document) == ("np_ops", DAY, "新产品需求评估意见（总部数据部）")
    item.refresh_from_db()
    assert item.status == ProductStatus.IN_LAUNCH and item.launch_stage == 1
    services.launch_step_record(product=item, stage=LaunchStage.DESIGN, on=DAY, actor=ops())
    services.launch_step_record(product=item, stage=LaunchStage.REVIEW, on=DAY, actor=ops())
    with pytest.raises(ValidationError, match="由“产品测试”登记"):
        services.launch_step_record(product=item, stage=LaunchStage.TEST, on=DAY, actor=ops())


def test_r_n_launch_design_document_fields_by_editing_mode():
    partner = qualified_partner()
    central = product(partner, name="甲报", sections="", demo="")
    services.launch_step_record(product=central, stage=LaunchStage.NEED, on=DAY)
    with pytest.raises(ValidationError, match="版块设计、demo 产品"):
        services.launch_step_record(product=central, stage=LaunchStage.DESIGN, on=DAY)
    reprint = product(partner, name="乙报", editing_mode="reprint", sections="", demo="")
    services.launch_step_record(product=reprint, stage=LaunchStage.NEED, on=DAY)
    services.launch_step_record(product=reprint, stage=LaunchStage.DESIGN, on=DAY)


def test_r_n_launch_missing_or_expired_licence_blocks_design_and_listing():
    partner = qualified_partner()
    item = product(partner)
    services.launch_step_record(product=item, stage=LaunchStage.NEED, on=DAY)
    late = dt.date(2029, 1, 1)   # the licence ran to 2028-12-31
    with pytest.raises(ValidationError, match="已于 2028-12-31 到期"):
        services.launch_step_record(product=item, stage=LaunchStage.DESIGN, on=late)
    services.launch_step_record(product=item, stage=LaunchStage.DESIGN, on=dt.date(2028, 12, 31))


def test_r_n_launch_walk_from_need_to_catalogue_listing():
    item = listed(qualified_partner())
    assert item.status == ProductStatus.LIVE and item.in_catalogue and item.listed_on == DAY + dt.timedelta(days=20)
    steps = list(item.launch_steps.order_by("stage").values_list("stage", flat=True))
    assert steps == [1, 2, 3, 4, 5, 6]
    assert item in selectors.catalogue_products()


def test_r_n_launch_adjust_restarts_the_launch_flow_in_a_new_round():
    item = walk_to_review(product(qualified_partner()))
    test = publish(scored_test(item, [20, 22]))
    item.refresh_from_db()
    assert test.decision == "adjust"
    assert (item.status, item.launch_round, item.launch_stage) == (ProductStatus.IN_LAUNCH, 2, 0)
    assert LaunchStep.objects.filter(product=item, launch_round=1).count() == 5
    walk_to_review(item)
    assert publish(scored_test(item, [29])).decision == "pass"


def test_r_n_launch_reject_locks_reapplication_for_three_months():
    partner = qualified_partner()
    item = walk_to_review(product(partner))
    publish(scored_test(item, [10, 12]))
    item.refresh_from_db()
    rejected_on = item.rejected_on
    assert item.status == ProductStatus.REJECTED
    assert item.reapply_from == add_months(rejected_on, 3)
    day_before = item.reapply_from - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match=f"{item.reapply_from:%Y-%m-%d} 起方可重新申请"):
        product(partner, on=day_before)
    again = product(partner, on=item.reapply_from)
    assert again.pk != item.pk and again.status == ProductStatus.PROPOSED


@pytest.mark.parametrize(("on", "allowed"), [(dt.date(2026, 6, 1), False), (dt.date(2026, 6, 2), True)],
                         ids=["3-months-minus-a-day", "3-months"])
def test_r_n_launch_reapply_from_three_months_after_return(on, allowed):
    assert rules.reapply_possible_from(rejected_on=dt.date(2026, 3, 2), book=book()) == dt.date(2026, 6, 2)
    partner = qualified_partner()
    item = product(partner)
    type(item).objects.filter(pk=item.pk).update(status=ProductStatus.REJECTED, rejected_on=dt.date(2026, 3, 2),
                                                 reapply_from=dt.date(2026, 6, 2))
    assert (selectors.reapply_lock(partner=partner, name=item.name, on=on) is None) is allowed


def test_r_n_launch_test_approval_needs_summary_and_a_counted_score():
    item = walk_to_review(product(qualified_partner()))
    test = services.product_test_start(product=item, start_date=DAY, testers=["甲"], actor=ops())
    from core.approval import approval_submit
    with pytest.raises(ApprovalError, match="尚未提交测试总结"):
        approval_submit(obj=test, actor=ops())


def test_r_n_launch_restriction_on_new_products_refuses_the_application():
    partner = qualified_partner()
    restriction_create(partner=partner, action=RestrictedAction.NEW_PRODUCTS, starts_on=dt.date(2026, 1, 1),
                       ends_on=None, rule_id="R-D-WARN", source=partner, source_key="t")
    with pytest.raises(ValidationError, match="不得新增产品.*R-D-WARN"):
        product(partner)


def test_r_n_local_papers_are_recorded_but_not_put_through_the_national_launch():
    item = product(qualified_partner(), scope="local")
    assert item.status == ProductStatus.PROPOSED
    with pytest.raises(ValidationError, match="地方手机报.*R-N-LOCAL"):
        services.launch_step_record(product=item, stage=LaunchStage.NEED, on=DAY)
    assert item not in selectors.catalogue_products()


def test_r_n_product_twelve_categories_and_two_editing_modes():
    from newspaper.choices import ContentCategory, EditingMode

    assert list(ContentCategory.values) == book().items("newspaper_categories")
    assert list(EditingMode.values) == book().items("newspaper_editing_modes")


def test_r_n_launch_listing_refused_once_the_licence_expired():
    partner = qualified_partner()
    item = walk_to_review(product(partner))
    publish(scored_test(item, [26]))
    with pytest.raises(ValidationError, match="资质不符.*已于 2028-12-31 到期"):
        services.launch_step_record(product=item, stage=LaunchStage.LISTING, on=dt.date(2029, 1, 1))
    item.refresh_from_db()
    assert item.launch_stage == LaunchStage.APPROVAL and not item.in_catalogue


@pytest.mark.parametrize(("field", "value"), [("editing_mode", "syndicated"), ("category", "horoscope")])
def test_r_n_product_editing_mode_and_category_come_from_the_rule_set(field, value):
    """R-N-PRODUCT: editing modes (newspaper_editing_modes) and the twelve categories (newspaper_categories)."""
    with pytest.raises(ValidationError) as error:
        product(qualified_partner(), **{field: value})
    assert "R-N-PRODUCT" in error.value.message_dict[field][0]


def test_r_n_launch_test_score_method_is_the_average_only():
    changed = book()
    params = dict(changed.params)
    params["newspaper_test_score_method"] = dataclasses.replace(params["newspaper_test_score_method"],
                                                               value={"value": "median"})
    with pytest.raises(ValueError, match="newspaper_test_score_method"):
        rules.evaluate_launch_test(scores=[], book=dataclasses.replace(changed, params=params))
