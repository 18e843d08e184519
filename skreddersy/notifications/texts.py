"""The only texts a notification carries: that something waits on Min side, and its address.

Never a name, an identity number, a subject or a word of the message: an SMS or e-mail can be read
by others (a shared phone, a work mailbox), and for a client with a protected address even the
fact of a message from a particular office may reveal too much. ``tests/notifications`` scans
every body produced for personal data.
"""

from django.conf import settings

SUBJECTS = {
    "nb": "Du har en ny melding fra Nav",
    "nn": "Du har ei ny melding frå Nav",
    "en": "You have a new message from Nav",
}

BODIES = {
    "nb": "Du har en ny melding fra Nav. Logg inn på Min side for å lese den: {url}",
    "nn": "Du har ei ny melding frå Nav. Logg inn på Mi side for å lese ho: {url}",
    "en": "You have a new message from Nav. Log in to Min side to read it: {url}",
}

LETTER_BODIES = {
    "nb": "Du har en ny melding fra Nav. Logg inn på Min side for å lese den: {url}. "
          "Har du ikke mulighet til å logge inn, kan du ringe Nav på 55 55 33 33.",
    "nn": "Du har ei ny melding frå Nav. Logg inn på Mi side for å lese ho: {url}. "
          "Har du ikkje høve til å logge inn, kan du ringje Nav på 55 55 33 33.",
    "en": "You have a new message from Nav. Log in to Min side to read it: {url}. "
          "If you cannot log in, call Nav on +47 55 55 33 33.",
}


def language(code: str) -> str:
    """nynorsk or English if the client's language says so; bokmål otherwise."""
    code = (code or "").lower()
    return {"nn": "nn", "nno": "nn", "en": "en", "eng": "en"}.get(code, "nb")


def subject(code: str) -> str:
    return SUBJECTS[language(code)]


def body(code: str) -> str:
    return BODIES[language(code)].format(url=settings.NOTIFICATION_MIN_SIDE_URL)


def letter_body(code: str) -> str:
    return LETTER_BODIES[language(code)].format(url=settings.NOTIFICATION_MIN_SIDE_URL)
