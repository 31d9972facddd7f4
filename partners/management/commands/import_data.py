import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from partners.choices import ImportSource
from partners.imports.services import data_file_import
from partners.imports.specs import SPECS


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8, header row) or .xlsx file of one kind: all rows or nothing. "
        "Every bad row is listed as 'row N: column: reason' (N counts the header as row 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(SPECS), help="what the file holds")
        parser.add_argument("file", help="path of the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")

    def handle(self, *args, kind, file, dry_run=False, **options):
        quiet = options.get("verbosity", 1) == 0
        stream = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(desc=f"{kind}", unit=" 行", file=stream, disable=quiet or not stream.isatty(), leave=False) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            def report(error) -> None:
                bar.clear()
                self.stderr.write(str(error))

            try:
                result = data_file_import(
                    kind=kind, file=file, dry_run=dry_run, source=ImportSource.COMMAND,
                    on_progress=progress, on_error=report,
                )
            except FileNotFoundError:
                raise CommandError(f"文件不存在：{file}") from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"提示 {warning}"))
        for note in result.notes:
            self.stdout.write(note)
        if not result.ok:
            raise CommandError(
                f"导入被拒绝：{result.error_count} 个错误，未写入任何数据（导入记录 #{result.run_id}）",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"{kind} {result.file_name}: {result.summary()}"))
