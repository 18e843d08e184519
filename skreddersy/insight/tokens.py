"""One-time questionnaire links: the token, its stored hash, and the invitation a token names.

Below both selectors and services (both need them), so neither imports the other for this. The
database holds only a token's hash; the token is derived from the invitation's random nonce and
the server secret, so the invited person's own page can show their link.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from skreddersy.core.errors import NotFound
from skreddersy.insight.models import Invitation


def _token(nonce: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"insight-invitation:{nonce}".encode(), hashlib.sha256).hexdigest()[:40]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(invitation: Invitation) -> str:
    """The one-time link token of an invitation."""
    return _token(invitation.nonce)


def invitation_for_token(token: str) -> Invitation:
    inv = Invitation.objects.select_related("wave", "wave__survey", "office").filter(
        token_hash=token_hash(token or "")).first()
    if inv is None:
        raise NotFound("Lenken er ugyldig.")
    return inv
