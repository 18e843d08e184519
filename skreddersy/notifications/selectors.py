"""Reads about notifications: the contact preference page and the printable letter."""

from __future__ import annotations

from dataclasses import dataclass

from skreddersy.clients.models import Client
from skreddersy.clients.selectors import get_client
from skreddersy.core.errors import NotFound
from skreddersy.notifications import texts
from skreddersy.notifications.models import ContactPreference, Notification


def preference(*, user, client_id: int) -> tuple[Client, ContactPreference]:
    """The client's contact preference (an unsaved default if none is registered)."""
    client = get_client(user=user, client_id=client_id, what="varsling: valg")
    pref = ContactPreference.objects.filter(client_id=client.pk).first() or ContactPreference(client=client)
    return client, pref


@dataclass
class Letter:
    notification: Notification
    client: Client
    text: str
    protected: bool


def letter(*, user, notification_id: int) -> Letter:
    """A letter notification, for Nav to print and post. For a client with a protected address
    the page holds no address and says to follow the routine for kode 6/7 instead."""
    n = Notification.objects.filter(pk=notification_id, channel=Notification.Channel.LETTER).first()
    if n is None:
        raise NotFound("Fant ikke brevet.")
    client = get_client(user=user, client_id=n.client_id, what="varsling: brev", nav=True)
    return Letter(n, client, texts.letter_body(client.render_language), bool(client.address_protection))
