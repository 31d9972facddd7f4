from core.tasks import job_task, task_user

from .services import code_yearend_job


@job_task(name="codes.run_code_yearend", hard_limit=60 * 60)
def code_yearend_task(self, year: int, user_id=None) -> dict[str, int]:
    """Year-end recycling proposals (R-B-YEAREND); safe to run twice."""
    return code_yearend_job(year=int(year), user=task_user(user_id))
