"""The one base of the ``run_…`` management commands: parse the period option, show a progress bar, run the
app's ``<entity>_job`` and turn a refusal into a non-zero exit with the job's message (CONTRACT.md §2)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from .jobs import JobRefused
from .months import parse_date, parse_month


class ProgressBar:
    """A tqdm bar driven by ``core.jobs`` progress callbacks ``(done, total)``."""

    def __init__(self, description: str, *, unit: str, stream, disable: bool = False):
        self._bar = tqdm(desc=description, total=0, unit=unit, file=stream, dynamic_ncols=True, disable=disable)

    def __call__(self, done: int, total: int) -> None:
        if self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


def _year(value: str) -> int:
    if not (value.isdigit() and len(value) == 4):
        raise ValueError(f"“{value}” 不是年份（YYYY）")
    return int(value)


class JobCommand(BaseCommand):
    """Subclasses set ``period`` (``date`` | ``month`` | ``year``), ``bar_label``/``bar_unit`` and implement
    ``run(value, *, on_progress, options)`` (calling the app's ``<entity>_job``) and ``summary(value, counts)``."""

    period: str = "month"
    period_required: bool = True
    period_help: str = ""
    bar_label: str = ""
    bar_unit: str = "项"
    #: how a refusal is printed; ``{exc}`` is the job's own message
    refused_format: str = "{exc}"

    PARSERS = {"date": parse_date, "month": parse_month, "year": _year}
    HELPS = {"date": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}

    def add_arguments(self, parser):
        parser.add_argument(f"--{self.period}", required=self.period_required,
                            help=self.period_help or self.HELPS[self.period])

    def default_period(self):
        """The value when the option is optional and not given (e.g. today)."""
        return timezone.localdate()

    def handle(self, *args, **options):
        raw = options[self.period]
        try:
            value = self.PARSERS[self.period](str(raw)) if raw is not None else self.default_period()
        except ValueError as exc:
            raise CommandError(f"--{self.period}: {exc}") from None
        bar = ProgressBar(self.bar_description(value), unit=self.bar_unit, stream=self.stderr,
                          disable=options.get("verbosity", 1) == 0)
        try:
            counts = self.run(value, on_progress=bar, options=options)
        except JobRefused as exc:
            raise CommandError(self.refused_format.format(exc=exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(self.summary(value, counts)))
        self.after(value, counts)

    def bar_description(self, value) -> str:
        return f"{self.bar_label} {self.format_period(value)}"

    def format_period(self, value) -> str:
        if self.period == "month":
            return f"{value:%Y-%m}"
        if self.period == "date":
            return f"{value:%Y-%m-%d}"
        return str(value)

    def run(self, value, *, on_progress, options) -> dict:
        raise NotImplementedError

    def summary(self, value, counts: dict) -> str:
        return f"{self.format_period(value)}: " + ", ".join(f"{key}={item}" for key, item in counts.items())

    def after(self, value, counts: dict) -> None:
        """Extra lines after the summary (warnings)."""
