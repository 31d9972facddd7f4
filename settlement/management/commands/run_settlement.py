from core.jobcommand import JobCommand
from settlement.services import settlement_job


class Command(JobCommand):
    help = "Compute the monthly settlement statements (R-S-*) for one month; idempotent, refuses approved changes."
    period = "month"
    bar_label = "settlement"
    bar_unit = "合同"

    def run(self, value, *, on_progress, options):
        return settlement_job(month=value, on_progress=on_progress)

    def summary(self, value, counts):
        return (
            f"{value:%Y-%m}: {counts['contracts']} contracts, created {counts['created']}, "
            f"updated {counts['updated']}, unchanged {counts['unchanged']}, deleted {counts['deleted']}, "
            f"on hold {counts['on_hold']}, stopped {counts['stopped']}, "
            f"carried forward {counts['carried_forward']}, amount due {counts['amount_due']}"
        )

    def after(self, value, counts):
        if counts["later_drafts_to_rerun"]:
            self.stdout.write(self.style.WARNING(
                f"{counts['later_drafts_to_rerun']} later draft statements depend on this month: re-run those months."
            ))
