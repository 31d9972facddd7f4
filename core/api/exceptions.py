"""The API's one exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Services raise Django exceptions; this turns them into DRF responses in the request's language:
- ``ValidationError`` (and ``core.approval.ApprovalError``) → 400, ``{field: [reasons]}`` when the error names
  fields (``__all__`` becomes ``non_field_errors``), else ``{"detail": [reasons]}``;
- ``PermissionDenied`` → 403 with the service's reason (or DRF's own message);
- ``Http404`` → 404 with DRF's message (``{"detail": "未找到。"}``, "Not found." in English) rather than
  Django's English "No … matches the given query.".
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


def validation_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
                for field, messages in exc.message_dict.items()}
    return {"detail": exc.messages}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return exception_handler(exc, context)


def api_aware_page_not_found(request, exception):
    """``handler404``: an address under ``/api/`` that matches no route answers like every API 404 (JSON
    ``{"detail": …}`` in the request's language); elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
