"""Every write in work with employers and job specialists: the employer register and its contact
log, vacancies, the client's job profile, suitability, consent and presentation, referral to a
job specialist and the work trail (phases, disclosure plan, starts, follow-along, checkpoints), and
fidelity reviews. Each runs in one transaction with an audit entry; client writes also go to the
client's journal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.utils.translation import gettext

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.core import clock, orgnr, reference
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.core.models import Office, Role, StaffMember, Team
from skreddersy.policy import access
from skreddersy.work import rules
from skreddersy.work.models import (
    GRANT_MONTHS,
    PHASE_ORDER,
    ContactPerson,
    Employer,
    EmployerContact,
    FidelityReview,
    FollowAlong,
    IpsCase,
    JobProfile,
    JobStart,
    OfficeWorkSettings,
    PhaseChange,
    Presentation,
    PresentationConsent,
    StartCheckpoint,
    SuitabilityAssessment,
    Vacancy,
    add_months,
)

MAX_TEXT = 4000


def _staff(user) -> StaffMember:
    a = access.actor(user)
    if a.staff is None:
        raise AccessDenied(gettext("Bare Nav-ansatte kan gjøre dette."))
    return a.staff


def _text(errors: dict, field: str, value: str, *, required: bool = False, max_len: int = MAX_TEXT, label: str = "") -> str:
    label = label or gettext("Feltet")
    value = (value or "").strip()
    if "\x00" in value:
        errors[field] = gettext("%(label)s inneholder et ugyldig tegn.") % {"label": label}
    elif required and not value:
        errors[field] = gettext("%(label)s må fylles ut.") % {"label": label}
    elif len(value) > max_len:
        errors[field] = gettext("%(label)s kan ha høyst %(max_len)s tegn.") % {"label": label, "max_len": max_len}
    return value


def _hours(errors: dict, field: str, value, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = gettext("Oppgi timer per uke.")
        return None
    try:
        d = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        errors[field] = gettext("Timer per uke må være et tall.")
        return None
    if not d.is_finite() or d <= 0 or d > 100:
        errors[field] = gettext("Timer per uke må være mellom 0 og 100.")
        return None
    return d.quantize(Decimal("0.1"))


def _minutes(errors: dict, field: str, value) -> int:
    try:
        m = int(value or 0)
    except (TypeError, ValueError):
        errors[field] = gettext("Minutter må være et helt tall.")
        return 0
    if m < 0 or m > rules.MAX_FIELD_MINUTES:
        errors[field] = gettext("Minutter ute av kontoret må være mellom 0 og %(max)s (12 timer).") % {"max": rules.MAX_FIELD_MINUTES}
    return m


def _choice(errors: dict, field: str, value: str, choices) -> str:
    if value not in choices.values:
        errors[field] = gettext("Ugyldig valg.")
    return value


# --- employer register -------------------------------------------------------------------------

def create_employer(*, user, orgnr_value: str, name: str, municipality: str, sector: str = Employer.Sector.PRIVATE,
                    adaptations: str = "", owner: StaffMember | None = None) -> Employer:
    with audited_write(user, None, "arbeidsgiver: registrer") as a:
        access.require_employer_register(user, what="arbeidsgiver: registrer")
        errors: dict[str, str] = {}
        try:
            number = orgnr.parse(orgnr_value)
        except orgnr.InvalidOrganisationNumber as exc:
            errors["orgnr"] = exc.translated()
            number = None
        name = _text(errors, "name", name, required=True, max_len=200, label=gettext("Navn"))
        municipality = _text(errors, "municipality", municipality, required=True, max_len=120, label=gettext("Kommune"))
        adaptations = _text(errors, "adaptations", adaptations, label=gettext("Tilrettelegging"))
        _choice(errors, "sector", sector, Employer.Sector)
        if number and Employer.objects.filter(orgnr=number).exists():
            errors["orgnr"] = gettext("Arbeidsgiveren finnes allerede i registeret.")
        if errors:
            raise InvalidInput(gettext("Arbeidsgiveren kan ikke registreres."), errors=errors)
        employer = Employer.objects.create(orgnr=number, name=name, municipality=municipality, sector=sector,
                                           adaptations=adaptations, owner=owner or _staff(user))
        a["obj"] = employer
    return employer


def update_employer(*, user, employer: Employer, version: int, name: str, municipality: str, sector: str,
                    adaptations: str, owner: StaffMember | None) -> Employer:
    with audited_write(user, None, "arbeidsgiver: endre") as a:
        access.require_employer_register(user, what="arbeidsgiver: endre")
        errors: dict[str, str] = {}
        name = _text(errors, "name", name, required=True, max_len=200, label=gettext("Navn"))
        municipality = _text(errors, "municipality", municipality, required=True, max_len=120, label=gettext("Kommune"))
        adaptations = _text(errors, "adaptations", adaptations, label=gettext("Tilrettelegging"))
        _choice(errors, "sector", sector, Employer.Sector)
        if errors:
            raise InvalidInput(gettext("Arbeidsgiveren kan ikke lagres."), errors=errors)
        from skreddersy.core import collation

        n = Employer.objects.filter(pk=employer.pk, version=version).update(
            name=name, name_key=collation.sort_key(name), municipality=municipality, sector=sector,
            adaptations=adaptations, owner=owner, version=version + 1)
        if n == 0:
            raise Conflict(gettext("Noen andre har endret arbeidsgiveren. Last siden på nytt."))
        employer.refresh_from_db()
        a["obj"] = employer
    return employer


def add_contact_person(*, user, employer: Employer, name: str, role: str = "", phone: str = "", email: str = "") -> ContactPerson:
    with audited_write(user, None, "arbeidsgiver: kontaktperson") as a:
        access.require_employer_register(user, what="arbeidsgiver: kontaktperson")
        errors: dict[str, str] = {}
        name = _text(errors, "name", name, required=True, max_len=200, label=gettext("Navn"))
        role = _text(errors, "role", role, max_len=120, label=gettext("Rolle"))
        phone = _text(errors, "phone", phone, max_len=20, label=gettext("Telefon"))
        email = _text(errors, "email", email, max_len=254, label=gettext("E-post"))
        if email and ("@" not in email or " " in email):
            errors["email"] = gettext("Ugyldig e-postadresse.")
        if errors:
            raise InvalidInput(gettext("Kontaktpersonen kan ikke lagres."), errors=errors)
        person = ContactPerson.objects.create(employer=employer, name=name, role=role, phone=phone, email=email)
        a["obj"] = person
    return person


def log_contact(*, user, employer: Employer, kind: str, purpose: str, outcome: str, note: str = "", at: dt.datetime | None = None,
                field_minutes=0, case: IpsCase | None = None) -> tuple[EmployerContact, list[rules.OverlapWarning]]:
    """Log a contact with an employer. Returns the contact and the warnings that stood when it
    was made (another colleague owns the employer or contacted it within 14 days): a warning,
    not a block, so colleagues can coordinate."""
    with audited_write(user, case.client_id if case else None, "arbeidsgiver: kontakt") as a:
        access.require_employer_register(user, what="arbeidsgiver: kontakt")
        if case is not None:
            access.require_case(user, case, what="arbeidsgiver: kontakt")
        staff = _staff(user)
        errors: dict[str, str] = {}
        _choice(errors, "kind", kind, EmployerContact.Kind)
        _choice(errors, "purpose", purpose, EmployerContact.Purpose)
        _choice(errors, "outcome", outcome, EmployerContact.Outcome)
        note = _text(errors, "note", note, label=gettext("Notatet"))
        minutes = _minutes(errors, "field_minutes", field_minutes)
        when = at or clock.now()
        if when > clock.now() + dt.timedelta(minutes=5):
            errors["at"] = gettext("En kontakt kan ikke registreres fram i tid.")
        if errors:
            raise InvalidInput(gettext("Kontakten kan ikke lagres."), errors=errors)
        warnings = rules.overlap_warnings(employer, staff.pk, when, _recent_contacts(employer, when))
        contact = EmployerContact.objects.create(employer=employer, staff=staff, at=when, kind=kind, purpose=purpose,
                                                 outcome=outcome, note=note, field_minutes=minutes, case=case)
        if case is not None:
            journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=contact,
                           summary=f"Kontakt med arbeidsgiver {employer.name}: {contact.get_purpose_display()}",
                           visible_to_client=False)
        a["obj"] = contact
    return contact, warnings


def _recent_contacts(employer: Employer, on: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
    since = on - dt.timedelta(days=rules.OVERLAP_DAYS)
    rows = (EmployerContact.objects.filter(employer=employer, at__gte=since, at__lte=on)
            .order_by("-at").values_list("staff_id", "staff__display_name", "at")[:50])
    owner = [(employer.owner_id, employer.owner.display_name, None)] if employer.owner_id else []
    return owner + list(rows)


def register_vacancy(*, user, employer: Employer, title: str, hours_per_week, requirements: str = "",
                     deadline: dt.date | None = None, contact: EmployerContact | None = None) -> Vacancy:
    with audited_write(user, None, "arbeidsgiver: stilling") as a:
        access.require_employer_register(user, what="arbeidsgiver: stilling")
        errors: dict[str, str] = {}
        title = _text(errors, "title", title, required=True, max_len=200, label=gettext("Stillingstittel"))
        hours = _hours(errors, "hours_per_week", hours_per_week)
        requirements = _text(errors, "requirements", requirements, label=gettext("Krav"))
        if deadline is not None and deadline < clock.today():
            errors["deadline"] = gettext("Søknadsfristen har gått ut.")
        if contact is not None and contact.employer_id != employer.pk:
            errors["contact"] = gettext("Kontakten gjelder en annen arbeidsgiver.")
        if errors:
            raise InvalidInput(gettext("Stillingen kan ikke registreres."), errors=errors)
        vacancy = Vacancy.objects.create(employer=employer, title=title, hours_per_week=hours, requirements=requirements,
                                         deadline=deadline, registered_by=_staff(user), contact=contact)
        a["obj"] = vacancy
    return vacancy


# --- job profile, suitability, consent and presentation ------------------------------------------

def save_job_profile(*, user, client: Client, version: int | None, work_experience: str = "", education: str = "",
                     skills: str = "", wishes: str = "", hours_per_week=None, share: list[str] | None = None) -> JobProfile:
    with audited_write(user, client.pk, "jobbprofil: lagre") as a:
        access.require_nav(user, client, what="jobbprofil: lagre")
        errors: dict[str, str] = {}
        fields = {k: _text(errors, k, v, label=label) for k, v, label in (
            ("work_experience", work_experience, gettext("Arbeidserfaring")), ("education", education, gettext("Utdanning")),
            ("skills", skills, gettext("Ferdigheter")), ("wishes", wishes, gettext("Ønsker")))}
        hours = _hours(errors, "hours_per_week", hours_per_week, required=False)
        share = list(dict.fromkeys(share or []))
        unknown = [s for s in share if s not in JobProfile.SHAREABLE]
        if unknown:
            errors["share"] = gettext("Ukjent del av jobbprofilen: %(parts)s.") % {"parts": ", ".join(unknown)}
        if errors:
            raise InvalidInput(gettext("Jobbprofilen kan ikke lagres."), errors=errors)
        existing = JobProfile.objects.filter(client=client).first()
        if existing is None:
            profile = JobProfile.objects.create(client=client, hours_per_week=hours, share=share, **fields)
        else:
            n = JobProfile.objects.filter(pk=existing.pk, version=version).update(
                hours_per_week=hours, share=share, updated_at=clock.now(), version=existing.version + 1, **fields)
            if n == 0:
                raise Conflict(gettext("Noen andre har endret jobbprofilen. Last siden på nytt."))
            profile = JobProfile.objects.get(pk=existing.pk)
        journal.append(client_id=client.pk, kind=journal.Kind.MEASURE, actor=user, obj=profile, summary="Jobbprofil oppdatert")
        a["obj"] = profile
    return profile


def assess_suitability(*, user, client: Client, employer: Employer, suitable: bool, reasoning: str,
                       vacancy: Vacancy | None = None) -> SuitabilityAssessment:
    with audited_write(user, client.pk, "kandidat: egnethetsvurdering") as a:
        access.require_nav(user, client, what="kandidat: egnethetsvurdering")
        errors: dict[str, str] = {}
        reasoning = _text(errors, "reasoning", reasoning, required=True, label=gettext("Vurderingen"))
        if vacancy is not None and vacancy.employer_id != employer.pk:
            errors["vacancy"] = gettext("Stillingen hører til en annen arbeidsgiver.")
        if errors:
            raise InvalidInput(gettext("Vurderingen kan ikke lagres."), errors=errors)
        assessment = SuitabilityAssessment.objects.create(client=client, employer=employer, vacancy=vacancy, suitable=bool(suitable),
                                                          reasoning=reasoning, assessed_by=_staff(user))
        journal.append(client_id=client.pk, kind=journal.Kind.MEASURE, actor=user, obj=assessment, visible_to_client=False,
                       summary=f"Egnethet vurdert for {employer.name}: {'egnet' if suitable else 'ikke egnet'}")
        a["obj"] = assessment
    return assessment


def record_consent(*, user, client: Client, employer: Employer) -> PresentationConsent:
    """The client agrees to be presented to this employer (asked and recorded by Nav)."""
    with audited_write(user, client.pk, "kandidat: samtykke") as a:
        access.require_nav(user, client, what="kandidat: samtykke")
        current = PresentationConsent.objects.filter(client=client, employer=employer, withdrawn_at__isnull=True).first()
        if current is not None:
            return current
        consent = PresentationConsent.objects.create(client=client, employer=employer, recorded_by=_staff(user))
        journal.append(client_id=client.pk, kind=journal.Kind.MEASURE, actor=user, obj=consent,
                       summary=f"Samtykke til å bli presentert for {employer.name}")
        a["obj"] = consent
    return consent


def withdraw_consent(*, user, consent: PresentationConsent) -> PresentationConsent:
    with audited_write(user, consent.client_id, "kandidat: samtykke trukket") as a:
        access.require_nav(user, consent.client, what="kandidat: samtykke trukket")
        if consent.withdrawn_at is None:
            consent.withdrawn_at = clock.now()
            consent.save(update_fields=["withdrawn_at"])
            journal.append(client_id=consent.client_id, kind=journal.Kind.MEASURE, actor=user, obj=consent,
                           summary=f"Samtykke til presentasjon for {consent.employer.name} trukket")
        a["obj"] = consent
    return consent


def present_candidate(*, user, client: Client, employer: Employer, vacancy: Vacancy | None = None,
                      shared: list[str] | None = None, kind: str = EmployerContact.Kind.PHONE) -> Presentation:
    """Present a candidate to an employer: needs a recorded suitability assessment that found the
    candidate suitable and the client's standing consent for this employer; shares only what the
    client's job profile allows. Logged on the client's journal and on the employer's contact log."""
    with audited_write(user, client.pk, "kandidat: presentert") as a:
        access.require_nav(user, client, what="kandidat: presentert")
        access.require_employer_register(user, what="kandidat: presentert")
        errors: dict[str, str] = {}
        assessment = (SuitabilityAssessment.objects.filter(client=client, employer=employer)
                      .order_by("-at", "-id").first())
        if assessment is None:
            errors["assessment"] = gettext("Vurder om kandidaten er egnet for denne arbeidsgiveren før presentasjonen.")
        elif not assessment.suitable:
            errors["assessment"] = gettext("Siste vurdering fant kandidaten ikke egnet for denne arbeidsgiveren.")
        consent = PresentationConsent.objects.filter(client=client, employer=employer, withdrawn_at__isnull=True).first()
        if consent is None:
            errors["consent"] = gettext("Brukeren har ikke samtykket til å bli presentert for denne arbeidsgiveren.")
        if vacancy is not None and vacancy.employer_id != employer.pk:
            errors["vacancy"] = gettext("Stillingen hører til en annen arbeidsgiver.")
        profile = JobProfile.objects.filter(client=client).first()
        allowed = set(profile.share if profile else [])
        shared = list(dict.fromkeys(shared or []))
        not_allowed = [s for s in shared if s not in allowed]
        if not_allowed:
            errors["shared"] = gettext("Brukeren har ikke samtykket til å dele: %(parts)s.") % {"parts": ", ".join(not_allowed)}
        _choice(errors, "kind", kind, EmployerContact.Kind)
        if errors:
            raise InvalidInput(gettext("Kandidaten kan ikke presenteres."), errors=errors)
        staff = _staff(user)
        case = IpsCase.objects.filter(client=client).exclude(phase=IpsCase.Phase.ENDED).first()
        contact = EmployerContact.objects.create(employer=employer, staff=staff, kind=kind,
                                                 purpose=EmployerContact.Purpose.CANDIDATE,
                                                 outcome=EmployerContact.Outcome.FOLLOW_UP, case=case,
                                                 note="Kandidat presentert" + (f" for stillingen {vacancy.title}" if vacancy else ""))
        presentation = Presentation.objects.create(client=client, employer=employer, vacancy=vacancy, assessment=assessment,
                                                   consent=consent, shared=shared, presented_by=staff, contact=contact)
        journal.append(client_id=client.pk, kind=journal.Kind.MEASURE, actor=user, obj=presentation,
                       summary=f"Presentert for {employer.name}" + (f" ({vacancy.title})" if vacancy else ""))
        a["obj"] = presentation
    return presentation


# --- referral to a job specialist and the work trail ---------------------------------------------

def caseload_cap(office_id: int) -> int:
    settings_row = OfficeWorkSettings.objects.filter(office_id=office_id).first()
    return settings_row.caseload_cap if settings_row else rules.DEFAULT_CAP


def refer_to_specialist(*, user, client: Client, specialist: StaffMember, referred_on: dt.date | None = None,
                        over_cap_reason: str = "") -> IpsCase:
    """Refer a client to a job specialist at the client's office, granted for six months. A
    specialist at or over the office's caseload cap takes the client only with a stated reason."""
    with audited_write(user, client.pk, "jobbspesialist: henvis") as a:
        access.require_nav(user, client, what="jobbspesialist: henvis")
        errors: dict[str, str] = {}
        on = referred_on or clock.today()
        if on > clock.today():
            errors["referred_on"] = gettext("Henvisningsdatoen kan ikke være fram i tid.")
        if not specialist.roles.filter(role=Role.JOB_SPECIALIST).exists() or client.office_id not in specialist.office_ids():
            errors["specialist"] = gettext("Velg en jobbspesialist ved brukerens oppfølgingskontor.")
        reason = _text(errors, "over_cap_reason", over_cap_reason, max_len=300, label=gettext("Grunnen"))
        open_count = IpsCase.objects.filter(specialist=specialist).exclude(phase=IpsCase.Phase.ENDED).count()
        cap = caseload_cap(client.office_id)
        if "specialist" not in errors and open_count >= cap and not reason:
            errors["over_cap_reason"] = (gettext("%(name)s har allerede %(open_count)s kandidater (tak %(cap)s). Oppgi hvorfor kandidaten likevel skal til denne jobbspesialisten.") % {"name": specialist.display_name, "open_count": open_count, "cap": cap})
        if IpsCase.objects.filter(client=client).exclude(phase=IpsCase.Phase.ENDED).exists():
            errors["client"] = gettext("Brukeren følges allerede opp av en jobbspesialist.")
        if errors:
            raise InvalidInput(gettext("Henvisningen kan ikke lagres."), errors=errors)
        try:
            case = IpsCase.objects.create(client=client, office_id=client.office_id, specialist=specialist, referred_by=_staff(user),
                                          referred_on=on, granted_until=add_months(on, GRANT_MONTHS), phase_since=on,
                                          over_cap_reason=reason if open_count >= cap else "")
        except IntegrityError:
            raise Conflict(gettext("Brukeren følges allerede opp av en jobbspesialist."), field="client") from None
        PhaseChange.objects.create(case=case, from_phase="", to_phase=IpsCase.Phase.REFERRED, on=on, by=_staff(user))
        journal.append(client_id=client.pk, kind=journal.Kind.MEASURE, actor=user, obj=case,
                       summary=f"Henvist til jobbspesialist, innvilget til {case.granted_until:%d.%m.%Y}")
        a["obj"] = case
    return case


def renew_grant(*, user, case: IpsCase) -> IpsCase:
    with audited_write(user, case.client_id, "jobbspesialist: forleng") as a:
        access.require_case(user, case, what="jobbspesialist: forleng")
        if case.phase == IpsCase.Phase.ENDED:
            raise InvalidInput(gettext("Oppfølgingen er avsluttet."), field="case")
        start = max(case.granted_until, clock.today())
        case.granted_until = add_months(start, GRANT_MONTHS)
        case.version += 1
        case.save(update_fields=["granted_until", "version"])
        journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=case,
                       summary=f"Jobbspesialistoppfølging forlenget til {case.granted_until:%d.%m.%Y}")
        a["obj"] = case
    return case


def change_phase(*, user, case: IpsCase, to_phase: str, version: int, reason: str = "", end_reason: str = "",
                 on: dt.date | None = None) -> IpsCase:
    """Move the candidate forward on the work trail, or end it with a reason. Never backwards."""
    with audited_write(user, case.client_id, "jobbspesialist: fase") as a:
        access.require_case(user, case, what="jobbspesialist: fase")
        on = on or clock.today()
        problem = rules.phase_change_problem(case.phase, to_phase, end_reason=end_reason,
                                             has_start=case.starts.exists(), on=on, since=case.phase_since, today=clock.today())
        errors: dict[str, str] = dict([problem]) if problem else {}
        reason = _text(errors, "reason", reason, max_len=300, label=gettext("Kommentaren"))
        if errors:
            raise InvalidInput(gettext("Fasen kan ikke endres."), errors=errors)
        fields = {"phase": to_phase, "phase_since": on, "version": version + 1}
        if to_phase == IpsCase.Phase.ENDED:
            fields |= {"ended_reason": end_reason, "ended_on": on}
        n = IpsCase.objects.filter(pk=case.pk, version=version, phase=case.phase).update(**fields)
        if n == 0:
            raise Conflict(gettext("Noen andre har endret kandidatens fase. Last siden på nytt."))
        PhaseChange.objects.create(case=case, from_phase=case.phase, to_phase=to_phase, on=on, by=_staff(user),
                                   reason=reason or (IpsCase.EndReason(end_reason).label if end_reason else ""))
        case.refresh_from_db()
        journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=case,
                       summary=f"Jobbspesialist: {case.get_phase_display()}"
                       + (f" ({case.get_ended_reason_display()})" if to_phase == IpsCase.Phase.ENDED else ""))
        a["obj"] = case
    return case


def save_disclosure_plan(*, user, case: IpsCase, version: int, may_tell: str, not_tell: str, agreed_on: dt.date | None) -> IpsCase:
    with audited_write(user, case.client_id, "jobbspesialist: åpenhetsplan") as a:
        access.require_case(user, case, what="jobbspesialist: åpenhetsplan")
        errors: dict[str, str] = {}
        may_tell = _text(errors, "disclosure_may_tell", may_tell, label=gettext("Hva som kan fortelles"))
        not_tell = _text(errors, "disclosure_not_tell", not_tell, label=gettext("Hva som ikke skal fortelles"))
        if agreed_on is None:
            errors["disclosure_agreed_on"] = gettext("Oppgi når planen ble avtalt med brukeren.")
        elif agreed_on > clock.today():
            errors["disclosure_agreed_on"] = gettext("Datoen kan ikke være fram i tid.")
        if errors:
            raise InvalidInput(gettext("Åpenhetsplanen kan ikke lagres."), errors=errors)
        n = IpsCase.objects.filter(pk=case.pk, version=version).update(
            disclosure_may_tell=may_tell, disclosure_not_tell=not_tell, disclosure_agreed_on=agreed_on, version=version + 1)
        if n == 0:
            raise Conflict(gettext("Noen andre har endret oppfølgingen. Last siden på nytt."))
        case.refresh_from_db()
        journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=case,
                       summary="Åpenhetsplan for arbeidsgiver avtalt")
        a["obj"] = case
    return case


def record_start(*, user, case: IpsCase, employer: Employer | None, job_title: str, start_date: dt.date | None,
                 hours_per_week, wage_type: str, subsidy_plan: list[dict] | None = None) -> JobStart:
    """A job start: employer, hours, wage type (a wage subsidy needs its step-down plan) and start
    date. Moves the candidate to "in work" and plans follow-along support (weekly at first)."""
    with audited_write(user, case.client_id, "jobbspesialist: jobbstart") as a:
        access.require_case(user, case, what="jobbspesialist: jobbstart")
        errors: dict[str, str] = {}
        if employer is None:
            errors["employer"] = gettext("En jobbstart må ha en arbeidsgiver.")
        job_title = _text(errors, "job_title", job_title, required=True, max_len=200, label=gettext("Stilling"))
        hours = _hours(errors, "hours_per_week", hours_per_week)
        _choice(errors, "wage_type", wage_type, JobStart.WageType)
        plan: list[dict] = []
        if wage_type == JobStart.WageType.SUBSIDY:
            plan_problem, plan = rules.subsidy_plan_problem(subsidy_plan or [])
            if plan_problem:
                errors["subsidy_plan"] = plan_problem
        elif subsidy_plan:
            errors["subsidy_plan"] = gettext("Bare lønnstilskudd har en nedtrappingsplan.")
        if start_date is None:
            errors["start_date"] = gettext("Oppgi startdato.")
        elif start_date < case.referred_on:
            errors["start_date"] = gettext("Startdatoen er før henvisningen.")
        elif start_date > clock.today() + dt.timedelta(days=90):
            errors["start_date"] = gettext("Startdatoen er mer enn 90 dager fram i tid.")
        if case.phase == IpsCase.Phase.ENDED:
            errors["case"] = gettext("Oppfølgingen er avsluttet.")
        if errors:
            raise InvalidInput(gettext("Jobbstarten kan ikke lagres."), errors=errors)
        staff = _staff(user)
        start = JobStart.objects.create(case=case, employer=employer, job_title=job_title, start_date=start_date, hours_per_week=hours,
                                        wage_type=wage_type, subsidy_plan=plan, recorded_by=staff)
        FollowAlong.objects.bulk_create([FollowAlong(start=start, kind=kind, planned_on=day)
                                         for kind, day in rules.follow_along_plan(start_date)])
        if PHASE_ORDER.index(case.phase) < PHASE_ORDER.index(IpsCase.Phase.IN_WORK):
            PhaseChange.objects.create(case=case, from_phase=case.phase, to_phase=IpsCase.Phase.IN_WORK, on=start_date, by=staff,
                                       reason="Jobbstart")
            IpsCase.objects.filter(pk=case.pk).update(phase=IpsCase.Phase.IN_WORK, phase_since=start_date, version=case.version + 1)
        journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=start,
                       summary=f"Jobbstart hos {employer.name}: {job_title}, {hours} t/uke ({start.get_wage_type_display()})")
        a["obj"] = start
    return start


def complete_follow_along(*, user, follow_along: FollowAlong, note: str = "", field_minutes=0,
                          done_at: dt.datetime | None = None) -> FollowAlong:
    case = follow_along.start.case
    with audited_write(user, case.client_id, "jobbspesialist: oppfølging i jobb") as a:
        access.require_case(user, case, what="jobbspesialist: oppfølging i jobb")
        errors: dict[str, str] = {}
        note = _text(errors, "note", note, label=gettext("Notatet"))
        minutes = _minutes(errors, "field_minutes", field_minutes)
        when = done_at or clock.now()
        if when > clock.now() + dt.timedelta(minutes=5):
            errors["done_at"] = gettext("Oppfølgingen kan ikke registreres fram i tid.")
        if follow_along.done_at is not None:
            errors["follow_along"] = gettext("Oppfølgingen er allerede registrert som gjort.")
        if errors:
            raise InvalidInput(gettext("Oppfølgingen kan ikke lagres."), errors=errors)
        follow_along.done_at, follow_along.note, follow_along.field_minutes = when, note, minutes
        follow_along.save(update_fields=["done_at", "note", "field_minutes"])
        journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=follow_along,
                       summary=f"Oppfølging i jobb: {follow_along.get_kind_display()}", visible_to_client=False)
        a["obj"] = follow_along
    return follow_along


def plan_follow_along(*, user, start: JobStart, kind: str, planned_on: dt.date) -> FollowAlong:
    case = start.case
    with audited_write(user, case.client_id, "jobbspesialist: planlegg oppfølging") as a:
        access.require_case(user, case, what="jobbspesialist: planlegg oppfølging")
        errors: dict[str, str] = {}
        _choice(errors, "kind", kind, FollowAlong.Kind)
        if planned_on is None or planned_on < start.start_date:
            errors["planned_on"] = gettext("Oppfølgingen må planlegges etter jobbstarten.")
        if errors:
            raise InvalidInput(gettext("Oppfølgingen kan ikke planlegges."), errors=errors)
        fa = FollowAlong.objects.create(start=start, kind=kind, planned_on=planned_on)
        a["obj"] = fa
    return fa


def record_checkpoint(*, user, start: JobStart, month: int, still_working: bool, hours_per_week=None,
                      job_title: str = "") -> StartCheckpoint:
    case = start.case
    with audited_write(user, case.client_id, "jobbspesialist: status etter start") as a:
        access.require_case(user, case, what="jobbspesialist: status etter start")
        errors: dict[str, str] = {}
        if month not in rules.CHECKPOINT_MONTHS:
            errors["month"] = gettext("Status registreres etter 3, 6, 12 eller 18 måneder.")
        elif add_months(start.start_date, month) > clock.today():
            errors["month"] = gettext("Det har ikke gått %(month)s måneder siden starten.") % {"month": month}
        hours = _hours(errors, "hours_per_week", hours_per_week, required=bool(still_working))
        job_title = _text(errors, "job_title", job_title, max_len=200, label=gettext("Stilling"))
        if StartCheckpoint.objects.filter(start=start, month=month).exists():
            errors["month"] = gettext("Status etter %(month)s måneder er allerede registrert.") % {"month": month}
        if errors:
            raise InvalidInput(gettext("Statusen kan ikke lagres."), errors=errors)
        cp = StartCheckpoint.objects.create(start=start, month=month, still_working=bool(still_working),
                                            hours_per_week=hours if still_working else None, job_title=job_title or start.job_title)
        journal.append(client_id=case.client_id, kind=journal.Kind.MEASURE, actor=user, obj=cp, visible_to_client=False,
                       summary=f"Status {month} måneder etter start: {'i arbeid' if still_working else 'ikke i arbeid'}")
        a["obj"] = cp
    return cp


# --- office settings and fidelity ----------------------------------------------------------------

def set_office_work_settings(*, user, office: Office, caseload_cap, job_starts_target) -> OfficeWorkSettings:
    with audited_write(user, None, "jobbspesialist: kontorinnstillinger") as a:
        if not access.can_supervise_office(user, office.pk) or not access.actor(user).is_leader:
            raise AccessDenied(gettext("Bare ledere ved kontoret kan endre innstillingene."))
        errors: dict[str, str] = {}
        try:
            cap = int(caseload_cap)
            if not 1 <= cap <= 60:
                errors["caseload_cap"] = gettext("Taket må være mellom 1 og 60 kandidater.")
        except (TypeError, ValueError):
            errors["caseload_cap"] = gettext("Taket må være et helt tall.")
            cap = 0
        try:
            target = int(job_starts_target)
            if not 0 <= target <= 100:
                errors["job_starts_target"] = gettext("Målet må være mellom 0 og 100.")
        except (TypeError, ValueError):
            errors["job_starts_target"] = gettext("Målet må være et helt tall.")
            target = 0
        if errors:
            raise InvalidInput(gettext("Innstillingene kan ikke lagres."), errors=errors)
        row, _ = OfficeWorkSettings.objects.update_or_create(office=office, defaults={"caseload_cap": cap, "job_starts_target": target})
        a["obj"] = row
    return row


def save_fidelity_review(*, user, team: Team, reviewed_on: dt.date, scores: dict, notes: dict | None = None) -> FidelityReview:
    """A fidelity review of a team: a score 1-5 for each of the 25 items, with optional notes."""
    with audited_write(user, None, "jobbspesialist: troskapsmåling") as a:
        if not access.can_supervise_office(user, team.office_id):
            raise AccessDenied(gettext("Bare metodeveiledere og ledere ved teamets kontor kan registrere troskapsmålinger."))
        scale = reference.ips_fidelity()
        problem, clean = rules.fidelity_problems(scores, scale)
        errors = dict(problem)
        clean_notes = {}
        for key, text in (notes or {}).items():
            if str(key) not in clean and str(key) not in {str(i["number"]) for i in scale["items"]}:
                errors[f"notes.{key}"] = gettext("Ukjent punkt.")
            elif len(str(text)) > 2000:
                errors[f"notes.{key}"] = gettext("Notatet kan ha høyst 2000 tegn.")
            elif "\x00" in str(text):
                errors[f"notes.{key}"] = gettext("Notatet inneholder et ugyldig tegn.")
            elif str(text).strip():
                clean_notes[str(key)] = str(text).strip()
        if reviewed_on is None or reviewed_on > clock.today():
            errors["reviewed_on"] = gettext("Oppgi en dato som ikke er fram i tid.")
        if errors:
            raise InvalidInput(gettext("Troskapsmålingen kan ikke lagres."), errors=errors)
        review = FidelityReview.objects.create(team=team, reviewed_on=reviewed_on, reviewer=_staff(user), scores=clean,
                                               notes=clean_notes, total=sum(clean.values()))
        a["obj"] = review
    return review
