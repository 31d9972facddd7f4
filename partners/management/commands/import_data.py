import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from partners.choices import ImportSource
from partners.imports.services import data_file_import
from partners.imports.specs import SPECS
from partners.imports.template_files import template_workbook


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8, header row) or .xlsx file of one kind: all rows or nothing. "
        "Every bad row is listed as 'row N: column: reason' (N counts the header as row 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(SPECS), help="what the file holds")
        parser.add_argument("file", nargs="?", help="path of the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--template", metavar="OUT.xlsx",
                            help="write the kind's template (Chinese headers and an example row) and exit")

    def handle(self, *args, kind, file=None, dry_run=False, template=None, **options):
        if template:
            Path(template).write_bytes(template_workbook(SPECS[kind]))
            self.stdout.write(self.style.SUCCESS(f"{kind}: 模板已写入 {template}"))
            return
        if not file:
            raise CommandError("请给出要导入的文件，或用 --template OUT.xlsx 生成模板")
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
