from celery import shared_task

from .services import run_code_yearend


@shared_task(name="codes.run_code_yearend", time_limit=60 * 60, soft_time_limit=55 * 60, acks_late=True)
def code_yearend_task(year: int) -> dict[str, int]:
    """Year-end recycling proposals (R-B-YEAREND); safe to run twice."""
    return run_code_yearend(year=int(year))
