"""Reads for client records. Every read of a client's data is scoped to the acting user and audited."""

from __future__ import annotations

from skreddersy.clients.models import Client, NeedsMapping
from skreddersy.core import audit
from skreddersy.core.errors import NotFound
from skreddersy.policy import access


def get_client(*, user, client_id: int, what: str, why: str = "") -> Client:
    """The client, if ``user`` may see them (AccessDenied, audited, otherwise). Audits the read."""
    client = Client.objects.select_related("office", "counsellor").filter(pk=client_id).first()
    if client is None:
        raise NotFound("Fant ingen bruker med denne id-en.")
    access.require_client(user, client, what=what)
    audit.record(user, client.pk, audit.READ, what, why=why)
    return client


def mapping_history(*, user, client_id: int) -> list[NeedsMapping]:
    client = get_client(user=user, client_id=client_id, what="kartlegging: historikk")
    return list(NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version"))


def current_mapping(*, user, client_id: int) -> NeedsMapping | None:
    client = get_client(user=user, client_id=client_id, what="kartlegging")
    return NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version").first()
