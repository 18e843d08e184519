"""The client's written standard on every page they see (Min side, their access log, the letters).

A client who reads nynorsk (``Client.written_standard``, core.languages) gets the product's own
words in nynorsk whatever the browser says; a client who picked another language with the language
switch (English) keeps it. Staff pages are never affected: a counsellor reads their own language,
and a letter rendered for a client switches language only for that render
(``translation.override`` in the letter's view)."""

from __future__ import annotations

from django.utils import translation

from skreddersy.policy import access


class ClientWrittenStandard:
    """After authentication: activate nynorsk for a nynorsk client unless they chose English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "kind", "") == "client":
            wanted = access.actor(user).client_language
            if wanted == "nn" and translation.get_language() in ("nb", "no", None):
                translation.activate("nn")
                request.LANGUAGE_CODE = "nn"
        return self.get_response(request)
