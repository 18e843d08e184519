"""Work with employers and job specialists (Supported Employment / IPS), in the same record as
the client's follow-up.

- ``Employer`` (arbeidsgiver) is shared by counsellors, market contacts and job specialists,
  with its contact persons, one contact log (``EmployerContact``) and its vacancies.
- ``JobProfile`` is the client's own profile; a ``Presentation`` of a candidate to an employer
  needs a recorded ``SuitabilityAssessment`` and the client's ``PresentationConsent`` for that
  employer.
- ``IpsCase`` is a referral to a job specialist (granted six months at a time) with its work
  trail through the phases (``PhaseChange``), a disclosure plan, job starts (``JobStart``) with
  follow-along support (``FollowAlong``) and checkpoints at 3, 6, 12 and 18 months.
- ``FidelityReview`` is a team's review on the 25-item IPS fidelity scale.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import Client
from skreddersy.core import clock, collation
from skreddersy.core.models import Office, StaffMember, Team

PHASE_ORDER = ("referred", "engagement", "vocational_profile", "job_search", "in_work", "follow_along", "ended")
CHECKPOINT_MONTHS = (3, 6, 12, 18)
GRANT_MONTHS = 6
DEFAULT_CASELOAD_CAP = 20


class Employer(models.Model):
    class Sector(models.TextChoices):
        PRIVATE = "private", _("Privat")
        PUBLIC = "public", _("Offentlig")
        VOLUNTARY = "voluntary", _("Frivillig / ideell")

    orgnr = models.CharField(_("organisasjonsnummer"), max_length=9, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    # Norwegian alphabetical key of the name (core.collation): sort and prefix search on both databases.
    name_key = models.BinaryField(default=b"")
    sector = models.CharField(_("sektor"), max_length=10, choices=Sector.choices, default=Sector.PRIVATE)
    municipality = models.CharField(_("kommune"), max_length=120)
    adaptations = models.TextField(_("tilrettelegging arbeidsgiveren kan tilby"), blank=True)
    owner = models.ForeignKey(StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_employers",
                              verbose_name=_("kontaktansvarlig"))
    created_at = models.DateTimeField(default=clock.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["name_key"], name="employer_name_key")]
        verbose_name = _("arbeidsgiver")
        verbose_name_plural = _("arbeidsgivere")

    def save(self, *args, **kwargs):
        self.name_key = collation.sort_key(self.name)
        uf = kwargs.get("update_fields")
        if uf is not None and "name" in uf:
            kwargs["update_fields"] = list({*uf, "name_key"})
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.name} ({self.orgnr})"


class ContactPerson(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contact_persons")
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle"), max_length=120, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")


class Vacancy(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Ledig")
        FILLED = "filled", _("Besatt")
        CLOSED = "closed", _("Lukket")

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="vacancies")
    title = models.CharField(_("stilling"), max_length=200)
    hours_per_week = models.DecimalField(_("timer per uke"), max_digits=4, decimal_places=1)
    requirements = models.TextField(_("krav"), blank=True)
    deadline = models.DateField(_("søknadsfrist"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    registered_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=clock.now)
    contact = models.ForeignKey("EmployerContact", on_delete=models.SET_NULL, null=True, blank=True, related_name="vacancies")

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(hours_per_week__gt=0) & models.Q(hours_per_week__lte=100),
                                              name="vacancy_hours_range")]
        verbose_name = _("stilling")
        verbose_name_plural = _("stillinger")


class EmployerContact(models.Model):
    """One contact with an employer (the shared contact log), by whoever made it."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Telefon")
        EMAIL = "email", _("E-post")
        MEETING = "meeting", _("Møte på Nav-kontoret")
        VISIT = "visit", _("Besøk hos arbeidsgiver")

    class Purpose(models.TextChoices):
        JOB_DEVELOPMENT = "job_development", _("Jobbutvikling")
        CANDIDATE = "candidate", _("Presentere kandidat")
        FOLLOW_ALONG = "follow_along", _("Oppfølging på arbeidsplassen")
        RECRUITMENT = "recruitment", _("Rekrutteringsbistand")
        OTHER = "other", _("Annet")

    class Outcome(models.TextChoices):
        VACANCY = "vacancy", _("Stilling registrert")
        INTERVIEW = "interview", _("Intervju avtalt")
        FOLLOW_UP = "follow_up", _("Ny kontakt avtalt")
        NOT_NOW = "not_now", _("Ikke aktuelt nå")
        DONE = "done", _("Avklart")

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="employer_contacts")
    at = models.DateTimeField(default=clock.now)
    kind = models.CharField(_("kontaktform"), max_length=10, choices=Kind.choices)
    purpose = models.CharField(_("formål"), max_length=20, choices=Purpose.choices)
    outcome = models.CharField(_("utfall"), max_length=12, choices=Outcome.choices)
    note = models.TextField(_("notat"), blank=True)
    # Time out of the office (travel and time at the workplace), for the 40 % field-time target.
    field_minutes = models.PositiveIntegerField(_("minutter ute av kontoret"), default=0)
    # A contact about one candidate (follow-along support, a presentation) also sits on the work trail.
    case = models.ForeignKey("IpsCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="employer_contacts")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["employer", "-at"], name="empcontact_employer_at"),
                   models.Index(fields=["staff", "-at"], name="empcontact_staff_at")]
        constraints = [models.CheckConstraint(condition=models.Q(field_minutes__lte=720), name="empcontact_field_minutes")]
        verbose_name = _("arbeidsgiverkontakt")
        verbose_name_plural = _("arbeidsgiverkontakter")


class JobProfile(models.Model):
    """The client's job profile (the vocational profile of Supported Employment)."""

    SHAREABLE = ("work_experience", "education", "skills", "wishes", "hours")

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="job_profile")
    work_experience = models.TextField(_("arbeidserfaring"), blank=True)
    education = models.TextField(_("utdanning"), blank=True)
    skills = models.TextField(_("ferdigheter"), blank=True)
    wishes = models.TextField(_("ønsker"), blank=True)
    hours_per_week = models.DecimalField(_("ønsket timer per uke"), max_digits=4, decimal_places=1, null=True, blank=True)
    # Which parts of the profile the client agrees may be shown to an employer.
    share = models.JSONField(_("kan deles med arbeidsgiver"), default=list, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("jobbprofil")
        verbose_name_plural = _("jobbprofiler")


class SuitabilityAssessment(models.Model):
    """A recorded assessment that a candidate suits an employer (or a vacancy) before a presentation."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="suitability_assessments")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    suitable = models.BooleanField(_("egnet"))
    reasoning = models.TextField(_("vurdering"))
    assessed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)


class PresentationConsent(models.Model):
    """The client's consent to be presented to one employer (withdrawn consents stay on record)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="presentation_consents")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    given_at = models.DateTimeField(default=clock.now)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "employer"], condition=models.Q(withdrawn_at__isnull=True),
                                               name="consent_one_active")]


class Presentation(models.Model):
    """A candidate presented to an employer: logged on the client's journal and the employer's contact log."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="presentations")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="presentations")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="presentations")
    assessment = models.ForeignKey(SuitabilityAssessment, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(PresentationConsent, on_delete=models.PROTECT, related_name="+")
    shared = models.JSONField(default=list)  # which parts of the job profile were shown
    presented_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)
    contact = models.OneToOneField(EmployerContact, on_delete=models.PROTECT, related_name="presentation")


class IpsCase(models.Model):
    """A client referred to a job specialist (IPS / Supported Employment): the work trail."""

    class Phase(models.TextChoices):
        REFERRED = "referred", _("Henvist")
        ENGAGEMENT = "engagement", _("Avtale og kontakt")
        VOCATIONAL_PROFILE = "vocational_profile", _("Yrkesprofil")
        JOB_SEARCH = "job_search", _("Jobbsøk og jobbutvikling")
        IN_WORK = "in_work", _("I arbeid")
        FOLLOW_ALONG = "follow_along", _("Oppfølging i jobb")
        ENDED = "ended", _("Avsluttet")

    class EndReason(models.TextChoices):
        WORK = "work", _("I ordinært arbeid, oppfølging avsluttet")
        EDUCATION = "education", _("Begynte i utdanning")
        WITHDREW = "withdrew", _("Trakk seg")
        HEALTH = "health", _("Helse")
        MOVED = "moved", _("Flyttet")
        GRANT_ENDED = "grant_ended", _("Vedtaksperioden gikk ut")
        OTHER = "other", _("Annet")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="ips_cases")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="ips_cases")
    specialist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="ips_caseload")
    referred_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField(_("henvist"))
    granted_until = models.DateField(_("innvilget til"))
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.REFERRED)
    phase_since = models.DateField(_("i fasen siden"))
    ended_reason = models.CharField(_("avslutningsgrunn"), max_length=12, choices=EndReason.choices, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    over_cap_reason = models.CharField(max_length=300, blank=True)
    # The disclosure plan: what may be told to an employer, agreed with the client.
    disclosure_may_tell = models.TextField(_("kan fortelles arbeidsgiver"), blank=True)
    disclosure_not_tell = models.TextField(_("skal ikke fortelles"), blank=True)
    disclosure_agreed_on = models.DateField(_("avtalt med brukeren"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["specialist", "phase"], name="ipscase_specialist_phase"),
                   models.Index(fields=["office", "phase"], name="ipscase_office_phase")]
        constraints = [
            models.UniqueConstraint(fields=["client"], condition=~models.Q(phase="ended"), name="ipscase_one_open"),
            models.CheckConstraint(condition=models.Q(phase="ended", ended_on__isnull=False) & ~models.Q(ended_reason="")
                                   | ~models.Q(phase="ended"), name="ipscase_ended_has_reason"),
        ]
        verbose_name = _("jobbspesialistoppfølging")
        verbose_name_plural = _("jobbspesialistoppfølginger")


class PhaseChange(models.Model):
    case = models.ForeignKey(IpsCase, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, blank=True)
    to_phase = models.CharField(max_length=20)
    on = models.DateField()
    by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["on", "id"]


class JobStart(models.Model):
    class WageType(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinær lønn")
        SUBSIDY = "subsidy", _("Lønnstilskudd")

    case = models.ForeignKey(IpsCase, on_delete=models.CASCADE, related_name="starts")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="starts")
    job_title = models.CharField(_("stilling"), max_length=200)
    start_date = models.DateField(_("startdato"))
    hours_per_week = models.DecimalField(_("timer per uke"), max_digits=4, decimal_places=1)
    wage_type = models.CharField(_("lønn"), max_length=10, choices=WageType.choices)
    # Wage subsidy step-down: [{"from_month": 0, "percent": 60}, {"from_month": 6, "percent": 40}, ...]
    subsidy_plan = models.JSONField(default=list, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(hours_per_week__gt=0) & models.Q(hours_per_week__lte=100),
                                              name="jobstart_hours_range")]


class FollowAlong(models.Model):
    """A planned follow-along contact after a start: a visit or check-in with employer or candidate."""

    class Kind(models.TextChoices):
        EMPLOYER_VISIT = "employer_visit", _("Besøk hos arbeidsgiver")
        EMPLOYER_CALL = "employer_call", _("Samtale med arbeidsgiver")
        CANDIDATE_CHECKIN = "candidate_checkin", _("Samtale med kandidaten")
        WORKPLACE_SUPPORT = "workplace_support", _("Støtte på arbeidsplassen")

    start = models.ForeignKey(JobStart, on_delete=models.CASCADE, related_name="follow_alongs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    planned_on = models.DateField(_("planlagt"))
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    field_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["planned_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(field_minutes__lte=720), name="followalong_field_minutes")]


class StartCheckpoint(models.Model):
    """Hours and job type 3, 6, 12 and 18 months after a start."""

    start = models.ForeignKey(JobStart, on_delete=models.CASCADE, related_name="checkpoints")
    month = models.PositiveSmallIntegerField()
    still_working = models.BooleanField()
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    recorded_on = models.DateField(default=clock.today)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["start", "month"], name="checkpoint_unique"),
                       models.CheckConstraint(condition=models.Q(month__in=CHECKPOINT_MONTHS), name="checkpoint_month")]


class OfficeWorkSettings(models.Model):
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="work_settings")
    caseload_cap = models.PositiveSmallIntegerField(_("maks kandidater per jobbspesialist"), default=DEFAULT_CASELOAD_CAP)
    job_starts_target = models.PositiveSmallIntegerField(_("mål for jobbstarter per jobbspesialist per år"), default=9)


class FidelityReview(models.Model):
    """A review of a team on the IPS fidelity scale (25 items scored 1-5; total 25-125)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="fidelity_reviews")
    reviewed_on = models.DateField(_("gjennomgått"))
    reviewer = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField()  # {"1": 4, ..., "25": 5}
    notes = models.JSONField(default=dict, blank=True)
    total = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(total__gte=25) & models.Q(total__lte=125), name="fidelity_total_range")]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of the month where that day does not exist)."""
    import calendar

    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
