"""Reads for client records. Every read of a client's data is scoped to the acting user and audited."""

from __future__ import annotations

from dataclasses import dataclass

from skreddersy.clients.models import Client, NeedsMapping
from skreddersy.core import audit
from skreddersy.core.errors import NotFound
from skreddersy.policy import access


def _client(client_id: int) -> Client:
    client = Client.objects.select_related("office", "counsellor").filter(pk=client_id).first()
    if client is None:
        raise NotFound("Fant ingen bruker med denne id-en.")
    return client


def get_client(*, user, client_id: int, what: str, why: str = "", nav: bool = False) -> Client:
    """The client, if ``user`` may see them (AccessDenied, audited, otherwise). Audits the read.
    ``nav=True``: Nav staff with a follow-up role only (the client themself is refused)."""
    client = _client(client_id)
    if nav:
        access.require_nav(user, client, what=what)
    else:
        access.require_client(user, client, what=what)
    audit.record(user, client.pk, audit.READ, what, why=why)
    return client


def mapping_history(*, user, client_id: int) -> list[NeedsMapping]:
    client = get_client(user=user, client_id=client_id, what="kartlegging: historikk")
    return list(NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version"))


def current_mapping(*, user, client_id: int) -> NeedsMapping | None:
    client = get_client(user=user, client_id=client_id, what="kartlegging")
    return NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version").first()


@dataclass
class MappingForm:
    client: Client
    current: NeedsMapping | None

    @property
    def next_version(self) -> int:
        return self.current.version + 1 if self.current else 1


def mapping_form(*, user, client_id: int) -> MappingForm:
    """The client and their current needs mapping, for a new version: the client on their own
    record or Nav staff with a follow-up role (one access check, one audit entry)."""
    client = _client(client_id)
    access.require_client_or_nav(user, client, what="kartlegging: endre")
    audit.record(user, client.pk, audit.READ, "kartlegging: endre")
    current = NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version").first()
    return MappingForm(client, current)
