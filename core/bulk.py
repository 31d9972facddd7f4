"""Generic bulk writes shared by the jobs: upsert on the natural key writing only what changed (one INSERT … ON
CONFLICT … DO UPDATE per batch, from plain tuples or from model instances), and run serialisation (two runs of
a job for the same period wait for each other: an advisory lock on PostgreSQL; SQLite serialises writers)."""

import datetime as dt
import json

from django.db import connection
from django.utils import timezone

BATCH = 2000


def serialize_runs(name: str, month: dt.date, *, shard: str = "") -> None:
    """Two runs for the same month (beat and a hand-started command) wait for each other instead of racing:
    a transaction-scoped advisory lock on PostgreSQL; SQLite already serialises writers.

    ``shard`` (e.g. a partner range) names one part of the month written by a shard of a job: shards of the
    month run at the same time (the month's lock shared, the shard's own lock exclusive) and wait for a
    whole-month run (which holds the month's lock exclusively), and it for them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if shard:
                cursor.execute("SELECT pg_advisory_xact_lock_shared(hashtext(%s)), pg_advisory_xact_lock(hashtext(%s))",
                               [f"{name}:{month:%Y-%m}", f"{name}:{month:%Y-%m}:{shard}"])
            else:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{name}:{month:%Y-%m}"])


def upsert_changed(
    *, model, desired: dict, existing: dict, fixed: dict, compare: list[str], write: list[str], unique: list[str]
) -> dict:
    """Write only what changed: new and changed rows in one INSERT … ON CONFLICT (natural key) DO UPDATE, so
    existing rows keep their ids; rows no longer wanted are deleted.

    ``desired`` maps ``(partner_id, cooperation_type)`` to the values of ``write``; ``fixed`` holds the rest of
    the natural key (the day or the month). ``existing`` maps each key to ``(pk, values of compare)``. Fields
    outside ``compare`` (the breakdown) are a function of the compared ones and the rule set, so they are
    written but not compared.
    """
    rows, previous, created = [], {}, 0
    for key, values in desired.items():
        current = existing.get(key)
        if current is None:
            created += 1
        elif current[1] == tuple(values[field] for field in compare):
            continue
        rows.append((*key, *(values[field] for field in write)))
        previous[key] = current[1] if current else None
    stale = {key: current[0] for key, current in existing.items() if key not in desired}
    previous.update({key: existing[key][1] for key in stale})
    if stale:
        model.objects.filter(pk__in=stale.values()).delete()
    raw_upsert(model, rows, fields=["partner_id", "cooperation_type", *write], fixed=fixed, unique=unique)
    return {"created": created, "updated": len(rows) - created, "deleted": len(stale), "keys": set(previous),
            "previous": previous}


def raw_upsert(
    model, rows: list[tuple], *, fields: list[str], fixed: dict, unique: list[str], batch: int = BATCH
) -> None:
    """Multi-row ``INSERT … ON CONFLICT (unique) DO UPDATE`` from plain tuples (values of ``fields``), plus the
    ``fixed`` values shared by every row and ``computed_at``: no model instances, and each value is adapted
    only where the database needs it (JSON, dates, timestamps). Runs unchanged on PostgreSQL and SQLite. ``batch``
    rows per statement: wide rows (large breakdowns) pass fewer, since the driver holds a statement's whole text
    and its adapted parameters at once."""
    if not rows:
        return
    meta = model._meta
    columns = [*fields, *fixed]
    adapt = []
    for name in columns:
        field = meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        if field.get_internal_type() == "JSONField":
            encoder = field.encoder
            adapt.append(lambda value, encoder=encoder: json.dumps(value, cls=encoder))
        elif field.get_internal_type() == "DateField":
            adapt.append(connection.ops.adapt_datefield_value)
        else:
            adapt.append(None)
    shared = [adapt[len(fields) + i](value) if adapt[len(fields) + i] else value
              for i, value in enumerate(fixed.values())]
    row_adapt = adapt[:len(fields)]
    if has_field(model, "computed_at"):
        columns.append("computed_at")
        shared.append(connection.ops.adapt_datetimefield_value(timezone.now()))
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholder = "(" + ", ".join(
        "%s" + (json_cast if meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c).get_internal_type()
                == "JSONField" else "")
        for c in columns
    ) + ")"
    key_columns = [meta.get_field(name).column for name in unique]
    updates = [meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c).column for c in columns]
    updates = [c for c in updates if c not in key_columns]
    db_columns = [meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c).column for c in columns]
    qn = connection.ops.quote_name
    head = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in db_columns)}) VALUES ")
    tail = (f" ON CONFLICT ({', '.join(qn(c) for c in key_columns)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in updates))
    # SQLite allows 999 host parameters per statement in older builds.
    batch = batch if connection.vendor == "postgresql" else max(1, 999 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            params = []
            for row in chunk:
                params += [f(v) if f else v for f, v in zip(row_adapt, row, strict=True)]
                params += shared
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + tail, params)


def existing_values(queryset, compare: list[str], *, keys=None) -> dict:
    """``{(partner_id, cooperation_type): (pk, values of compare)}`` without building model instances."""
    out = {}
    for pk, partner_id, cooperation_type, *values in queryset.values_list("pk", "partner_id", "cooperation_type",
                                                                          *compare):
        if keys is None or (partner_id, cooperation_type) in keys:
            out[(partner_id, cooperation_type)] = (pk, tuple(values))
    return out


def bulk_upsert(model, rows: list, *, fields: list[str], unique: list[str]) -> None:
    """INSERT … ON CONFLICT (unique) DO UPDATE of ``fields`` (+ ``computed_at``): one statement per batch, far
    cheaper than ``bulk_update``'s CASE expressions for thousands of rows."""
    if not rows:
        return
    update_fields = [field.removesuffix("_id") if field.endswith("_id") else field for field in fields]
    if has_field(model, "computed_at"):
        update_fields.append("computed_at")
    model.objects.bulk_create(rows, batch_size=BATCH, update_conflicts=True, unique_fields=unique,
                              update_fields=update_fields)


def has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def raw_delete(queryset) -> int:
    """Delete the rows of ``queryset`` by primary key in plain ``DELETE`` statements: no model signals, so no
    history row per deleted row. Only for rows nothing refers to (the caller excludes rows other tables point
    to; the database's foreign keys refuse the rest) and whose deletion needs no record — e.g. drafts cleared
    inside a transaction that is rolled back. Runs on PostgreSQL and SQLite."""
    model = queryset.model
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    ids = list(queryset.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({', '.join(['%s'] * len(chunk))})", chunk)
    return len(ids)
