"""Reads for client records. Every read of a client's data is scoped to the acting user and audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from skreddersy.clients.models import Client, NeedsMapping, SharingConsent
from skreddersy.core import audit
from skreddersy.core.errors import NotFound
from skreddersy.core.records import CONSENT_CATEGORIES, RecordSide, other_side, side_of
from skreddersy.core.shapes import Shape
from skreddersy.policy import access

# every read of one client starts here (core.shapes: compiled once, not on every request)
_CLIENT = Shape("client", lambda key, client_id: Client.objects.select_related("office", "counsellor")
                .filter(pk=client_id).order_by("pk")[:1])


def _client(client_id: int) -> Client:
    client = _CLIENT.first((), client_id)
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


@dataclass
class ConsentLine:
    """One category a consent can name: who holds it, who would see it, and the active consent."""

    category: str
    label: str
    holder: str  # the side that holds the records
    recipient: str  # the side that sees them with the consent
    consent: SharingConsent | None

    @property
    def given(self) -> bool:
        return self.consent is not None


@dataclass
class SharingPage:
    client: Client
    lines: list[ConsentLine]
    history: list[SharingConsent]


def sharing_consent(*, user, client_id: int) -> SharingPage:
    """The client's consents to share between the state and the municipal side of their office:
    each category with the active consent (if any), and the history (given, withdrawn, by whom
    and how). The client on Min side, or Nav staff with a follow-up role; audited as a read."""
    client = _client(client_id)
    access.require_client_or_nav(user, client, what="samtykke til deling")
    audit.record(user, client.pk, audit.READ, "samtykke til deling")
    history = list(SharingConsent.objects.filter(client=client).select_related("office").order_by("-given_at", "-id")[:200])
    active = {c.category: c for c in history if c.active and c.office_id == client.office_id}
    holder = {RecordSide.STATE: _("staten"), RecordSide.MUNICIPAL: _("kommunen")}
    reader = {RecordSide.STATE: _("statlig ansatte"), RecordSide.MUNICIPAL: _("kommunalt ansatte")}
    lines = [ConsentLine(category=c.value, label=str(c.label), holder=str(holder[side_of(c)]),
                         recipient=str(reader[other_side(side_of(c))]), consent=active.get(c.value))
             for c in CONSENT_CATEGORIES]
    return SharingPage(client=client, lines=lines, history=history)
