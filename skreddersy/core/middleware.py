"""Request middleware of the core."""

from django.conf import settings


class BokmaalUnlessChosen:
    """Norwegian bokmål unless the user picked another language with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, so a
    counsellor on an English-language computer would get English without asking for it. The
    choice made with the switch (the language cookie) is always honoured. Runs before LocaleMiddleware.

    A language the product does not have falls back to bokmål with a notice (core/language.py),
    never an error: a ``?lang=xx`` link, or a language cookie ``xx`` (which is also deleted, so
    the browser's Accept-Language does not decide instead). ``?lang=en`` shows that one page in
    English without changing the user's choice (a link in an e-mail, say).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from skreddersy.core import language

        name = settings.LANGUAGE_COOKIE_NAME
        request.language_unknown = None
        request.language_for_page = None
        drop_cookie = False
        if "lang" in request.GET:
            wanted = request.GET.get("lang", "")
            code = language.supported(wanted)
            if code is None:
                request.language_unknown = wanted
                code = language.fallback()
            request.language_for_page = code
            request.COOKIES[name] = code  # for LocaleMiddleware, this request only
        elif name in request.COOKIES and language.supported(request.COOKIES[name]) is None:
            request.language_unknown = request.COOKIES.pop(name)
            drop_cookie = True
        if name not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        response = self.get_response(request)
        if drop_cookie:
            response.delete_cookie(name, path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        unknown = getattr(request, "language_unknown", None)
        if unknown is not None and hasattr(request, "_messages") and not request.path.startswith("/api/"):
            from django.contrib import messages

            from skreddersy.core import language

            messages.warning(request, language.notice(unknown))
        return None


class UserLanguage:
    """The language a logged-in user chose (``User.language``) wins over the cookie, on every
    device, and the cookie follows it, so the login page after logging out stays in that language.
    Runs after AuthenticationMiddleware. A ``?lang=`` link still decides its one page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        from skreddersy.core import language

        chosen = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(request, "language_for_page", None) is None:
            chosen = language.supported(getattr(user, "language", ""))
            if chosen and chosen != translation.get_language():
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            language.set_cookie(response, chosen)
        return response


class SecurityHeaders:
    """Headers every dynamic response carries (static files are answered by WhiteNoise before this
    runs, so they stay cacheable):

    - ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``): scripts only from the
      product's own static files, no inline script, no eval (htmx is configured for it in
      ``base.html``), no framing, forms post only here;
    - ``Cache-Control: no-store`` (with ``private`` and the rest of Django's ``never_cache``): pages
      and API answers carry personal data, which no browser cache or proxy may keep.
    HSTS and secure cookies come from Django's ``SecurityMiddleware`` and the settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        add_never_cache_headers(response)
        return response


class Idempotency:
    """``Idempotency-Key`` on the JSON API's unsafe requests: a retry gets the first answer and the
    work is done once (``core/idempotency.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            from skreddersy.core import idempotency

            if idempotency.applies(request):
                return idempotency.handle(request, self.get_response)
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
        from skreddersy.core.errors import ServiceError, out_of_range, out_of_range_errors

        if isinstance(exception, out_of_range_errors()):
            return error_page(request, out_of_range(exception))
        if not isinstance(exception, ServiceError):
            return None
        return error_page(request, exception)


def error_page(request, exc):
    """The page (or htmx fragment) for a ``ServiceError``, with its status."""
    from django.shortcuts import render

    template = "error_fragment.html" if request.headers.get("HX-Request") == "true" else "error.html"
    return render(request, template, {"reason": exc.message, "status": exc.status, "errors": exc.errors}, status=exc.status)


class AuditDenials:
    """Every refused request leaves an audit entry, whichever gate refused it: a selector or
    service (which audits the attempt itself, with the client), a view's gate (``staff_view``,
    ``client_view``, the insight and measures gates), Django's ``login_required`` and the admin
    site (a redirect to a login page), or the API's authentication (401). A request whose denial
    is already in the trail gets no second entry.

    The entry names the route and method (``GET person/<int:client_id>/``), never the path's
    query string, and the client when the route names one."""

    DENIED_STATUSES = {401: "ikke innlogget", 403: "ingen tilgang", 404: "ikke funnet"}

    def __init__(self, get_response):
        self.get_response = get_response
        self._login_paths: frozenset[str] | None = None

    def __call__(self, request):
        from skreddersy.core import audit

        token = audit.reset_denial_flag()
        try:
            response = self.get_response(request)
            if not audit.denial_recorded():
                why = self._denial(request, response)
                if why:
                    self._record(request, why)
        finally:
            audit._denial_recorded.reset(token)
        return response

    def login_paths(self) -> frozenset[str]:
        if self._login_paths is None:
            from django.shortcuts import resolve_url
            from django.urls import NoReverseMatch, reverse

            paths = {resolve_url(settings.LOGIN_URL)}
            for name in ("client_login", "admin:login"):
                try:
                    paths.add(reverse(name))
                except NoReverseMatch:
                    pass
            self._login_paths = frozenset(paths)
        return self._login_paths

    def _denial(self, request, response) -> str:
        from urllib.parse import parse_qs, urlsplit

        status = response.status_code
        match = getattr(request, "resolver_match", None)
        if status in (401, 403):
            return f"{self.DENIED_STATUSES[status]} ({status})"
        if status == 404 and match is not None and request.user.is_authenticated:
            return f"{self.DENIED_STATUSES[404]} (404)"
        if status in (301, 302, 303, 307) and match is not None:
            target = urlsplit(response.get("Location", ""))
            logins = self.login_paths()
            if target.path in logins and request.path not in logins and "next" in parse_qs(target.query):
                return "krever innlogging (videresendt til innlogging)"
        return ""

    def _record(self, request, why: str) -> None:
        from skreddersy.core import audit

        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "(ukjent adresse)"
        client_id = None
        if match is not None:
            raw = match.kwargs.get("client_id")
            if isinstance(raw, int) and -(2**63) <= raw < 2**63:
                client_id = raw
        audit.record(getattr(request, "user", None), client_id, audit.DENIED, f"{request.method} {route}"[:80], why=why)
