"""The write-inclusive floor of the scoring month end: the rows the jobs write, each table by one ``INSERT … SELECT``.

Used by ``bench/scoring_month_end.py``. On empty result tables (the benchmark truncates them before each run) it
writes, for one month under one rule set:

1. the daily notifications of every day (R-D-NOTIFY), breakdown included;
2. the monthly warnings (R-D-WARN): running totals, level, the day each level was first reached, breakdown;
3. the penalty proposals the day-by-day runs leave: one per day a new highest level was reached, each superseded
   by the next (ids drawn from the sequence so the links are set by the same statement);
4. their audit rows (``propose`` for each, ``supersede`` for each superseded one);
5. the monthly assessments (R-M-*): scores from the rule set's brackets passed as arrays, breakdown lines built
   with ``format`` from the same detail texts as ``scoring.rules``;
6. the upgraded-complaint inclusions (R-M-UPGRADE-ONCE).

It is a floor, not a second implementation: it assumes empty result tables (plain ``INSERT``, no conflict
handling, no refusal checks, no job records), one rule set over the month and no upgrade carried over from an
earlier approved month. ``snapshot`` reads the rows back without ids and timestamps, so the script can check the
jobs' rows are the same, row for row.
"""

from __future__ import annotations

import datetime as dt
import json


def _points_sql(expr: str) -> str:
    """``core.rulebook.points_value`` in SQL: a JSON integer when whole, else the 2-place value as a float."""
    return (f"(CASE WHEN round({expr}, 2) = trunc({expr}) THEN to_jsonb(trunc({expr})::bigint)"
            f" ELSE to_jsonb(round({expr}, 2)::float8) END)")


def _fmt_points_sql(expr: str) -> str:
    return (f"(CASE WHEN round({expr}, 2) = trunc({expr}) THEN trunc({expr})::bigint::text"
            f" ELSE round({expr}, 2)::float8::text END)")


def _fmt_number_sql(expr: str, places: int = 2) -> str:
    pattern = "FM999,999,999,999,999,990" + ("." + "0" * places if places else "")
    return f"to_char(round({expr}, {places}), '{pattern}')"


def _lit(value) -> str:
    """A rule-set number, flag or date as an SQL literal (the reference inlines the rule set's values)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'::date"
    return f"{value}::numeric"


def _bracket_sql(expr: str, brackets) -> str:
    """``Brackets.lookup`` as a CASE over the thresholds (closed left: ≥ threshold is the higher bracket)."""
    op = ">=" if brackets.closed == "left" else ">"
    parts = [f"WHEN {expr} {op} {_lit(threshold)} THEN {_lit(points)}"
             for threshold, points in reversed(list(zip(brackets.thresholds, brackets.points[1:], strict=True)))]
    return f"(CASE {' '.join(parts)} ELSE {_lit(brackets.points[0])} END)"


def params_for(month: dt.date) -> dict:
    from core.months import month_end
    from core.rulebook import fmt_points
    from scoring.rules import daily_notification_detail, fmt_duration, warning_measures
    from scoring.selectors import rule_book_in_force

    rule_set, book = rule_book_in_force(on=month)
    last = month_end(month)
    assert rule_book_in_force(on=last)[0].pk == rule_set.pk, "the reference assumes one rule set over the month"
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    levels = []
    for row in book.rows("warning_levels"):
        level = int(row["level"])
        measures, payout = warning_measures(level=level, book=book)
        text = "；".join(f"暂停{_action_label(m['action'])} {fmt_duration(m['duration'])}" for m in measures)
        levels.append({
            "level": level, "min": int(row["min_notifications"]), "payout_text": str(row["payout_percent"]),
            "payout": payout, "measures": json.dumps(measures),
            # the proposal's detail, %1$s = day reached, %2$s = running total
            "proposal_detail": (f"{month:%Y-%m} 累计通报于 %1$s 达到 %2$s 次 → {level} 级预警；建议：{text}；"
                                f"结算比例 {fmt_points(payout)}%%（由结算单执行，R-S-WARN）"),
        })
    notify_detail = daily_notification_detail(complaint_count="%1$s", threshold=threshold, step=step,
                                              notifications="%2$s").replace("%", "%%").replace("%%1$s", "%1$s")
    notify_detail = notify_detail.replace("%%2$s", "%2$s")
    return {"rule_set": rule_set, "book": book, "first": month, "last": last, "threshold": threshold,
            "step": step, "levels": levels, "notify_detail": notify_detail}


def _action_label(action: str) -> str:
    from enforcement.choices import RestrictedAction

    return str(RestrictedAction(action).label)


def run_reference(connection, month: dt.date) -> dict[str, float]:
    """Write every result row of the month, one INSERT … SELECT per table, in one transaction; seconds per step."""
    import time

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from partners.choices import CooperationType
    from scoring.models import PenaltyProposal

    p = params_for(month)
    book, rule_set = p["book"], p["rule_set"]
    now = timezone.now()
    common = {"first": p["first"], "last": p["last"], "month": month, "rule_set": rule_set.pk, "now": now}
    levels = p["levels"]
    lv_values = ", ".join(["(%s, %s, %s, %s, %s::numeric, %s::jsonb, %s)"] * len(levels))
    lv_params = [v for row in levels for v in (row["level"], row["min"], row["payout_text"],
                                               row["proposal_detail"], row["payout"], row["measures"],
                                               book.rule_id("warning_levels"))]
    lv_cte = f"lv (level, min_n, payout_text, proposal_detail, payout, measures, rule) AS (VALUES {lv_values})"
    labels = ", ".join(["(%s, %s)"] * len(CooperationType.values))
    label_params = [v for value in CooperationType.values for v in (value, str(CooperationType(value).label))]
    steps: dict[str, float] = {}

    def timed(name, sql, params):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        steps[name] = time.perf_counter() - started

    with transaction.atomic():
        with connection.cursor() as cursor:
            # a floor: no JIT compilation (LLVM) of these wide expressions, which at 10 M tickets costs more than
            # it saves
            cursor.execute("SET LOCAL jit = off")
        timed("notifications", """
            INSERT INTO scoring_dailynotification
                (partner_id, cooperation_type, date, complaint_count, notifications, rule_set_id, items, computed_at)
            SELECT partner_id, cooperation_type, received_on, tickets, n, %(rule_set)s,
                   jsonb_build_array(jsonb_build_object('rule', %(rule)s::text, 'points', n,
                                                        'detail', format(%(detail)s::text, tickets, n))),
                   %(now)s
            FROM (SELECT partner_id, cooperation_type, received_on, count(*) AS tickets,
                         1 + (count(*) - %(threshold)s) / %(step)s AS n
                  FROM partners_complaintticket
                  WHERE received_on BETWEEN %(first)s AND %(last)s AND category = 'unknowing_subscription'
                  GROUP BY partner_id, cooperation_type, received_on
                  HAVING count(*) >= %(threshold)s) counted
        """, {**common, "threshold": p["threshold"], "step": p["step"], "detail": p["notify_detail"],
              "rule": book.rule_id("notify_threshold")})

        first_min = levels[0]["min"] if levels else "—"
        reached_cte = f"""
            running AS (
                SELECT partner_id, cooperation_type, date,
                       sum(notifications) OVER (PARTITION BY partner_id, cooperation_type ORDER BY date) AS cum
                FROM scoring_dailynotification WHERE date BETWEEN %s AND %s
            ), {lv_cte}, reached AS (
                SELECT r.partner_id, r.cooperation_type, lv.level, min(r.date) AS day, min(r.cum) AS cum
                FROM running r JOIN lv ON r.cum >= lv.min_n
                GROUP BY r.partner_id, r.cooperation_type, lv.level
            )"""
        timed("warnings", f"""
            WITH {reached_cte}, totals AS (
                SELECT partner_id, cooperation_type, max(cum) AS total FROM running GROUP BY 1, 2
            ), leveled AS (
                SELECT t.*, top.level, top.min_n, top.payout_text
                FROM totals t LEFT JOIN LATERAL (
                    SELECT * FROM lv WHERE lv.min_n <= t.total ORDER BY lv.min_n DESC LIMIT 1) top ON true
            ), days AS (
                SELECT l.partner_id, l.cooperation_type,
                       jsonb_object_agg(r.level::text, to_char(r.day, 'YYYY-MM-DD')) AS reached_on,
                       string_agg(r.level || '级 ' || to_char(r.day, 'YYYY-MM-DD'), '，' ORDER BY r.level) AS text
                FROM leveled l JOIN reached r USING (partner_id, cooperation_type)
                WHERE r.level <= l.level GROUP BY 1, 2
            )
            INSERT INTO scoring_monthlywarning
                (partner_id, cooperation_type, month, notification_count, level, level_reached_on, rule_set_id,
                 items, computed_at)
            SELECT l.partner_id, l.cooperation_type, %s, l.total, coalesce(l.level, 0),
                   coalesce(d.reached_on, '{{}}'::jsonb), %s,
                   jsonb_build_array(jsonb_build_object('rule', %s::text, 'points', coalesce(l.level, 0),
                       'detail', CASE WHEN l.level IS NULL
                           THEN format('当月累计通报 %%s 次（未达 %%s 次）→ 无预警', l.total, %s::text)
                           ELSE format('当月累计通报 %%s 次（≥%%s 次）→ %%s 级预警；首次达到：%%s；结算比例 %%s%%%%',
                                       l.total, l.min_n, l.level, d.text, l.payout_text) END)),
                   %s
            FROM leveled l LEFT JOIN days d USING (partner_id, cooperation_type)
        """, [p["first"], p["last"], *lv_params, month, rule_set.pk, book.rule_id("warning_levels"),
              str(first_min), now])

        content_type = ContentType.objects.get_for_model(PenaltyProposal, for_concrete_model=False).pk
        timed("proposals_and_audit", f"""
            WITH {reached_cte}, tops AS (
                SELECT partner_id, cooperation_type, day, max(level) AS level, max(cum) AS cum
                FROM reached GROUP BY 1, 2, 3
            ), chain AS MATERIALIZED (
                SELECT t.*, nextval(pg_get_serial_sequence('scoring_penaltyproposal', 'id')) AS id FROM tops t
            ), linked AS (
                SELECT chain.*, lead(id) OVER (PARTITION BY partner_id, cooperation_type ORDER BY day) AS next_id
                FROM chain
            ), labels (value, label) AS (VALUES {labels}), inserted AS (
                INSERT INTO scoring_penaltyproposal
                    (id, status, partner_id, cooperation_type, month, level, reached_on, notification_count,
                     measures, payout_percent, rule_set_id, items, superseded_by_id, superseded_at, created_at,
                     updated_at)
                SELECT l.id, 'draft', l.partner_id, l.cooperation_type, %s, l.level, l.day, l.cum, lv.measures,
                       lv.payout, %s,
                       jsonb_build_array(jsonb_build_object('rule', lv.rule, 'points', l.level, 'detail',
                           format(lv.proposal_detail, to_char(l.day, 'YYYY-MM-DD'), l.cum))),
                       l.next_id, CASE WHEN l.next_id IS NOT NULL THEN %s::timestamptz END, %s, %s
                FROM linked l JOIN lv USING (level)
                RETURNING 1
            )
            INSERT INTO core_auditevent (content_type_id, object_id, object_repr, action, actor_id, reason, rule_id,
                                         from_status, to_status, data, at)
            SELECT %s, l.id::text,
                   left(pp.code || ' ' || pp.name || ' · ' || labels.label || ' · ' || %s || ' · 预警' || l.level
                        || '级处罚建议', 300),
                   e.action, NULL, e.reason, %s, '', e.to_status, e.data, %s
            FROM linked l JOIN partners_partner pp ON pp.id = l.partner_id
            JOIN labels ON labels.value = l.cooperation_type
            CROSS JOIN LATERAL (
                SELECT 'propose' AS action, '' AS reason, 'draft' AS to_status,
                       jsonb_build_object('level', l.level, 'reached_on', to_char(l.day, 'YYYY-MM-DD')) AS data
                UNION ALL
                SELECT 'supersede', '达到更高预警级别，由更高级别的处罚建议取代', '',
                       jsonb_build_object('superseded_by', l.next_id)
                WHERE l.next_id IS NOT NULL
            ) e
            WHERE (SELECT count(*) FROM inserted) >= 0
        """, [p["first"], p["last"], *lv_params, *label_params, month, rule_set.pk, now, now, now, content_type,
              f"{month:%Y-%m}", book.rule_id("warning_levels"), now])

        sql, params = _assessment_sql(book=book, rule_set=rule_set, month=month, last=p["last"], now=now)
        timed("assessments", sql, params)
        timed("inclusions", """
            INSERT INTO scoring_upgradedcomplaintinclusion (ticket_id, assessment_id, month)
            SELECT t.id, a.id, %(month)s
            FROM partners_complaintticket t
            JOIN scoring_monthlyassessment a ON a.partner_id = t.partner_id
                 AND a.cooperation_type = t.cooperation_type AND a.month = %(month)s
            WHERE t.upgraded_on BETWEEN %(up_first)s AND %(up_last)s
        """, {"month": month, **_upgrade_window(book, month, p["last"])})
    return steps


def _upgrade_window(book, month: dt.date, last: dt.date) -> dict:
    grace = dt.timedelta(days=book.integer("upgrade_grace_days"))
    return {"up_first": month + grace, "up_last": last + grace}


def _assessment_sql(*, book, rule_set, month: dt.date, last: dt.date, now) -> tuple[str, list]:
    """R-M-* for every assessed partner-type of the month in one INSERT … SELECT (texts of ``scoring.rules``)."""
    rid = book.rule_id
    param = _lit
    revenue_points = _bracket_sql("i.revenue", book.brackets("revenue_score_brackets"))
    health_points = _bracket_sql("h.ratio", book.brackets("health_ratio_brackets"))
    users_points = _bracket_sql("b.active_users", book.brackets("bonus_active_users_brackets"))
    cash_points = _bracket_sql("b.cash", book.brackets("bonus_cash_brackets"))
    each_failure = book.flag("deduction_each_failure_counts")
    ads_flag = book.flag("ads_count_as_cash")
    window = _upgrade_window(book, month, last)
    m, e = param(month), param(last)
    # inputs, aggregated like scoring.selectors.assessment_inputs_for_month
    inputs = f"""
        tickets AS (
            SELECT partner_id, cooperation_type,
                   count(*) FILTER (WHERE category = 'unknowing_subscription') AS unknowing,
                   count(*) FILTER (WHERE handled_late) + count(*) FILTER (WHERE quality_failed)
                   - {'0' if each_failure else 'count(*) FILTER (WHERE handled_late AND quality_failed)'}
                       AS late_or_quality
            FROM partners_complaintticket WHERE received_on BETWEEN {m} AND {e}
            GROUP BY 1, 2
        ), upgraded AS (
            SELECT partner_id, cooperation_type, count(*) AS upgraded,
                   (array_agg(ticket_id ORDER BY ticket_id))[1:10] AS shown
            FROM partners_complaintticket WHERE upgraded_on BETWEEN {param(window['up_first'])}
                 AND {param(window['up_last'])}
            GROUP BY 1, 2
        ), contracts AS (
            SELECT partner_id, cooperation_type,
                   max(start_date) FILTER (WHERE incubation) AS incubation_start
            FROM partners_contract
            WHERE start_date <= {e} AND (end_date IS NULL OR end_date >= {m})
            GROUP BY 1, 2
        ), revenue AS (
            SELECT partner_id, cooperation_type, phone_bill + third_party + cash AS revenue
            FROM partners_monthlyrevenue WHERE month = {m}
        ), keys AS (
            SELECT partner_id, cooperation_type FROM tickets UNION SELECT partner_id, cooperation_type FROM revenue
            UNION SELECT partner_id, cooperation_type FROM upgraded
            UNION SELECT partner_id, cooperation_type FROM contracts
        ), i AS (
            SELECT k.partner_id, k.cooperation_type, round(coalesce(r.revenue, 0), 2) AS revenue,
                   coalesce(t.unknowing, 0) AS unknowing, coalesce(t.late_or_quality, 0) AS late_or_quality,
                   coalesce(u.upgraded, 0) AS upgraded, u.shown, ct.incubation_start,
                   coalesce(c.marketing_resources, false) AS marketing,
                   coalesce(c.marketing_includes_client_promotion, false) AS includes_promotion,
                   coalesce(c.cash_contribution, 0) AS cash_contribution, coalesce(c.ad_sales, 0) AS ad_sales,
                   coalesce(c.active_users, 0) AS active_users,
                   CASE WHEN ct.incubation_start IS NULL THEN NULL ELSE
                       ({month.year} - extract(year FROM ct.incubation_start)) * 12
                       + {month.month} - extract(month FROM ct.incubation_start) + 1
                   END::int AS incubation_index
            FROM keys k
            LEFT JOIN tickets t USING (partner_id, cooperation_type)
            LEFT JOIN upgraded u USING (partner_id, cooperation_type)
            LEFT JOIN revenue r USING (partner_id, cooperation_type)
            LEFT JOIN contracts ct USING (partner_id, cooperation_type)
            LEFT JOIN partners_monthlycontribution c ON c.partner_id = k.partner_id
                 AND c.cooperation_type = k.cooperation_type AND c.month = {m}
        )"""
    incubation_months, revenue_max = book.integer("incubation_months"), book.number("revenue_score_max")
    unit, floor = book.number("health_ratio_revenue_unit"), book.number("health_revenue_floor")
    lit = _lit
    scores = f"""
        , rv AS (
            SELECT i.*, (i.incubation_index BETWEEN 1 AND {param(incubation_months)}) IS TRUE AS incubation,
                   CASE WHEN (i.incubation_index BETWEEN 1 AND {param(incubation_months)}) IS TRUE
                        THEN {param(revenue_max)} ELSE {revenue_points} END AS revenue_score
            FROM i
        ), h AS (
            SELECT rv.*, rv.unknowing * {param(unit)} / greatest(rv.revenue, {param(floor)}) AS ratio,
                   greatest(rv.revenue, {param(floor)}) AS base
            FROM rv
        ), hs AS (SELECT h.*, {health_points} AS health_score FROM h
        ), b AS (
            SELECT hs.*, ({lit(ads_flag)} AND hs.cooperation_type = 'sales_channel' AND hs.ad_sales > 0)
                       AS ads_counted,
                   CASE WHEN hs.marketing THEN {lit(book.number("bonus_marketing_points"))} ELSE 0 END
                       AS marketing_points,
                   hs.cash_contribution + CASE WHEN ({lit(ads_flag)} AND hs.cooperation_type = 'sales_channel'
                                                     AND hs.ad_sales > 0) THEN hs.ad_sales ELSE 0 END AS cash
            FROM hs
        ), b2 AS (
            SELECT b.*, {cash_points} AS cash_points, {users_points} AS users_points FROM b
        ), b3 AS (
            SELECT b2.*, CASE WHEN {lit(book.flag("bonus_no_double_count"))} AND b2.marketing
                                   AND b2.includes_promotion AND b2.marketing_points > 0
                                   AND b2.users_points > 0
                              THEN least(b2.marketing_points, b2.users_points) ELSE 0 END AS dropped
            FROM b2
        ), b4 AS (
            SELECT b3.*, b3.marketing_points + b3.cash_points + b3.users_points - b3.dropped AS bonus_raw FROM b3
        ), s AS (
            SELECT b4.*, least(b4.bonus_raw, {lit(book.number("bonus_cap"))}) AS bonus_score,
                   {lit(book.number("deduction_per_late_or_quality_ticket"))} * b4.late_or_quality AS late_points,
                   {lit(book.number("deduction_per_upgraded_complaint"))} * b4.upgraded AS upgraded_points
            FROM b4
        ), t AS (
            SELECT s.*, s.late_points + s.upgraded_points AS deduction_score,
                   s.revenue_score + s.health_score + s.bonus_score - s.late_points - s.upgraded_points AS raw
            FROM s
        ), f AS (SELECT t.*, greatest({lit(book.number("total_min"))}, least({lit(book.number("total_max"))}, t.raw))
                 AS total FROM t)"""

    def wan_text(expr):
        return _fmt_number_sql(f"({expr}) / 10000")

    pt = _fmt_points_sql
    marketing_points = book.number("bonus_marketing_points")
    per_ticket = book.number("deduction_per_late_or_quality_ticket")
    per_upgrade = book.number("deduction_per_upgraded_complaint")
    low, high = book.number("total_min"), book.number("total_max")
    from core.rulebook import fmt_number, fmt_points

    floor_text = fmt_number(floor, 0)
    items = f"""
        jsonb_build_array(
            CASE WHEN f.incubation THEN jsonb_build_object('rule', '{rid("incubation_months")}',
                     'points', {_points_sql("f.revenue_score")}, 'detail',
                     '培育期第 ' || f.incubation_index || '/{incubation_months} 个月（合同 '
                     || to_char(f.incubation_start, 'YYYY-MM') || ' 起，含当月）→ 收入规模计满分 '
                     || {pt("f.revenue_score")} || '（收入 ' || {wan_text("f.revenue")} || ' 万元）')
                 ELSE jsonb_build_object('rule', '{rid("revenue_score_brackets")}',
                     'points', {_points_sql("f.revenue_score")}, 'detail',
                     '信息费收入 ' || {wan_text("f.revenue")} || ' 万元（' || {_fmt_number_sql("f.revenue")}
                     || ' 元）→ ' || {pt("f.revenue_score")}
                     || CASE WHEN f.incubation_index > {incubation_months}
                             THEN '（培育期已过：第 ' || f.incubation_index || ' 个月）' ELSE '' END) END,
            jsonb_build_object('rule', '{rid("health_ratio_brackets")}', 'points', {_points_sql("f.health_score")},
                'detail', '质万比 ' || {_fmt_number_sql("f.ratio")} || ' (' || f.unknowing || ' 件 × '
                || '{fmt_points(unit)}' || ' / '
                || CASE WHEN f.base = trunc(f.base) THEN {_fmt_number_sql("f.base", 0)}
                        ELSE {_fmt_number_sql("f.base")} END || ' 元) → ' || {pt("f.health_score")}
                || CASE WHEN f.revenue < {floor} THEN '（收入 ' || {_fmt_number_sql("f.revenue")}
                        || ' 元低于 {floor_text} 元，按 {floor_text} 元计）' ELSE '' END),
            jsonb_build_object('rule', '{rid("bonus_cap")}', 'points', {_points_sql("f.marketing_points")},
                'detail', CASE WHEN f.marketing THEN '提供咪咕重点营销资源 → {fmt_points(marketing_points)}'
                               ELSE '未提供重点营销资源 → 0' END),
            jsonb_build_object('rule', '{rid("bonus_cap")}', 'points', {_points_sql("f.cash_points")},
                'detail', '带来现金收入 ' || {wan_text("f.cash")} || ' 万元'
                || CASE WHEN f.ads_counted THEN '（含销售渠道广告销售额 ' || {wan_text("f.ad_sales")}
                            || ' 万元，{rid("ads_count_as_cash")}）'
                        WHEN f.ad_sales > 0
                        THEN '（广告销售额 ' || {wan_text("f.ad_sales")} || ' 万元非销售渠道，不计入）'
                        ELSE '' END || ' → ' || {pt("f.cash_points")}),
            jsonb_build_object('rule', '{rid("bonus_cap")}', 'points', {_points_sql("f.users_points")},
                'detail', '带来客户端活跃用户 ' || {_fmt_number_sql("f.active_users / 10000.0")} || ' 万 → '
                || {pt("f.users_points")})
        )
        || CASE WHEN f.dropped > 0 THEN jsonb_build_array(jsonb_build_object('rule', '{rid("bonus_no_double_count")}',
               'points', {_points_sql("-f.dropped")}, 'detail', '营销资源含客户端推广资源：营销资源（'
               || {pt("f.marketing_points")} || '）与活跃用户（' || {pt("f.users_points")} || '）只计较高一项，不计 '
               || {pt("f.dropped")})) ELSE '[]'::jsonb END
        || CASE WHEN f.bonus_raw > {book.number("bonus_cap")} THEN jsonb_build_array(jsonb_build_object(
               'rule', '{rid("bonus_cap")}', 'points', {_points_sql(f"({book.number('bonus_cap')} - f.bonus_raw)")},
               'detail', '综合贡献加分合计 ' || {pt("f.bonus_raw")}
               || ' 超过上限 {fmt_points(book.number("bonus_cap"))} → '
               || '{fmt_points(book.number("bonus_cap"))}')) ELSE '[]'::jsonb END
        || jsonb_build_array(
            jsonb_build_object('rule', '{rid("deduction_per_late_or_quality_ticket")}',
                'points', {_points_sql("-f.late_points")},
                'detail', '工单处理延时或处理品质不达标 ' || f.late_or_quality || ' 次 × {fmt_points(per_ticket)} → '
                || {pt("-f.late_points")}),
            jsonb_build_object('rule', '{rid("deduction_per_upgraded_complaint")}',
                'points', {_points_sql("-f.upgraded_points")},
                'detail', '升级投诉 ' || f.upgraded || ' 件 × {fmt_points(per_upgrade)} → '
                || {pt("-f.upgraded_points")}
                || CASE WHEN f.upgraded > 0 THEN '（工单 ' || array_to_string(f.shown, '、')
                        || CASE WHEN f.upgraded > 10 THEN ' 等 ' || f.upgraded || ' 件' ELSE '' END
                        || '；每件只计入一次月度考核，R-M-UPGRADE-ONCE）' ELSE '' END))
        || CASE WHEN f.total <> f.raw THEN jsonb_build_array(jsonb_build_object('rule', '{rid("total_max")}',
               'points', {_points_sql("(f.total - f.raw)")}, 'detail', '合计 ' || {pt("f.raw")}
               || CASE WHEN f.raw < {low} THEN ' 低于下限' ELSE ' 超过上限' END || '，取 ' || {pt("f.total")}
               || '（总分限定 {fmt_points(low)}–{fmt_points(high)}）')) ELSE '[]'::jsonb END"""
    sql = f"""
        WITH {inputs}{scores}
        INSERT INTO scoring_monthlyassessment
            (status, partner_id, cooperation_type, month, revenue, complaint_count, health_ratio, incubation,
             revenue_score, health_score, bonus_score, deduction_score, late_or_quality_count, upgraded_count,
             total, rule_set_id, items, computed_at)
        SELECT 'draft', f.partner_id, f.cooperation_type, %s, f.revenue, f.unknowing, round(f.ratio, 4),
               f.incubation, round(f.revenue_score, 2), round(f.health_score, 2), round(f.bonus_score, 2),
               round(f.deduction_score, 2), f.late_or_quality, f.upgraded, round(f.total, 2), %s, {items}, %s
        FROM f
    """
    return sql, [month, rule_set.pk, now]


TABLES = {
    "scoring_dailynotification": ("partner_id, cooperation_type, date, complaint_count, notifications, rule_set_id, "
                                  "items::text"),
    "scoring_monthlywarning": ("partner_id, cooperation_type, month, notification_count, level, "
                               "level_reached_on::text, rule_set_id, items::text"),
    "scoring_penaltyproposal": (
        "partner_id, cooperation_type, month, level, status, reached_on, notification_count, measures::text, "
        "payout_percent, rule_set_id, items::text, (SELECT s.level FROM scoring_penaltyproposal s "
        "WHERE s.id = t.superseded_by_id), superseded_at IS NOT NULL"),
    "core_auditevent": ("content_type_id, object_repr, action, actor_id, reason, rule_id, from_status, to_status, "
                        "data - 'superseded_by', (SELECT p.level FROM scoring_penaltyproposal p "
                        "WHERE p.id = t.object_id::bigint)"),
    "scoring_monthlyassessment": ("partner_id, cooperation_type, month, status, revenue, complaint_count, "
                                  "health_ratio, incubation, revenue_score, health_score, bonus_score, "
                                  "deduction_score, late_or_quality_count, upgraded_count, total, rule_set_id, "
                                  "items::text"),
    "scoring_upgradedcomplaintinclusion": ("ticket_id, month, (SELECT a.partner_id FROM scoring_monthlyassessment a "
                                           "WHERE a.id = t.assessment_id)"),
}


def snapshot(connection) -> dict[str, list]:
    """Every result row without ids and timestamps (links as the linked row's level / partner), sorted."""
    out = {}
    with connection.cursor() as cursor:
        for table, columns in TABLES.items():
            cursor.execute(f"SELECT {columns} FROM {table} t")
            out[table] = sorted(cursor.fetchall(), key=repr)
    return out
