"""What every log line says about where it comes from: the HTTP request id and the job run id.

``RequestIdMiddleware`` takes the request id from the proxy's ``X-Request-ID`` (when it is a sane
token) or makes one, answers it in the response header and keeps it for the request's log lines.
A job run becomes the context of the log lines that follow its creation (``JobRun`` saved as new in
this thread or task); Celery tasks and requests start with an empty context. ``LogContextFilter``
(production logging) puts both on every record, ``-`` when there is none.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
job_run_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("job_run_id", default="-")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}").fullmatch


class LogContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.job_run_id = job_run_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        request_token = request_id_var.set(request_id)
        job_token = job_run_id_var.set("-")
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(request_token)
            job_run_id_var.reset(job_token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def bind_job_run(job_run_id) -> None:
    """Make ``job_run_id`` the job run of the log lines that follow (in this thread or task)."""
    job_run_id_var.set(str(job_run_id))


def clear_context(**_kwargs) -> None:
    request_id_var.set("-")
    job_run_id_var.set("-")


def _job_run_saved(sender, instance, created, **_kwargs) -> None:
    if created:
        bind_job_run(instance.pk)


def connect() -> None:
    """Called from ``CoreConfig.ready``: follow job runs, start every Celery task with a clean context."""
    from celery.signals import task_postrun, task_prerun
    from django.db.models.signals import post_save

    from core.models import JobRun

    post_save.connect(_job_run_saved, sender=JobRun, dispatch_uid="core.log_context.job_run")
    task_prerun.connect(clear_context, dispatch_uid="core.log_context.task_prerun", weak=False)
    task_postrun.connect(clear_context, dispatch_uid="core.log_context.task_postrun", weak=False)
