from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the caller chose another language.

    - The admin and the pages: the language switch (cookie set by /i18n/setlang/); a browser's
      Accept-Language alone does not switch the back office, whose working language is Chinese.
    - The API (``/api/``): the cookie, else an explicit ``Accept-Language`` naming a supported language
      (``en``, ``en-US``…), else Chinese. Responses vary on Accept-Language (LocaleMiddleware).
    """

    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in supported:
            language = chosen
        elif request.path_info.startswith(API_PREFIX) and request.headers.get("Accept-Language"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        translation.deactivate()  # the next request (or code outside requests) starts from the default again
        return response
