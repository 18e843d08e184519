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
