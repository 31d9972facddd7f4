from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class DefaultLanguageMiddleware(MiddlewareMixin):
    """Simplified Chinese for everyone unless the user chose English (language cookie set by /i18n/setlang/).

    Django's LocaleMiddleware would follow the browser's Accept-Language; the back office's working
    language is Chinese whatever the browser says, with English as an explicit choice.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class AdminCspMiddleware:
    """Adds ``CSP_ADMIN_SCRIPT_SRC`` to the script sources of /admin/ pages only (django-csp's
    per-response update): the API, its documentation and everything else keep the strict policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        extra = settings.CSP_ADMIN_SCRIPT_SRC
        if extra and request.path.startswith("/admin/"):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["script-src"] = [*update.get("script-src", []), *extra]
            response._csp_update = update
        return response
