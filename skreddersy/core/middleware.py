"""Request middleware of the core."""

from django.conf import settings


class BokmaalUnlessChosen:
    """Norwegian bokmål unless the user picked another language with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, so a
    counsellor on an English-language computer would get English without asking for it. The
    choice made with the switch (the language cookie) is always honoured. Runs before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ServiceErrorPages:
    """The one way a ``ServiceError`` becomes a page: a view that does not turn it into form
    errors lets it rise, and this renders ``error.html`` with the error's own status (403, 404,
    409, 422), for every app. An htmx request gets the page's message as a fragment. The JSON
    API has its own handler (``skreddersy/api.py``) built on the same ``ServiceError.as_dict``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from skreddersy.core.errors import ServiceError

        if not isinstance(exception, ServiceError):
            return None
        return error_page(request, exception)


def error_page(request, exc):
    """The page (or htmx fragment) for a ``ServiceError``, with its status."""
    from django.shortcuts import render

    template = "error_fragment.html" if request.headers.get("HX-Request") == "true" else "error.html"
    return render(request, template, {"reason": exc.message, "status": exc.status, "errors": exc.errors}, status=exc.status)
