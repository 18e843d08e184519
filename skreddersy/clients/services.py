"""Writes for client records and needs mapping (kartlegging)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skreddersy import journal
from skreddersy.clients import contact
from skreddersy.clients.models import (
    AddressProtection,
    Client,
    FollowUpPeriod,
    NeedAssessment,
    NeedsMapping,
    PendingRegistration,
    SharingConsent,
)
from skreddersy.core import audit, clock, fnr, reference
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.models import Office
from skreddersy.core.records import CONSENT_CATEGORIES, RecordCategory, other_side, side_of
from skreddersy.policy import access
from skreddersy.timeuse import record as timelog


def touch_contact(client_id: int, at, category: str) -> None:
    """A contact (a message from Nav, a meeting note) of ``category`` at ``at``: keep the newest
    contact time in the columns of the sides that see it by their own right
    (``contact.columns_for``; the reader's last contact is followup.lastcontact's). Called inside
    the writing service's transaction."""
    # one UPDATE for both sides' columns: each takes ``at`` where it is empty or older
    Client.objects.filter(pk=client_id).update(**{
        column: Case(When(Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__lt": at}), then=Value(at)),
                     default=F(column))
        for column in contact.columns_for(category)
    })


def load_client(value: Client | int) -> Client:
    """The client a write is about, given as an instance or an id (NotFound for an unknown id).
    Neither checks access nor audits: the service it is handed to does both, once."""
    if isinstance(value, Client):
        return value
    client = Client.objects.select_related("office", "counsellor").filter(pk=value).first() if isinstance(value, int) else None
    if client is None:
        raise NotFound("Fant ingen bruker med denne id-en.")
    return client


def register_client(*, user, fnr_value: str, first_name: str, last_name: str, municipality: str, office: Office,
                    counsellor=None, language: str = "nb", needs_interpreter: bool = False, manual_followup: bool = False,
                    immigrant_non_eea: bool = False, long_term_unemployed: bool = False,
                    address_protection: str = "", skjermet: bool = False) -> Client:
    """Register a client at an office and open a follow-up period."""
    with audited_write(user, None, "bruker: registrer") as a:
        a_ = access.actor(user)
        if not a_.does_followup or office.pk not in a_.office_ids:
            raise AccessDenied(_("Du kan bare registrere brukere ved kontor du jobber ved."), field="office")
        errors = {}
        try:
            parsed = fnr.parse(fnr_value)
        except fnr.InvalidIdentityNumber as exc:
            errors["fnr"] = exc.translated()
            parsed = None
        if not first_name.strip():
            errors["first_name"] = _("Fornavn mangler.")
        if not last_name.strip():
            errors["last_name"] = _("Etternavn mangler.")
        if address_protection not in AddressProtection.values:
            errors["address_protection"] = _("Ugyldig adressebeskyttelse.")
        if counsellor is not None and office.pk not in counsellor.office_ids():
            errors["counsellor"] = _("Veilederen jobber ikke ved dette kontoret.")
        if parsed and Client.objects.filter(fnr=parsed.value).exists():
            errors["fnr"] = _("Det finnes allerede en bruker med dette fødselsnummeret.")
        if errors:
            raise InvalidInput(_("Brukeren kan ikke registreres."), errors=errors)
        client = Client.objects.create(
            fnr=parsed.value, first_name=first_name.strip(), last_name=last_name.strip(), birth_date=parsed.birth_date,
            municipality=municipality.strip(), office=office, counsellor=counsellor, language=language,
            needs_interpreter=needs_interpreter, manual_followup=manual_followup, immigrant_non_eea=immigrant_non_eea,
            long_term_unemployed=long_term_unemployed, address_protection=address_protection, skjermet=skjermet,
            created_at=clock.now(),
        )
        FollowUpPeriod.objects.create(client=client, start=clock.today())
        journal.append(client_id=client.pk, kind=journal.Kind.CLIENT, actor=user, obj=client, summary="Oppfølging startet")
        a["client_id"] = client.pk
        a["obj"] = client
    return client


def record_mapping(*, user, client: Client | int, entries: dict[str, dict], note: str = "") -> NeedsMapping:
    """Save a new version of the needs mapping. ``entries`` maps a domain key to
    ``{"counsellor": 0-3 or None, "client": 0-3 or None, "comment": str}``. A counsellor may set
    both views (the client's as told in a meeting); a client sets only their own view, and the
    counsellor's view is carried over from the previous version."""
    client = load_client(client)
    with audited_write(user, client.pk, "kartlegging") as a:
        by_client = access.require_client_or_nav(user, client, what="kartlegging")
        domains = reference.needs_domains()
        errors = {}
        for key, e in entries.items():
            if key not in domains:
                errors[key] = _("Ukjent behovsområde.")
                continue
            for side in ("counsellor", "client"):
                v = e.get(side)
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 3):
                    errors[f"{key}.{side}"] = _("Alvorlighet må være 0, 1, 2 eller 3.")
            if by_client and e.get("counsellor") is not None:
                errors[f"{key}.counsellor"] = _("Bare veileder kan sette veileders vurdering.")
        if errors:
            raise InvalidInput(_("Kartleggingen kan ikke lagres."), errors=errors)
        previous = NeedsMapping.objects.filter(client=client).order_by("-version").first()
        prev_entries = {e.domain: e for e in previous.entries.all()} if previous else {}
        version = (previous.version + 1) if previous else 1
        mapping = NeedsMapping.objects.create(client=client, version=version, created_by=user, created_at=clock.now(), note=note.strip())
        rows = []
        for key in domains:
            e = entries.get(key)
            prev = prev_entries.get(key)
            if e is None and prev is None:
                continue
            # A view left out of the entry is carried over; a view given as None is cleared.
            prev_counsellor = prev.counsellor_severity if prev else None
            prev_client = prev.client_severity if prev else None
            counsellor = prev_counsellor if (by_client or e is None) else e.get("counsellor", prev_counsellor)
            client_view = e.get("client", prev_client) if e is not None else prev_client
            if by_client and e is None and prev is not None:
                client_view = prev.client_severity
            comment = (e or {}).get("comment", prev.comment if prev else "") or ""
            if counsellor is None and client_view is None and not comment:
                continue
            rows.append(NeedAssessment(mapping=mapping, domain=key, counsellor_severity=counsellor, client_severity=client_view,
                                       comment=comment[:500]))
        NeedAssessment.objects.bulk_create(rows)
        who = "bruker" if by_client else "veileder"
        if not by_client:
            timelog.record(client_id=client.pk, office_id=client.office_id, staff=access.actor(user).staff,
                           kind=timelog.Kind.MAPPING, obj=mapping, at=mapping.created_at)
        journal.append(client_id=client.pk, kind=journal.Kind.MAPPING, actor=user, obj=mapping,
                       summary=f"Kartlegging versjon {version} lagret av {who}")
        a["obj"] = mapping
    return mapping


# --- registration and the client record, from the counsellors' pages ------------------------------

# The outcome's message is in bokmål; the page translates it (gettext_noop marks it for the catalogue)
REGISTRATION_RECEIVED = gettext_noop(
    "Registreringen er mottatt. Nye brukere fordeles av en leder ved kontoret; brukeren vises i "
    "oversikten din når du er tildelt som veileder. Spørsmål om registreringen: kontakt kontorleder."
)


@dataclass(frozen=True)
class RegistrationOutcome:
    """What a registration answers. ``existing``: the number belongs to a client the user may
    already see (offered by its id). ``received``: everything else that passed validation, the
    same answer whether the person was unknown (registered now, in the office's queue) or is
    followed up where the user may not see them (handed to the office's leaders), so that the
    answer never tells whether Nav knows a person elsewhere. See docs/decisions/0032-caseloads-registration-and-handout.md."""

    status: str
    message: str
    client_id: int | None = None


def request_registration(*, user, office: Office | int, fnr_value: str, first_name: str, last_name: str,
                         municipality: str, language: str = "nb", needs_interpreter: bool = False,
                         manual_followup: bool = False, immigrant_non_eea: bool = False,
                         long_term_unemployed: bool = False, reduced_work_capacity: bool = False) -> RegistrationOutcome:
    """A counsellor or leader registers a new client at an office they serve. Address protection
    and skjermet are not taken here: they come from the population and employee registers.

    Validation looks at the input alone (checksum, names, language), never at whether the
    number exists. Then: a number of a client the user may see is offered as that record; any
    other valid number gets the same receipt (``REGISTRATION_RECEIVED``): an unknown person is
    registered without a counsellor (the leader hands them out, with the office's rules as a
    suggestion); a person the user may not see becomes a ``PendingRegistration`` the office's
    leaders clear up."""
    office_obj = office if isinstance(office, Office) else Office.objects.filter(pk=office).first() if isinstance(office, int) else None
    what = "bruker: registrer"
    a_ = access.actor(user)
    if office_obj is None or not a_.does_followup or office_obj.pk not in a_.office_ids:
        audit.record(user, None, audit.DENIED, what, why="ikke ved kontoret")
        raise AccessDenied(_("Du kan bare registrere brukere ved kontor du jobber ved."), field="office")
    errors = {}
    try:
        parsed = fnr.parse(fnr_value or "")
    except fnr.InvalidIdentityNumber as exc:
        errors["fnr"] = exc.translated()
        parsed = None
    first, last, place = (first_name or "").strip(), (last_name or "").strip(), (municipality or "").strip()
    if not first:
        errors["first_name"] = _("Fornavn mangler.")
    elif len(first) > 100:
        errors["first_name"] = _("Fornavnet kan være høyst 100 tegn.")
    if not last:
        errors["last_name"] = _("Etternavn mangler.")
    elif len(last) > 100:
        errors["last_name"] = _("Etternavnet kan være høyst 100 tegn.")
    if not place:
        errors["municipality"] = _("Kommune mangler.")
    elif len(place) > 120:
        errors["municipality"] = _("Kommunenavnet kan være høyst 120 tegn.")
    lang = (language or "nb").strip().lower()
    if not (2 <= len(lang) <= 8 and lang.replace("-", "").isalpha()):
        errors["language"] = _("Oppgi språket som en språkkode, for eksempel nb, en eller ar.")
    if errors:
        audit.record(user, None, audit.WRITE, what, why="avvist: invalid (" + ", ".join(sorted(errors)) + ")")
        raise InvalidInput(_("Brukeren kan ikke registreres."), errors=errors)
    existing = Client.objects.filter(fnr=parsed.value).only("id", "office_id", "address_protection", "skjermet").first()
    if existing is not None and access.can_see_client(user, existing):
        audit.record(user, existing.pk, audit.READ, what, why="finnes allerede")
        return RegistrationOutcome(
            "existing", gettext_noop("Brukeren er allerede registrert. Åpne brukeren i stedet."), existing.pk
        )
    with transaction.atomic():
        if existing is None:
            client = Client.objects.create(
                fnr=parsed.value, first_name=first, last_name=last, birth_date=parsed.birth_date, municipality=place,
                office=office_obj, counsellor=None, language=lang, needs_interpreter=bool(needs_interpreter),
                manual_followup=bool(manual_followup), immigrant_non_eea=bool(immigrant_non_eea),
                long_term_unemployed=bool(long_term_unemployed), reduced_work_capacity=bool(reduced_work_capacity),
                created_at=clock.now(),
            )
            FollowUpPeriod.objects.create(client=client, start=clock.today())
            journal.append(client_id=client.pk, kind=journal.Kind.CLIENT, actor=user, obj=client, summary="Oppfølging startet")
            audit.record(user, client.pk, audit.WRITE, what, obj=client)
        else:
            pending = PendingRegistration.objects.create(office=office_obj, fnr=parsed.value, first_name=first, last_name=last,
                                                         requested_by=user, requested_at=clock.now())
            # the person's own access log shows the attempt; the counsellor sees only the receipt
            audit.record(user, existing.pk, audit.WRITE, what, why="til leder: ikke synlig for registrerende", obj=pending)
    return RegistrationOutcome("received", REGISTRATION_RECEIVED)


def resolve_pending_registration(*, user, pending: PendingRegistration | int) -> PendingRegistration:
    """A leader marks a registration the office could not make automatically as cleared up."""
    obj = PendingRegistration.objects.filter(pk=getattr(pending, "pk", pending)).first()
    if obj is None:
        raise InvalidInput(_("Fant ikke registreringen."), field="pending")
    access.require_hand_out(user, obj.office_id, what="bruker: registrering avklart")
    if obj.resolved_at is not None:
        raise InvalidInput(_("Registreringen er allerede avklart."), field="pending")
    with transaction.atomic():
        obj.resolved_at, obj.resolved_by = clock.now(), user
        obj.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(user, None, audit.WRITE, "bruker: registrering avklart", obj=obj)
    return obj


# The fields of the client record a counsellor may change. Identity number, birth date, office and
# counsellor have their own ways (the registers; handing out); address protection and skjermet come
# from the registers and an administrator, never from this form. Digital or manual follow-up is
# switched with a written reason within the open follow-up period (``followup.periods.switch_mode``,
# decision 0040), never here: ``manual_followup`` given with its current value is left as it is
# (a record read and sent back whole), a change is refused.
EDITABLE_FIELDS = ("first_name", "last_name", "municipality", "language", "written_standard", "needs_interpreter",
                   "immigrant_non_eea", "long_term_unemployed", "reduced_work_capacity")
_BOOL_FIELDS = {"needs_interpreter", "immigrant_non_eea", "long_term_unemployed", "reduced_work_capacity"}
MODE_FIELD = "manual_followup"


def update_client(*, user, client: Client | int, **changes) -> Client:
    """Change the client record (``EDITABLE_FIELDS`` only), audited, with a journal entry naming the
    fields changed. Unknown or protected fields, or bad values: InvalidInput, nothing written."""
    client = load_client(client)
    with audited_write(user, client.pk, "bruker: endre") as a:
        access.require_nav(user, client, what="bruker: endre")
        errors = {}
        if MODE_FIELD in changes:
            if changes.pop(MODE_FIELD) != client.manual_followup:
                errors[MODE_FIELD] = _("Bytte mellom digital og manuell oppfølging krever en begrunnelse og gjøres under "
                                       "Oppfølgingsperioder, ikke her.")
        for key in changes:
            if key not in EDITABLE_FIELDS:
                errors[key] = (_("Kommer fra folkeregisteret eller en administrator; kan ikke endres her.")
                               if key in ("address_protection", "skjermet", "fnr", "birth_date") else _("Ukjent felt."))
        clean = {}
        for key, value in changes.items():
            if key in errors:
                continue
            if key in _BOOL_FIELDS:
                if not isinstance(value, bool):
                    errors[key] = _("Må være ja eller nei.")
                    continue
                clean[key] = value
                continue
            text = ("" if value is None else str(value)).strip()
            limit = Client._meta.get_field(key).max_length
            if not text:
                errors[key] = _("Feltet kan ikke være tomt.")
            elif len(text) > limit:
                errors[key] = _("Høyst %(most)d tegn.") % {"most": limit}
            elif key == "language" and not (2 <= len(text) <= 8 and text.replace("-", "").isalpha()):
                errors[key] = _("Oppgi språket som en språkkode, for eksempel nb, en eller ar.")
            elif key == "written_standard" and text not in ("nb", "nn"):
                errors[key] = _("Målformen er bokmål (nb) eller nynorsk (nn).")
            else:
                clean[key] = text.lower() if key == "language" else text
        if errors:
            raise InvalidInput(_("Opplysningene kan ikke lagres."), errors=errors)
        changed = [k for k, v in clean.items() if getattr(client, k) != v]
        if changed:
            for k in changed:
                setattr(client, k, clean[k])
            client.save(update_fields=changed)
            labels = ", ".join(str(Client._meta.get_field(k).verbose_name) for k in changed)
            journal.append(client_id=client.pk, kind=journal.Kind.CLIENT, actor=user, obj=client,
                           summary=f"Personopplysninger endret: {labels}", visible_to_client=False)
        a["obj"] = client
    return client


# --- consent to share between the state and the municipal side ---------------------------------------

def update_sharing_consent(*, user, client: Client | int, give=(), withdraw=()) -> list[SharingConsent]:
    """Give or withdraw the client's consent that categories of their record held by one side of
    their office (core.records) may be seen by the other side's staff at that office
    (sosialtjenesteloven § 44, Nav-loven § 7). The client does it on Min side; a counsellor
    records a consent given or withdrawn on paper (``on_paper``). Giving what is already given
    and withdrawing what is not are no-ops; unknown categories are refused, nothing is written.
    One audit entry per call (what changed, in ``why``); each consent row keeps who and when.
    Returns the rows written (given or closed)."""
    client = load_client(client)
    give, withdraw = list(dict.fromkeys(give)), list(dict.fromkeys(withdraw))
    with audited_write(user, client.pk, "samtykke til deling") as a:
        by_client = access.require_client_or_nav(user, client, what="samtykke til deling")
        allowed = {c.value for c in CONSENT_CATEGORIES}
        errors = {}
        unknown = [c for c in give if c not in allowed]
        if unknown:
            errors["give"] = _("Ukjent opplysningstype: %(kinds)s.") % {"kinds": ", ".join(str(c)[:40] for c in unknown)}
        unknown = [c for c in withdraw if c not in allowed]
        if unknown:
            errors["withdraw"] = _("Ukjent opplysningstype: %(kinds)s.") % {
                "kinds": ", ".join(str(c)[:40] for c in unknown)
            }
        if set(give) & set(withdraw):
            errors["withdraw"] = _("Samme opplysninger kan ikke både deles og trekkes tilbake.")
        if errors:
            raise InvalidInput(_("Samtykket kan ikke lagres."), errors=errors)
        now = clock.now()
        active = {c.category: c for c in SharingConsent.objects.select_for_update()
                  .filter(client=client, office_id=client.office_id, withdrawn_at__isnull=True)}
        written = []
        for category in give:
            if category in active:
                continue
            written.append(SharingConsent.objects.create(
                client=client, category=category, recipient_side=other_side(side_of(category)), office_id=client.office_id,
                given_at=now, given_by=user, on_paper=not by_client))
        for category in withdraw:
            consent = active.get(category)
            if consent is None:
                continue
            consent.withdrawn_at, consent.withdrawn_by = now, user
            consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
            written.append(consent)
        if written:
            how = "på Min side" if by_client else "på papir, registrert av Nav"
            summary = "; ".join(
                f"{'trukket tilbake' if c.withdrawn_at else 'gitt'}: {RecordCategory(c.category).label}" for c in written)
            journal.append(client_id=client.pk, kind=journal.Kind.CLIENT, actor=user, obj=written[0],
                           summary=f"Samtykke til deling mellom stat og kommune ({how}): {summary}")
            a["obj"] = written[0]
    return written


def set_sharing_consent(*, user, client: Client | int, categories) -> list[SharingConsent]:
    """The client's consents as they should be now (a form of checkboxes): gives what is newly
    ticked and withdraws what is no longer ticked, in one transaction (``update_sharing_consent``)."""
    client = load_client(client)
    wanted = list(dict.fromkeys(categories))
    current = set(SharingConsent.objects.filter(client=client, office_id=client.office_id, withdrawn_at__isnull=True)
                  .values_list("category", flat=True))
    return update_sharing_consent(user=user, client=client, give=[c for c in wanted if c not in current],
                                  withdraw=[c for c in current if c not in wanted])
