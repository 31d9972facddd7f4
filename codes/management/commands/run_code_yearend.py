from codes.services import code_yearend_job
from core.jobcommand import JobCommand


class Command(JobCommand):
    help = "Propose recycling for monthly codes in force over a year with a low 6-month average (R-B-YEAREND)."
    period = "year"
    period_help = "the year that ends, e.g. 2026"
    bar_label = "年末清理"
    bar_unit = "代码"

    def run(self, value, *, on_progress, options):
        return code_yearend_job(year=value, on_progress=on_progress)

    def summary(self, value, counts):
        return (f"{value}: {counts['candidates']} candidates; proposals created {counts['created']}, "
                f"updated {counts['updated']}, deleted {counts['deleted']}, unchanged {counts['unchanged']}")
