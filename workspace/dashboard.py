"""The admin home page (unfold's dashboard callback): what waits for me and how the month goes.

Every figure is an aggregate computed in the database (``values().annotate()``), never a query per row, and
carries the URL of the filtered list behind it.
"""

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from core.jobs import job_label
from core.models import JobRun
from core.months import add_months
from core.selectors import approval_inbox

#: display bands of assessment totals (browsing only; the same as the assessment list's filter)
SCORE_BANDS = [("lt60", "<60", None, 60), ("60-80", "60–80", 60, 80), ("80-90", "80–90", 80, 90),
               ("gte90", "≥90", 90, None)]
SOON_DAYS = 14
#: heat-map cells at least this dark (share of the month's peak) get white numbers
DARK_CELL_ALPHA = 0.5
MOVERS = 5


def _url(name: str, **params) -> str:
    url = reverse(name)
    query = "&".join(f"{key}={value}" for key, value in params.items() if value not in (None, ""))
    return f"{url}?{query}" if query else url


def _heat_cell(day: int, n: int, peak: int) -> dict:
    alpha = round(n / peak, 2)
    return {"day": day, "n": n, "alpha": alpha, "dark": alpha >= DARK_CELL_ALPHA}


def notification_heatmap(*, on: dt.date, partners: int = 20) -> dict:
    """Partner × day notification counts of the latest month with notifications (up to ``on``)."""
    from scoring.models import DailyNotification

    latest = DailyNotification.objects.filter(date__lte=on).aggregate(latest=Max("date"))["latest"]
    if latest is None:
        return {"month": None, "days": [], "rows": []}
    month = latest.replace(day=1)
    cells = (DailyNotification.objects.filter(date__gte=month, date__lt=add_months(month, 1), notifications__gt=0)
             .values("partner_id", "partner__code", "partner__name", "date").annotate(n=Sum("notifications")))
    by_partner: dict = defaultdict(dict)
    names = {}
    for cell in cells:
        by_partner[cell["partner_id"]][cell["date"].day] = cell["n"]
        names[cell["partner_id"]] = (cell["partner__code"], cell["partner__name"])
    days = list(range(1, (add_months(month, 1) - dt.timedelta(days=1)).day + 1))
    top = sorted(by_partner, key=lambda pid: (-sum(by_partner[pid].values()), names[pid][0]))[:partners]
    peak = max((n for pid in top for n in by_partner[pid].values()), default=1)
    rows = []
    for pid in top:
        code, name = names[pid]
        rows.append({
            "code": code, "name": name, "total": sum(by_partner[pid].values()),
            "url": _url("admin:scoring_dailynotification_changelist", partner__id__exact=pid,
                        date__year=month.year, date__month=month.month),
            "cells": [_heat_cell(day, by_partner[pid].get(day, 0), peak) for day in days],
        })
    return {"month": month, "days": days, "rows": rows}


def warning_levels_by_month(*, months: int = 6) -> dict:
    from scoring.models import MonthlyWarning

    rows = (MonthlyWarning.objects.filter(level__gt=0).values("month", "level").annotate(n=Count("id"))
            .order_by("month", "level"))
    by_month: dict = defaultdict(dict)
    for row in rows:
        by_month[row["month"]][row["level"]] = row["n"]
    shown = sorted(by_month)[-months:]
    levels = sorted({level for month in shown for level in by_month[month]})
    return {
        "labels": [f"{m:%Y-%m}" for m in shown],
        "datasets": [{"label": f"{level}级", "data": [by_month[m].get(level, 0) for m in shown]} for level in levels],
        "links": [_url("admin:scoring_monthlywarning_changelist", month=f"{m:%Y-%m}") for m in shown],
    }


def assessment_distribution() -> dict:
    from scoring.models import MonthlyAssessment

    latest = MonthlyAssessment.objects.aggregate(latest=Max("month"))["latest"]
    if latest is None:
        return {"month": None, "bands": [], "movers_up": [], "movers_down": []}
    counts = MonthlyAssessment.objects.filter(month=latest).aggregate(**{
        key: Count("id", filter=(Q(total__gte=low) if low is not None else Q())
                   & (Q(total__lt=high) if high is not None else Q()))
        for key, _label, low, high in SCORE_BANDS
    })
    bands = [{"label": label, "n": counts[key],
              "url": _url("admin:scoring_monthlyassessment_changelist", month=f"{latest:%Y-%m}", score_band=key)}
             for key, label, _low, _high in SCORE_BANDS]
    previous = add_months(latest, -1)
    totals: dict = defaultdict(dict)
    for row in MonthlyAssessment.objects.filter(month__in=[previous, latest]).values(
            "partner_id", "partner__code", "partner__name", "cooperation_type", "month", "total"):
        totals[(row["partner_id"], row["partner__code"], row["partner__name"], row["cooperation_type"])][
            row["month"]] = row["total"]
    moves = []
    for (pid, code, name, cooperation_type), by_month in totals.items():
        if previous in by_month and latest in by_month:
            moves.append({"code": code, "name": name, "cooperation_type": cooperation_type,
                          "before": by_month[previous], "after": by_month[latest],
                          "delta": by_month[latest] - by_month[previous],
                          "url": _url("admin:scoring_monthlyassessment_changelist", partner__id__exact=pid)})
    moves.sort(key=lambda m: (m["delta"], m["code"]))
    return {"month": latest, "bands": bands,
            "movers_down": [m for m in moves[:MOVERS] if m["delta"] < 0],
            "movers_up": [m for m in reversed(moves[-MOVERS:]) if m["delta"] > 0]}


def credit_grades() -> dict:
    from credit.models import MonthlyCreditScore

    latest = MonthlyCreditScore.objects.aggregate(latest=Max("month"))["latest"]
    if latest is None:
        return {"month": None, "grades": [], "movers_down": []}
    previous = add_months(latest, -1)
    grades = [{"grade": row["grade"], "n": row["n"],
               "url": _url("admin:credit_monthlycreditscore_changelist", grade__exact=row["grade"],
                           month__exact=f"{latest:%Y-%m-%d}")}
              for row in MonthlyCreditScore.objects.filter(month=latest).values("grade").annotate(n=Count("id"))
              .order_by("grade")]
    scores: dict = defaultdict(dict)
    for row in MonthlyCreditScore.objects.filter(month__in=[previous, latest]).values(
            "partner_id", "partner__code", "partner__name", "month", "score", "grade"):
        scores[(row["partner_id"], row["partner__code"], row["partner__name"])][row["month"]] = row
    moves = [
        {"code": code, "name": name, "before": f"{m[previous]['score']}（{m[previous]['grade']}）",
         "after": f"{m[latest]['score']}（{m[latest]['grade']}）", "delta": m[latest]["score"] - m[previous]["score"],
         "url": _url("admin:credit_monthlycreditscore_changelist", partner__id__exact=pid)}
        for (pid, code, name), m in scores.items() if previous in m and latest in m
    ]
    moves.sort(key=lambda m: (m["delta"], m["code"]))
    return {"month": latest, "grades": grades, "movers_down": [m for m in moves[:MOVERS] if m["delta"] < Decimal(0)]}


def sanctions_and_restrictions(*, on: dt.date) -> dict:
    from credit.choices import SanctionStatus
    from credit.models import CreditSanction
    from enforcement.models import Restriction
    from enforcement.selectors import in_force_q

    overdue = CreditSanction.objects.filter(status=SanctionStatus.PENDING, due_on__lt=on).count()
    ending = (Restriction.objects.filter(in_force_q(on), ends_on__isnull=False,
                                         ends_on__lte=on + dt.timedelta(days=SOON_DAYS))
              .select_related("partner").order_by("ends_on", "partner__code")[:10])
    ending_count = Restriction.objects.filter(in_force_q(on), ends_on__isnull=False,
                                              ends_on__lte=on + dt.timedelta(days=SOON_DAYS)).count()
    return {
        "overdue_sanctions": overdue,
        "overdue_url": _url("admin:credit_creditsanction_changelist", overdue="yes"),
        "ending_soon": list(ending), "ending_count": ending_count, "soon_days": SOON_DAYS,
        "ending_url": _url("admin:enforcement_restriction_changelist", in_force="yes",
                           ends_on__lte=f"{on + dt.timedelta(days=SOON_DAYS):%Y-%m-%d}"),
    }


def last_job_runs(limit: int = 8) -> list[JobRun]:
    """The latest runs, each with ``label``: the job's registered (Chinese) name."""
    runs = list(JobRun.objects.select_related("started_by").order_by("-started_at", "-id")[:limit])
    for run in runs:
        run.label = job_label(run.job)
    return runs


def dashboard_callback(request, context):
    today = timezone.localdate()
    inbox = approval_inbox(user=request.user, with_items=False)
    warnings = warning_levels_by_month()
    assessments = assessment_distribution()
    grades = credit_grades()
    context.update({
        "inbox": inbox, "inbox_total": sum(group.count for group in inbox), "inbox_url": reverse("approval-inbox"),
        "heatmap": notification_heatmap(on=today),
        "warnings": warnings, "warnings_json": json.dumps({"labels": warnings["labels"],
                                                           "datasets": warnings["datasets"]}),
        "assessments": assessments,
        "assessments_json": json.dumps({"labels": [b["label"] for b in assessments["bands"]],
                                        "data": [b["n"] for b in assessments["bands"]]}),
        "grades": grades,
        "grades_json": json.dumps({"labels": [g["grade"] for g in grades["grades"]],
                                   "data": [g["n"] for g in grades["grades"]]}),
        **sanctions_and_restrictions(on=today),
        "job_runs": last_job_runs(), "job_runs_url": reverse("admin:core_jobrun_changelist"),
    })
    return context
