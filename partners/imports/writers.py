"""Writers: turn validated rows into an upsert on the kind's natural key.

* ``BulkWriter`` — batches; one query per batch loads the existing rows, values are compared in
  Python, new rows are bulk-created and changed rows bulk-updated (with simple_history records).
* ``PartnersWriter`` — the same, creating/linking related-company groups by name first.
* ``ContractsWriter`` — row by row in start-date order, because the R-M-INCUB default of a
  contract depends on the partner's earlier contracts, including earlier ones in the same file.
* ``ComplaintsOrmWriter`` — SQLite and other databases: ``bulk_create(update_conflicts=True)``.
* ``ComplaintsCopyWriter`` — PostgreSQL: COPY into a temporary table, then set-based SQL.

Every writer reports duplicates of the natural key within the file as row errors. Writers stop
writing at the first error but keep validating, so every bad row is reported; the service rolls
the transaction back when there is any error or on a dry run.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partners.choices import IncubationBasis
from partners.models import Contract, Partner, RelatedGroup, reentry_ban_refusal
from partners.services import contract_default_incubation
from scoring.selectors import NoRuleSetInForce, rule_book_in_force_or_oldest

from .columns import Boolean, Choice, Text
from .errors import FieldError, FileRejected
from .readers import CSV_FIELD_LIMIT
from .result import ImportResult
from .validation import MEMO_LIMIT, Plan, cell_parser

if TYPE_CHECKING:
    from .columns import ImportContext
    from .readers import CsvTable
    from .specs import ImportSpec

HISTORY_REASON_MAX = 100
#: below this many new rows, keeping the indexes up to date costs too little to be worth rebuilding them
BULK_LOAD_MIN_ROWS = 50_000
logger = logging.getLogger(__name__)


class BulkWriter:
    batch_size = 1000
    #: rows arrive as COPY-ready text instead of Python values
    copies_text = False

    def __init__(self, *, spec: ImportSpec, plan: Plan, result: ImportResult, user=None, dry_run: bool = False):
        self.spec = spec
        self.plan = plan
        self.result = result
        self.user = user if getattr(user, "pk", None) else None
        self.dry_run = dry_run
        self.model = spec.model
        self.fields = plan.fields
        self.key_fields = [spec.column(name).attname for name in spec.natural_key]
        self.key_positions = [plan.position(field) for field in self.key_fields]
        self.key_label = "+".join(spec.natural_key)
        self.change_reason = f"导入 {spec.kind}: {result.file_name}"[:HISTORY_REASON_MAX]
        self._seen: dict[Any, int] = {}

    # -- reading -----------------------------------------------------------------------------
    def consume(self, rows: Iterator[list[Any]]) -> None:
        batch: list[list[Any]] = []
        for row in rows:
            if self._is_duplicate(row):
                continue
            batch.append(row)
            if len(batch) >= self.batch_size:
                self._flush(batch)
                batch = []
        self._flush(batch)

    def consume_csv(self, table: CsvTable, ctx: ImportContext) -> bool:
        """Hook: read, check and write a whole CSV in the database; False (nothing done) → the row loop."""
        return False

    def _key(self, row: list[Any]) -> Any:
        return tuple(row[position] for position in self.key_positions)

    def _is_duplicate(self, row: list[Any]) -> bool:
        key = self._key(row)
        first = self._seen.get(key)
        if first is None:
            self._seen[key] = row[0]
            return False
        self.result.add_error(row[0], self.key_label, f"与第 {first} 行的 {self.key_label} 相同（文件内重复）")
        return True

    def _flush(self, batch: list[list[Any]]) -> None:
        if batch and self.result.ok:
            self.write(batch)

    # -- writing -----------------------------------------------------------------------------
    def existing(self, batch: list[list[Any]]) -> dict[Any, Any]:
        """The stored rows of this batch's natural keys, by key: one query."""
        lookups = {
            f"{field}__in": {row[position] for row in batch}
            for field, position in zip(self.key_fields, self.key_positions, strict=True)
        }
        found = {}
        for obj in self.model._default_manager.filter(**lookups):
            found[tuple(getattr(obj, field) for field in self.key_fields)] = obj
        return found

    def prepare(self, batch: list[list[Any]]) -> None:
        """Hook: resolve values that need the database (e.g. group names) for a whole batch."""

    def write(self, batch: list[list[Any]]) -> None:
        self.prepare(batch)
        stored = self.existing(batch)
        new, changed, changed_fields = [], [], set()
        for row in batch:
            values = dict(zip(self.fields, row[1:], strict=True))
            obj = stored.get(self._key(row))
            if obj is None:
                new.append(self.model(**values))
                continue
            diff = _apply_changes(obj, values)
            if not diff:
                self.result.unchanged += 1
                continue
            changed.append(obj)
            changed_fields.update(diff)
        self.result.created += len(new)
        self.result.updated += len(changed)
        if not self.dry_run:
            self.save(new, changed, changed_fields)

    def save(self, new: list, changed: list, changed_fields: set[str]) -> None:
        history = {"default_user": self.user, "default_change_reason": self.change_reason}
        if new:
            bulk_create_with_history(new, self.model, batch_size=500, **history)
        if changed:
            fields = sorted(changed_fields)
            if any(field.name == "updated_at" for field in self.model._meta.concrete_fields):
                now = timezone.now()
                for obj in changed:
                    obj.updated_at = now
                fields.append("updated_at")
            bulk_update_with_history(changed, self.model, fields=fields, batch_size=500, **history)


class PartnersWriter(BulkWriter):
    """Partners; a ``related_group`` name links the partner to that group, creating it if new."""

    def prepare(self, batch):
        position = self.plan.position("related_group_id")
        if position is None:
            return
        names = {row[position] for row in batch if row[position]}
        groups = dict(RelatedGroup.objects.filter(name__in=names).values_list("name", "id"))
        missing = [RelatedGroup(name=name) for name in sorted(names - groups.keys())]
        if missing:
            # Groups are created even on a dry run (inside the transaction that is rolled back),
            # so the partners' comparison sees real ids.
            bulk_create_with_history(missing, RelatedGroup, default_user=self.user,
                                     default_change_reason=self.change_reason)
            groups.update(RelatedGroup.objects.filter(name__in=names).values_list("name", "id"))
            self.result.notes.append(f"新建关联公司组 {len(missing)} 个：{', '.join(g.name for g in missing)}")
        for row in batch:
            row[position] = groups.get(row[position]) if row[position] else None


class ComplaintsOrmWriter(BulkWriter):
    """Complaints on databases without COPY (SQLite): per batch one look-up of the stored values and one
    ``bulk_create(update_conflicts=True)`` of the new and changed rows; unchanged rows build no objects.
    No per-row history (as on the COPY path); the ImportRun is the audit."""

    def write(self, batch):
        key = self.key_positions[0]
        stored = {
            values[0]: values[1:]
            for values in self.model._default_manager.filter(
                **{f"{self.key_fields[0]}__in": [row[key] for row in batch]}
            ).values_list(self.key_fields[0], *self.fields)
        }
        objs = []
        for row in batch:
            old = stored.get(row[key])
            if old is None:
                self.result.created += 1
            elif list(old) == row[1:]:
                self.result.unchanged += 1
                continue
            else:
                self.result.updated += 1
            objs.append(self.model(**dict(zip(self.fields, row[1:], strict=True))))
        if objs and not self.dry_run:
            self.model._default_manager.bulk_create(
                objs, update_conflicts=True, unique_fields=self.key_fields,
                update_fields=[field for field in self.fields if field not in self.key_fields],
            )


class ContractsWriter(BulkWriter):
    """Contracts: in start-date order, saved one by one with history (files hold few contracts)."""

    batch_size = 10**12  # one batch: the whole file, written in start-date order

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._gaps: dict[Any, int] = {}

    def _gap_months(self, start_date) -> int:
        if start_date not in self._gaps:
            _, book = rule_book_in_force_or_oldest(on=start_date)
            self._gaps[start_date] = book.integer("incubation_reintroduction_gap_months")
        return self._gaps[start_date]

    def write(self, batch):
        start = self.plan.position("start_date")
        batch.sort(key=lambda row: (row[start], row[0]))
        stored = self.existing(batch)
        partners = Partner.objects.in_bulk({row[self.plan.position("partner_id")] for row in batch})
        for row in batch:
            values = dict(zip(self.fields, row[1:], strict=True))
            explicit = values.pop("incubation", None)
            obj = stored.get(self._key(row))
            refusal = "" if obj is not None else reentry_ban_refusal(partners[values["partner_id"]],
                                                                      values["start_date"])
            if refusal:
                self.result.add_error(row[0], "start_date", refusal)
                continue
            try:
                incubation = self._incubation(values, explicit, obj, partners[values["partner_id"]])
            except NoRuleSetInForce:
                self.result.add_error(
                    row[0], "start_date",
                    f"{values['start_date']:%Y-%m-%d} 没有任何已生效的规则集，无法按 R-M-INCUB 判断培育期；"
                    "请填写 incubation 列",
                )
                continue
            values.update(incubation)
            if obj is None:
                obj = Contract(**values)
                self.result.created += 1
            else:
                if not _apply_changes(obj, values):
                    self.result.unchanged += 1
                    continue
                self.result.updated += 1
            if self.result.ok:
                obj._history_user = self.user
                obj._change_reason = self.change_reason
                obj.save()

    def _incubation(self, values, explicit, obj, partner) -> dict[str, Any]:
        """R-M-INCUB: an explicit value wins; a blank/absent one keeps a stored decision or takes the default."""
        if explicit is None and obj is not None:
            return {}
        if explicit is False:
            return {"incubation": False, "incubation_basis": IncubationBasis.NONE}
        if explicit is True and obj is not None and obj.incubation:
            return {"incubation": True}
        eligible, basis = contract_default_incubation(
            partner=partner,
            cooperation_type=values["cooperation_type"],
            start_date=values["start_date"],
            gap_months=self._gap_months(values["start_date"]),
        )
        if explicit is None:
            return {"incubation": eligible, "incubation_basis": basis}
        # Explicitly true but not eligible by default: an explicit decision (R-M-INCUB "others only by decision").
        return {"incubation": True, "incubation_basis": basis if eligible else IncubationBasis.DECISION}


class _CopyStream:
    """File-like object for ``copy_expert``: each ``read`` validates the next rows and returns them as
    lines of COPY text format (values arrive already converted and escaped, see ``copy_text``)."""

    def __init__(self, rows: Iterator[list[Any]]):
        self._rows = rows
        #: the reader's refusal of the file (FileRejected, or a line that is not UTF-8), kept to be raised once
        #: COPY has ended: raised inside ``read`` it would reach the caller as a database error instead
        self.rejected: FileRejected | UnicodeDecodeError | None = None

    def read(self, size: int = -1) -> str:
        size = size if size and size > 0 else 1 << 16
        lines, length, join = [], 0, "\t".join
        try:
            for row in self._rows:
                row[0] = str(row[0])
                line = join(row)
                lines.append(line)
                length += len(line)
                if length >= size:
                    break
        except (FileRejected, UnicodeDecodeError) as exc:
            self.rejected = exc
            return ""
        if not lines:
            return ""
        lines.append("")
        return "\n".join(lines)

    def readline(self, size: int = -1) -> str:  # pragma: no cover - copy_expert only calls read()
        return self.read(size)


class _NotPlain(Exception):
    """The file is not in the plain form the SQL path reads exactly like the row loop."""


#: a quote (a quoted field) or a control character other than the line ends: not the plain form
_NOT_PLAIN_BYTE = re.compile(rb'["\x00-\x09\x0b\x0c\x0e-\x1f\x7f]')


class _PlainScan:
    """File-like object for ``copy_expert``: the file's bytes as they are, noting whether any ``"`` or control
    character occurs (a quoted field, a tab…: the file is then read by the row loop, which stops reading as
    soon as one is seen). A bare carriage return or line feed inside a record makes COPY itself fail.
    Checking control characters here, at the speed of a byte scan, leaves the per-row check of free text
    in SQL without a regular expression (it cost about 0.5 s per million rows)."""

    def __init__(self, binary):
        self._binary = binary
        #: a quote or a control character was seen: the file is not in the plain form
        self.not_plain = False

    def read(self, size: int = -1) -> bytes:
        if self.not_plain:
            return b""
        chunk = self._binary.read(size)
        if isinstance(chunk, str):  # pragma: no cover - uploads and files are opened in binary mode
            chunk = chunk.encode("utf-8")
        if _NOT_PLAIN_BYTE.search(chunk):
            self.not_plain = True
            return b""
        return chunk

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - copy_expert only calls read()
        return self.read(size)


class ComplaintsCopyWriter(BulkWriter):
    """PostgreSQL: stream validated rows with COPY into a temporary table, then upsert set-based.

    Duplicates within the file are found with one GROUP BY on the staging table (memory stays flat
    on the client). Under a SHARE ROW EXCLUSIVE lock (other writers wait, readers do not) one join
    counts new and changed rows; then an UPDATE of the rows whose values differ and an INSERT of the
    tickets not stored yet run only if there are any. Unchanged rows are never touched (not even
    row-locked, as ``INSERT … ON CONFLICT DO UPDATE … WHERE`` would), which makes a re-import cheap.
    Per-row simple_history records are not written for this bulk path; the ImportRun is the audit.
    """

    stage = "partners_import_complaint_stage"
    #: (table, column) holding the staged natural keys, if not the stage's own key column
    key_source: tuple[str, str] | None = None
    copies_text = True
    #: the partner ids the staged rows reference (a query), if not every staged row's
    partner_ids_sql = ""

    def consume(self, rows):
        table = self.model._meta.db_table
        qn = connection.ops.quote_name
        fields = [self.model._meta.get_field(name) for name in self.fields]
        columns = [field.column for field in fields]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
            definitions = ", ".join(f"{qn(field.column)} {field.db_type(connection)}" for field in fields)
            cursor.execute(f"CREATE TEMPORARY TABLE {self.stage} (line integer, {definitions}) ON COMMIT DROP")
            copy_sql = f"COPY {self.stage} (line, {', '.join(map(qn, columns))}) FROM STDIN"
            started = time.perf_counter()
            stream = _CopyStream(rows)
            cursor.copy_expert(copy_sql, stream, 1 << 16)
            if stream.rejected is not None:
                raise stream.rejected
            copied = cursor.rowcount
            staged = time.perf_counter()
            self._report_duplicates(cursor)
            checked = time.perf_counter()
            if self.result.ok:
                self._upsert(cursor, table, columns, copied)
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
            logger.info(
                "complaints %s: %d rows validated and staged in %.2f s, duplicates checked in %.2f s, "
                "upsert in %.2f s", self.result.file_name, copied, staged - started, checked - staged,
                time.perf_counter() - checked,
            )

    # -- the SQL path: PostgreSQL reads the CSV itself ------------------------------------------------------
    raw = "partners_import_complaint_raw"
    view = "partners_import_complaint_view"

    def consume_csv(self, table, ctx):
        """Let PostgreSQL parse the file (``COPY … FORMAT csv`` into a temporary text table) and check it
        set-based, when the file is in the plain form; else return False with nothing left behind.

        The plain form is what the row loop would read exactly alike: no ``"`` and no control character but the
        line ends anywhere in the file (so every record is one line and both CSV parsers split it the same
        way), every record as wide as the header,
        no blank line, valid UTF-8 — COPY refuses the others, and the whole attempt is rolled back to its
        savepoint. Low-cardinality columns (partner code, type, dates, province, category, booleans) are
        checked by the very parsers of the row loop, once per distinct spelling (the database lists them);
        free text (the ticket id) must be printable ASCII without surrounding spaces, within its length, and
        not Excel's scientific notation. Any cell outside that form, any value a parser refuses: False,
        and the row loop reads the file again and writes the error report, as for every other file. Tickets
        duplicated in the file are reported here (the line numbers are exact: every record is one line).
        """
        columns = self.plan.columns
        if not all(column.type.cacheable or (isinstance(column.type, Text) and column.required)
                   for column in columns):
            return False
        started = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '256MB'")
                total = self._stage_csv(cursor, table.binary, ctx)
                if total is None:
                    raise _NotPlain
        except (_NotPlain, DatabaseError):
            # the attempt's tables are rolled back: the row loop must not look for them
            self.key_source, self.partner_ids_sql = None, ""
            table.rewind()
            return False
        self.result.rows = total
        staged = time.perf_counter()
        table_name = self.model._meta.db_table
        stage_columns = [self.model._meta.get_field(name).column for name in self.fields]
        with connection.cursor() as cursor:
            self.stage = self.view
            self._report_duplicates(cursor)
            checked = time.perf_counter()
            if self.result.ok:
                self._upsert(cursor, table_name, stage_columns, total)
            cursor.execute(f"DROP VIEW IF EXISTS {self.view}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.raw}")
        logger.info(
            "complaints %s: %d rows read by PostgreSQL and checked in %.2f s, duplicates checked in %.2f s, "
            "upsert in %.2f s", self.result.file_name, total, staged - started, checked - staged,
            time.perf_counter() - checked,
        )
        return True

    def _stage_csv(self, cursor, binary, ctx) -> int | None:
        """COPY the file into the raw table, check it, build the typed view; the number of data rows, or None."""
        qn = connection.ops.quote_name
        plan = self.plan
        cells = [f"c{index}" for index in range(plan.width)]
        cursor.execute(f"DROP VIEW IF EXISTS {self.view}")
        cursor.execute(f"DROP TABLE IF EXISTS {self.raw}")
        # line: every record is one line here (no quotes, no blank lines), the header being line 1
        cursor.execute(
            f"CREATE TEMPORARY TABLE {self.raw} (line integer GENERATED ALWAYS AS IDENTITY (START WITH 2), "
            f"{', '.join(f'{cell} text' for cell in cells)}) ON COMMIT DROP"
        )
        binary.seek(0)
        stream = _PlainScan(binary)
        with connection.wrap_database_errors:  # psycopg2's own errors as Django's DatabaseError
            cursor.copy_expert(
                f"COPY {self.raw} ({', '.join(cells)}) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
                stream, 1 << 16,
            )
        total = cursor.rowcount
        if stream.not_plain:
            return None
        # Python's csv module gives '' where COPY gives NULL (an empty unquoted field). A record of blank
        # cells (the row loop skips it) has no plain ticket id: such a file takes the row loop.
        texts = [(column, cells[index]) for column, index in zip(plan.columns, plan.indexes, strict=True)
                 if not column.type.cacheable]
        # Printable ASCII without surrounding spaces: the file has no control character (_PlainScan), so a
        # value as long in bytes as in characters is ASCII of 0x20-0x7E; Excel's scientific notation needs a '+'.
        plain = " AND ".join(  # NULL (a blank cell) is not plain: coalesced to false below
            f"(octet_length({cell}) = length({cell}) AND length({cell}) <= {int(column.type.max_length)} "
            f"AND left({cell}, 1) <> ' ' AND right({cell}, 1) <> ' ' "
            rf"AND (strpos({cell}, '+') = 0 OR {cell} !~ '^[+-]?[0-9](\.[0-9]+)?[eE]\+[0-9]+$'))"
            for column, cell in texts
        ) or "true"
        # the parsers refuse over-long values of the columns read; an ignored column's cell must fit the csv
        # module's field limit too (the row loop's reader refuses the file otherwise)
        ignored = [cell for index, cell in enumerate(cells) if index not in plan.indexes]
        too_long = " OR ".join(f"length({cell}) > {int(CSV_FIELD_LIMIT)}" for cell in ignored) or "false"
        cursor.execute(f"SELECT 1 FROM {self.raw} WHERE NOT coalesce({plain}, false) OR {too_long} LIMIT 1")
        if not total or cursor.fetchone() is not None:
            return None
        mapped = [(column, cells[index]) for column, index in zip(plan.columns, plan.indexes, strict=True)
                  if column.type.cacheable]
        spellings = self._spellings(cursor, mapped)
        if spellings is None:
            return None
        joins, selected = [], []
        for offset, (column, index) in enumerate(zip(plan.columns, plan.indexes, strict=True)):
            field = self.model._meta.get_field(column.attname)
            if not column.type.cacheable:
                selected.append(f"r.{cells[index]} AS {qn(field.column)}")
                if field.attname == self.key_fields[0]:
                    self.key_source = (self.raw, cells[index])
                continue
            parse = cell_parser(column, ctx, typed_cells=False)
            raws = spellings[cells[index]]
            try:
                values = [parse(raw) for raw in raws]
            except FieldError:
                return None
            values = [field.get_db_prep_save(value, connection) for value in values]
            cast = _cast_giving(field, raws, values, f"r.{cells[index]}")
            if cast is not None:
                selected.append(f"{cast} AS {qn(field.column)}")
                continue
            name = f"partners_import_complaint_map{offset}"
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {name} (raw text PRIMARY KEY, value {field.db_type(connection)}) "
                "ON COMMIT DROP"
            )
            cursor.execute(
                f"INSERT INTO {name} SELECT * FROM unnest(%s::text[], %s::{field.db_type(connection)}[])",
                [raws, values],
            )
            # LEFT JOIN on a unique key: every spelling has its value (checked above), and a statement that
            # does not read a column skips its join
            joins.append(f"LEFT JOIN {name} AS m{offset} ON m{offset}.raw = coalesce(r.{cells[index]}, '')")
            if field.column == "partner_id":
                # the partners to check are the file's spellings' (each one referenced by a row)
                self.partner_ids_sql = f"SELECT value FROM {name}"
            selected.append(f"m{offset}.value AS {qn(field.column)}")
        # A view, not a typed copy: writing the typed rows into a second temporary table once made the 1 M-row
        # re-import slower (41.97 / 51.58 s against 27.07 / 31.93 s in the same benchmark conditions).
        cursor.execute(
            f"CREATE TEMPORARY VIEW {self.view} AS SELECT r.line, {', '.join(selected)} "
            f"FROM {self.raw} AS r {' '.join(joins)}"
        )
        return total

    def _spellings(self, cursor, mapped: list[tuple[Any, str]]) -> dict[str, list[str]] | None:
        """Every distinct spelling of each low-cardinality column (one scan), or None if one has too many.

        Choices and booleans have a handful of spellings each, so they are grouped together, as one set of
        combinations (a few dozen): one hash look-up per row for all of them instead of one per column.
        """
        if not mapped:
            return {}
        cells = [cell for _column, cell in mapped]
        few = [cell for column, cell in mapped if isinstance(column.type, Choice | Boolean)]
        sets = [f"({', '.join(few)})"] if few else []
        sets += [f"({cell})" for cell in cells if cell not in few]
        values = ", ".join(f"coalesce({cell}, '') AS {cell}" for cell in cells)
        cursor.execute(
            f"SELECT grouping({', '.join(cells)}), {', '.join(cells)} FROM "
            f"(SELECT {values} FROM {self.raw}) AS s GROUP BY GROUPING SETS ({', '.join(sets)})"
        )
        found: dict[str, set[str]] = {cell: set() for cell in cells}
        width = len(cells)
        for mask, *row in cursor.fetchall():
            # grouping(): bit set for each column not grouped by the row's set
            for position in range(width):
                if not mask & (1 << (width - 1 - position)):
                    found[cells[position]].add(row[position])
        if any(len(raws) > MEMO_LIMIT for raws in found.values()):
            return None
        return {cell: sorted(raws) for cell, raws in found.items()}

    def _report_duplicates(self, cursor) -> None:
        key = connection.ops.quote_name(self.model._meta.get_field(self.key_fields[0]).column)
        table, column = self.key_source or (self.stage, key)
        try:
            # A unique index over the staged keys, byte order (equal keys are equal bytes in any deterministic
            # collation): a sort of a million short keys costs about a third of the GROUP BY below, which runs
            # only when the index finds a duplicate.
            with transaction.atomic():
                cursor.execute(f'CREATE UNIQUE INDEX ON {table} ({column} COLLATE "C")')
            return
        except IntegrityError:
            pass
        cursor.execute(f"SELECT {key} FROM {self.stage} GROUP BY {key} HAVING count(*) > 1")
        duplicated = [value for (value,) in cursor.fetchall()]
        if not duplicated:
            return
        cursor.execute(
            f"SELECT array_agg(line ORDER BY line) FROM {self.stage} WHERE {key} = ANY(%s) "
            f"GROUP BY {key} ORDER BY min(line)",
            [duplicated],
        )
        for (lines,) in cursor.fetchall():
            for line in lines[1:]:
                self.result.add_error(line, self.key_label, f"与第 {lines[0]} 行的 {self.key_label} 相同（文件内重复）")

    def _upsert(self, cursor, table: str, columns: list[str], total: int) -> None:
        """Count new and changed rows with one join, then run only the statements that have work.

        Under the lock the counts are exact; a dry run stops after counting (no lock, nothing written).
        """
        qn = connection.ops.quote_name
        target = qn(table)
        key = qn(self.model._meta.get_field(self.key_fields[0]).column)
        pk = qn(self.model._meta.pk.column)
        quoted = [qn(column) for column in columns]
        values = [column for column in quoted if column != key]
        differs = f"({', '.join(f'c.{c}' for c in values)}) IS DISTINCT FROM ({', '.join(f's.{c}' for c in values)})"
        if not self.dry_run:
            cursor.execute(f"LOCK TABLE {target} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE c.{pk} IS NULL), count(*) FILTER (WHERE c.{pk} IS NOT NULL AND {differs}) "
            f"FROM {self.stage} AS s LEFT JOIN {target} AS c ON c.{key} = s.{key}"
        )
        created, updated = cursor.fetchone()
        checked_set_based = not self.dry_run and bool(created or updated) and self._check_references_set_based(cursor)
        try:
            self._write(cursor, target, key, quoted, values, differs, columns, created, updated)
        finally:
            if checked_set_based:
                cursor.execute("SET LOCAL session_replication_role = origin")
        self.result.created += created
        self.result.updated += updated
        self.result.unchanged += total - created - updated

    def _check_references_set_based(self, cursor) -> bool:
        """Check the staged rows' partners once per partner instead of once per row, if the role may.

        The foreign key's per-row trigger (deferred to the commit) costs as much as a third of a large
        import. Instead, every distinct staged partner is locked ``FOR KEY SHARE`` — what that trigger
        does per row, so no one can delete a referenced partner until the commit — and counted: all must
        exist. Then ``session_replication_role = replica`` keeps the per-row triggers from firing for the
        two writing statements only (``pg_restore --disable-triggers`` does the same); it is reset right
        after them. Setting it needs a superuser or a role granted ``SET`` on it: without that, the
        per-row check runs as before (returns False). So it does when the table has a trigger of its own or a
        foreign key other than the partner's, which replica mode would skip too.
        """
        references = [field.name for field in self.model._meta.concrete_fields if field.is_relation]
        if references != ["partner"]:
            return False
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [self.model._meta.db_table],
        )
        if cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return False
        partners = connection.ops.quote_name(Partner._meta.db_table)
        referenced = self.partner_ids_sql or f"SELECT partner_id FROM {self.stage}"
        cursor.execute(
            f"SELECT (SELECT count(DISTINCT partner_id) FROM ({referenced}) AS r (partner_id)), count(*) FROM ("
            f"SELECT id FROM {partners} WHERE id IN ({referenced}) FOR KEY SHARE) AS locked"
        )
        wanted, found = cursor.fetchone()
        if wanted != found:
            cursor.execute("SET LOCAL session_replication_role = origin")
            raise IntegrityError(f"{wanted - found} 个合作方在导入期间被删除")
        return True

    def _write(self, cursor, target, key, quoted, values, differs, columns, created, updated) -> None:
        qn = connection.ops.quote_name
        if not self.dry_run and updated:
            cursor.execute(
                f"UPDATE {target} AS c SET {', '.join(f'{c} = s.{c}' for c in values)} "
                f"FROM {self.stage} AS s WHERE c.{key} = s.{key} AND {differs}"
            )
            _expect(cursor.rowcount, updated, "updated")
        if not self.dry_run and created:
            rebuilt = self._drop_secondary_indexes_for_a_bulk_load(cursor, created)
            absent = [
                field for field in self.model._meta.concrete_fields
                if not field.primary_key and field.column not in columns
            ]
            defaults = [field.get_db_prep_save(field.get_default(), connection) for field in absent]
            select = [f"s.{column}" for column in quoted] + ["%s"] * len(absent)
            cursor.execute(
                f"INSERT INTO {target} ({', '.join(quoted + [qn(field.column) for field in absent])}) "
                f"SELECT {', '.join(select)} FROM {self.stage} AS s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {target} AS c WHERE c.{key} = s.{key})",
                defaults,
            )
            _expect(cursor.rowcount, created, "inserted")
            for statement in rebuilt:
                cursor.execute(statement)

    def _drop_secondary_indexes_for_a_bulk_load(self, cursor, created: int) -> list[str]:
        """When the new rows are at least as many as the stored ones (a first load, a table that doubles), drop
        the secondary indexes and the unique constraint before the INSERT and return the statements that
        rebuild them after it; else keep them (return nothing).

        Building an index from a million rows at once (one sort) costs about a third of updating it a million
        times, row by row (psql, 1 M rows into an empty table shaped like the real one: INSERT with the indexes
        5.4 s; INSERT without them 1.6 s, then rebuilding them 1.5 s). The price is an ACCESS EXCLUSIVE lock
        until the commit: readers wait for the rest of the import, which is why only a load that at least
        doubles the table takes this path. The primary key stays (other tables' foreign keys point at it).
        Nothing is lost on failure: the DROP and CREATE statements are rolled back with the import, and the
        unique constraint is rebuilt over every row, so it checks the loaded tickets once more.
        """
        if created < BULK_LOAD_MIN_ROWS:
            return []
        table = self.model._meta.db_table
        qn = connection.ops.quote_name
        # counted, not estimated (statistics lag behind a fresh load), and never further than ``created`` rows
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {qn(table)} LIMIT %s) AS stored", [created + 1])
        if cursor.fetchone()[0] > created:
            return []
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
            "pg_get_constraintdef(c.oid) FROM pg_index AS i LEFT JOIN pg_constraint AS c ON c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            # an index another table's foreign key depends on, or any constraint but a unique one, stays
            "AND (c.oid IS NULL OR c.contype = 'u') "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint AS f WHERE f.contype = 'f' AND f.conindid = i.indexrelid) "
            "ORDER BY 1",
            [table],
        )
        indexes = cursor.fetchall()
        if not indexes:
            return []
        cursor.execute(f"LOCK TABLE {qn(table)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        rebuild = []
        for index, definition, constraint, constraint_definition in indexes:
            if constraint:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(constraint)}")
                rebuild.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(constraint)} {constraint_definition}")
            else:
                cursor.execute(f"DROP INDEX {index}")
                rebuild.append(definition)
        logger.info("complaints %s: bulk load, %d secondary indexes rebuilt after the insert",
                    self.result.file_name, len(rebuild))
        return rebuild


#: spellings PostgreSQL's boolean input reads exactly as given here (it accepts more, e.g. 'yes', ' on ')
_BOOLEAN_SPELLINGS = {"true": True, "false": False, "t": True, "f": False, "1": True, "0": False}


def _cast_giving(field, raws: list[str], values: list[Any], cell: str) -> str | None:
    """An SQL expression of the raw ``cell`` that gives, for every spelling in the file, exactly the value the
    row loop's parser gave (a blank cell is NULL in the raw table and '' in ``raws``), or None.

    Each mapping table costs a hash join per statement that reads the column (about 0.15 s per million rows
    each, eight of them in a complaint file); a cast costs next to nothing. Only spellings whose meaning
    PostgreSQL cannot read differently qualify: ISO dates, the booleans above, text the parser kept as is.
    Anything else (labels mapped to codes, partner codes to ids, other date forms) keeps its mapping table.
    """
    pairs = list(zip(raws, values, strict=True))
    kind = field.get_internal_type()
    if kind == "DateField" and all(
        value is None if raw == "" else (value.isoformat() if isinstance(value, dt.date) else value) == raw
        for raw, value in pairs
    ):
        return f"{cell}::date"
    if kind == "BooleanField" and all(
        raw in _BOOLEAN_SPELLINGS and _BOOLEAN_SPELLINGS[raw] is value for raw, value in pairs
    ):
        return f"{cell}::boolean"
    if kind == "CharField" and all(value == raw for raw, value in pairs):
        return f"coalesce({cell}, '')"
    return None


def _apply_changes(obj, values: dict[str, Any]) -> list[str]:
    """Set on ``obj`` the values that differ from what it holds; return the names of the fields changed."""
    diff = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in diff:
        setattr(obj, field, values[field])
    return diff


def _expect(actual: int, counted: int, what: str) -> None:
    # The table lock makes the counts exact; a difference means a bug, and the transaction is rolled back.
    if actual != counted:
        raise RuntimeError(f"{what} {actual} rows, expected {counted}")


def complaints_writer():
    """COPY on PostgreSQL, batched upserts elsewhere."""
    return ComplaintsCopyWriter if connection.vendor == "postgresql" else ComplaintsOrmWriter

