"""One-time questionnaire tokens: a fresh random token, its stored hash, and the invitation (or
the saved draft) a token names.

Below both selectors and services (both need them), so neither imports the other for this. A
token is random (256 bits) and the database holds only its SHA-256 hash; nothing derives a token
from anything stored, so no one (not even the server) can rebuild an invited person's link. The
invited person gets a fresh token from ``services.issue_token`` (see docs/architecture.md,
"Anonymous survey answers").
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils.translation import gettext as _

from skreddersy.core.errors import NotFound
from skreddersy.insight.models import Invitation, ResponseDraft


def new_token() -> str:
    """A one-time token: 256 random bits, URL-safe. Only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation:
    inv = Invitation.objects.select_related("wave", "wave__survey", "office").filter(
        token_hash=token_hash(token or "")).first()
    if inv is None:
        raise NotFound(_("Lenken er ugyldig."))
    return inv


def draft_for(token: str) -> ResponseDraft | None:
    return ResponseDraft.objects.filter(token_hash=token_hash(token or "")).first()
