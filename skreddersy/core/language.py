"""Which languages the product speaks, and what happens to a code it does not.

A code comes from the language switch (``POST /i18n/setlang/``), a ``?lang=`` link, the language
cookie, the user's saved choice (``User.language``) or the browser's Accept-Language (which is
ignored unless the user has chosen: core/middleware.py ``BokmaalUnlessChosen``). One that names no
language in ``settings.LANGUAGES`` (``xx``, ``zz``, a 10,000-character string, ``../``) falls back
to bokmål with a notice, never an error."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

MAX_CODE = 20  # longer than any code in LANGUAGES ("en-gb", "nb-no"); longer is not a language code


def supported(code: str | None) -> str | None:
    """The product's language for ``code`` (``en-GB`` -> ``en``), or None for a code it does not have."""
    if not code or not isinstance(code, str) or len(code) > MAX_CODE:
        return None
    try:
        return translation.get_supported_language_variant(code.strip())
    except LookupError:
        return None


def fallback() -> str:
    return settings.LANGUAGE_CODE


def notice(code: str) -> str:
    """What a user who asked for a language the product does not have reads: in bokmål (the page's
    language) and English, since whoever asked may read neither Norwegian nor the code they sent."""
    shown = (
        code
        if len(code) <= MAX_CODE and code.isprintable()
        else code[:MAX_CODE].encode("ascii", "replace").decode() + "…"
    )
    parts = []
    for lang in (fallback(), "en"):
        with translation.override(lang):
            parts.append(
                _("Språket «%(code)s» finnes ikke i skreddersy. Siden vises på norsk bokmål.") % {"code": shown}
            )
    return " / ".join(dict.fromkeys(parts))


def set_cookie(response, code: str) -> None:
    """The language cookie, with the settings Django's own language switch uses."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
