"""``data_file_import``: the one import path used by ``manage.py import_data`` and the admin page."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from typing import IO

from django.db import DataError, transaction
from django.utils import timezone

from core.jobs import heartbeat, stale_runs_fail
from partners.choices import ImportSource, ImportStatus
from partners.models import ImportRun

from .columns import ImportContext
from .errors import FILE, FileRejected, RowError
from .readers import CsvTable, encoding_error, open_table
from .result import ImportResult
from .specs import spec_for
from .validation import plan_for, validated_rows

#: errors kept on the ImportRun record (all of them are counted and streamed to ``on_error``)
RUN_ERRORS_KEPT = 1000


def data_file_import(
    *,
    kind: str,
    file: str | os.PathLike | IO[bytes],
    file_name: str | None = None,
    dry_run: bool = False,
    user=None,
    source: str = ImportSource.COMMAND,
    on_progress: Callable[[int], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    keep_errors: int | None = RUN_ERRORS_KEPT,
) -> ImportResult:
    """Validate every row of ``file``; write all of it (upsert on the natural key) or nothing.

    Nothing is written when any row is invalid or on a dry run: the whole import runs in one
    transaction that is rolled back then. An ``ImportRun`` records every call, including rejected ones.
    Raises ``ValueError`` for an unknown kind; unexpected errors are recorded on the run and re-raised.
    """
    spec = spec_for(kind)
    with ExitStack() as stack:
        if isinstance(file, (str, os.PathLike)):
            file_name = file_name or os.path.basename(os.fspath(file))
            binary = stack.enter_context(open(file, "rb"))
        else:
            binary = file
            file_name = file_name or os.path.basename(getattr(file, "name", "") or "upload")
        result = ImportResult(
            kind=spec.kind, file_name=file_name, dry_run=dry_run, keep_errors=keep_errors, on_error=on_error
        )
        stale_runs_fail()
        run = ImportRun.objects.create(
            kind=spec.kind, file_name=file_name[:255], dry_run=dry_run, source=source,
            started_by=user if getattr(user, "pk", None) else None, heartbeat_at=timezone.now(),
        )
        result.run_id = run.pk
        try:
            with heartbeat(ImportRun, run.pk):  # a killed import is marked failed after the timeout
                _import(spec, binary, result, user=user, dry_run=dry_run, on_progress=on_progress)
        except FileRejected as exc:
            for error in exc.errors:
                result.add(error)
        except UnicodeDecodeError:
            result.add(encoding_error(binary))
        except DataError as exc:
            # A value the validation let through and the database refused: still a message, never a traceback.
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            result.add(RowError(1, FILE, f"数据库拒绝写入，未写入任何数据（{detail}）"))
        except Exception as exc:
            _finish(run, result, ImportStatus.FAILED, extra=f"{type(exc).__name__}: {exc}")
            raise
        _finish(run, result, ImportStatus.SUCCEEDED if result.ok else ImportStatus.REJECTED)
    return result


def _import(spec, binary, result: ImportResult, *, user, dry_run: bool, on_progress) -> None:
    with transaction.atomic():
        table = open_table(binary, result.file_name)
        try:
            for warning in table.warnings:
                result.add_warning(warning)
            plan = plan_for(spec, spec.canonical_header(table.header), result)
            writer_class = spec.writer_class()
            writer = writer_class(spec=spec, plan=plan, result=result, user=user, dry_run=dry_run)
            ctx = ImportContext()
            # A CSV in the plain form may be read and checked by PostgreSQL itself (complaints); any other file,
            # or any doubt, takes the row loop below, which also writes the error report.
            if isinstance(table, CsvTable) and writer.consume_csv(table, ctx):
                if on_progress is not None:
                    on_progress(result.rows)
            else:
                rows = validated_rows(
                    table.rows(), plan=plan, ctx=ctx, result=result, row_check=spec.row_check,
                    on_progress=on_progress, as_text=writer_class.copies_text,
                    exact_width=table.exact_width, typed_cells=table.typed_cells,
                )
                writer.consume(rows)
        finally:
            table.close()
        if result.rows == 0 and result.ok:
            raise FileRejected([RowError(2, FILE, "只有表头，没有数据行")])
        if not result.ok or dry_run:
            transaction.set_rollback(True)


def _finish(run: ImportRun, result: ImportResult, status: str, extra: str = "") -> None:
    errors = [str(error) for error in result.errors[:RUN_ERRORS_KEPT]]
    if result.error_count > len(errors):
        errors.append(f"…… 另有 {result.error_count - len(errors)} 个错误未保存（命令行输出全部错误）")
    if extra:
        errors.append(extra)
    # Counts only for a run whose transaction was committed (or a dry run's would-be counts):
    # a rejected or failed run wrote nothing, whatever the writer had counted before it stopped.
    written = status == ImportStatus.SUCCEEDED and result.ok
    ImportRun.objects.filter(pk=run.pk).update(
        status=status,
        finished_at=timezone.now(),
        rows=result.rows,
        created=result.created if written else 0,
        updated=result.updated if written else 0,
        unchanged=result.unchanged if written else 0,
        error_count=result.error_count,
        errors="\n".join(errors),
        warnings="\n".join([str(warning) for warning in result.warnings] + result.notes),
    )
