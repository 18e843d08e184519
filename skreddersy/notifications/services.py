"""Writes about notifications: the client's contact preference (by the client on Min side or by
their counsellor). The read receipt is ``outbox.mark_read``, which the Min side read calls."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.clients.services import load_client
from skreddersy.core import clock
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.notifications.models import ContactPreference
from skreddersy.policy import access

Channel = ContactPreference.Channel


def _phone(value: str) -> str:
    """A Norwegian mobile number (8 digits starting 4 or 9) or an international one (+ and 8-15 digits)."""
    raw = "".join(value.split())
    if not raw:
        return ""
    digits = raw[1:] if raw.startswith("+") else raw
    if not digits.isdigit():
        raise InvalidInput(_("Mobilnummeret kan bare inneholde sifre (og + foran landkoden)."), field="phone")
    if raw.startswith("+"):
        if not 8 <= len(digits) <= 15:
            raise InvalidInput(_("Et utenlandsk nummer har landkode og 8 til 15 sifre."), field="phone")
        return raw
    if len(digits) == 10 and digits.startswith("47"):
        digits = digits[2:]
    if len(digits) != 8 or digits[0] not in "49":
        raise InvalidInput(_("Et norsk mobilnummer har 8 sifre og begynner med 4 eller 9."), field="phone")
    return "+47" + digits


def set_preference(*, user, client: Client | int, channel: str, phone: str = "", email: str = "",
                   krr_reserved: bool | None = None) -> ContactPreference:
    """The client's choice of SMS, e-mail or no notification, and the contact details. The KRR
    reservation comes from the register: only Nav records it."""
    client = load_client(client)
    with audited_write(user, client.pk, "varsling: valg") as a:
        by_client = access.require_client_or_nav(user, client, what="varsling: valg")
        if by_client and krr_reserved is not None:
            raise AccessDenied(_("Reservasjonen mot digital kontakt registreres i Kontakt- og reservasjonsregisteret."),
                               field="krr_reserved")
        errors = {}
        if channel not in Channel.values:
            errors["channel"] = _("Velg SMS, e-post eller ingen varsel.")
        try:
            phone = _phone(phone or "")
        except InvalidInput as exc:
            errors["phone"] = exc.message
        email = (email or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = _("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")
        if not errors and channel == Channel.SMS and not phone:
            errors["phone"] = _("Skriv et mobilnummer for å få varsel på SMS.")
        if not errors and channel == Channel.EMAIL and not email:
            errors["email"] = _("Skriv en e-postadresse for å få varsel på e-post.")
        if errors:
            raise InvalidInput(_("Varslingsvalget kan ikke lagres."), errors=errors)
        pref, _created = ContactPreference.objects.get_or_create(client=client)
        pref.channel, pref.phone, pref.email = channel, phone, email
        if krr_reserved is not None:
            pref.krr_reserved = bool(krr_reserved)
        pref.updated_at, pref.updated_by = clock.now(), user
        pref.save()
        who = "bruker" if by_client else "veileder"
        journal.append(client_id=client.pk, kind=journal.Kind.CLIENT, actor=user, obj=pref, visible_to_client=True,
                       summary=f"Varslingsvalg endret av {who}: {pref.get_channel_display()}")
        a["obj"] = pref
    return pref
