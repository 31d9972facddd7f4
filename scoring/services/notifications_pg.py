"""R-D-NOTIFY on PostgreSQL: count, evaluate and upsert the day in one statement, thresholds from the rule set
(parity with the Python path is tested)."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from partners.choices import ComplaintCategory
from partners.models import ComplaintTicket

from ..models import (
    DailyNotification,
    RuleSet,
)
from ..rules import (
    daily_notification_detail,
)

_SQL_TOKEN_COUNT, _SQL_TOKEN_NOTIFICATIONS = "\x00count\x00", "\x00notifications\x00"

#: the upsert of notification rows shared by the day's statement and the month end's: only rows whose compared
#: values differ are rewritten
NOTIFICATION_UPSERT = """
            ON CONFLICT (partner_id, cooperation_type, date) DO UPDATE SET
                complaint_count = EXCLUDED.complaint_count, notifications = EXCLUDED.notifications,
                rule_set_id = EXCLUDED.rule_set_id, items = EXCLUDED.items, computed_at = EXCLUDED.computed_at
            WHERE (current.complaint_count, current.notifications, current.rule_set_id)
                  IS DISTINCT FROM (EXCLUDED.complaint_count, EXCLUDED.notifications, EXCLUDED.rule_set_id)"""


def notification_detail_format(*, threshold: int, step: int) -> str:
    """``rules.daily_notification_detail`` as a PostgreSQL ``format`` string: %1$s the tickets, %2$s the
    notifications, so the SQL paths write the very text the Python path writes."""
    return daily_notification_detail(
        complaint_count=_SQL_TOKEN_COUNT, threshold=threshold, step=step, notifications=_SQL_TOKEN_NOTIFICATIONS
    ).replace("%", "%%").replace(_SQL_TOKEN_COUNT, "%1$s").replace(_SQL_TOKEN_NOTIFICATIONS, "%2$s")


def daily_notifications_write_sql(*, day: dt.date, rule_set: RuleSet, book) -> dict:
    """PostgreSQL: count, evaluate and upsert the day's notifications in one statement (R-D-NOTIFY).

    Same rows as ``daily_notifications_write_python``: threshold and step come from the rule set as
    parameters; the breakdown is built by ``jsonb_build_object`` from the detail text of
    ``rules.daily_notification_detail`` (the counts filled in by ``format``). Only rows whose compared values
    differ are rewritten (``ON CONFLICT … DO UPDATE … WHERE``); rows no longer notifying are deleted.
    """
    threshold, step = book.integer("notify_threshold"), book.integer("notify_step")
    template = notification_detail_format(threshold=threshold, step=step)
    table = DailyNotification._meta.db_table
    tickets = ComplaintTicket._meta.db_table
    sql = f"""
        WITH counted AS (
            SELECT partner_id, cooperation_type, count(*) AS tickets
            FROM {tickets}
            WHERE received_on = %(day)s AND category = %(category)s
            GROUP BY partner_id, cooperation_type
            HAVING count(*) >= %(threshold)s
        ), desired AS (
            SELECT partner_id, cooperation_type, tickets,
                   1 + (tickets - %(threshold)s) / %(step)s AS notifications
            FROM counted
        ), written AS (
            INSERT INTO {table} AS current
                (partner_id, cooperation_type, date, complaint_count, notifications, rule_set_id, items, computed_at)
            SELECT partner_id, cooperation_type, %(day)s, tickets, notifications, %(rule_set)s,
                   jsonb_build_array(jsonb_build_object(
                       'rule', %(rule)s::text, 'points', notifications,
                       'detail', format(%(template)s::text, tickets, notifications))),
                   %(now)s
            FROM desired WHERE notifications > 0{NOTIFICATION_UPSERT}
            RETURNING partner_id, cooperation_type, xmax = 0 AS created
        ), deleted AS (
            DELETE FROM {table} AS stale
            WHERE stale.date = %(day)s AND NOT EXISTS (
                SELECT 1 FROM desired
                WHERE desired.partner_id = stale.partner_id AND desired.cooperation_type = stale.cooperation_type
                  AND desired.notifications > 0)
            RETURNING partner_id, cooperation_type
        )
        SELECT 'written', partner_id, cooperation_type, created::int FROM written
        UNION ALL SELECT 'deleted', partner_id, cooperation_type, 0 FROM deleted
        UNION ALL SELECT 'total', count(*), '', coalesce(sum(notifications), 0)::int
                  FROM desired WHERE notifications > 0
    """
    params = {
        "day": day, "category": ComplaintCategory.UNKNOWING_SUBSCRIPTION, "threshold": threshold, "step": step,
        "rule_set": rule_set.pk, "rule": book.rule_id("notify_threshold"), "template": template,
        "now": timezone.now(),
    }
    out = {"notified": 0, "notifications": 0, "created": 0, "updated": 0, "deleted": 0, "keys": set()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, partner_id, cooperation_type, number in cursor.fetchall():
            if kind == "total":
                out["notified"], out["notifications"] = partner_id, number
                continue
            out["keys"].add((partner_id, cooperation_type))
            if kind == "deleted":
                out["deleted"] += 1
            else:
                out["created" if number else "updated"] += 1
    return out
