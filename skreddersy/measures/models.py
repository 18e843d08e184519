"""Measures: catalogue, offerings, place allocation, eligibility, referral, matching, outcomes.

Vocabulary (docs/glossary.md): MeasureType = tiltakstype, MeasureOffering = tiltaksgjennomføring,
Provider = tiltaksarrangør, NationalTarget/CountyAllocation/OfficeAllocation = tildeling av
tiltaksplasser, Referral = søknad/påmelding, MatchChoice = veileders valg (with its fit rank).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import Client, NeedGroup
from skreddersy.core import clock, reference
from skreddersy.core.models import County, Office


class PriorityGroup(models.TextChoices):
    """Prioritert gruppe (national steering of measure places)."""

    YOUTH = "youth", _("Unge under 30 år")
    IMMIGRANT_NON_EEA = "immigrant_non_eea", _("Innvandrere fra land utenfor EØS")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Langtidsledige")
    REDUCED_WORK_CAPACITY = "reduced_work_capacity", _("Personer med nedsatt arbeidsevne")


PRIORITY_GROUP_ORDER = [c.value for c in PriorityGroup]
NEED_GROUP_ORDER = [c.value for c in NeedGroup]


def _groups() -> list[str]:
    return list(reference.need_groups())


def _domains() -> list[str]:
    return list(reference.needs_domains())


def validate_type_fields(values: dict) -> dict[str, str]:
    """Field -> Norwegian reason for each problem in one type's values (empty when valid). Used
    by ``MeasureType.clean`` and by the catalogue import."""
    errors: dict[str, str] = {}
    code = values.get("code")
    if not isinstance(code, str) or not code.strip():
        errors["code"] = gettext("Koden mangler.")
    elif len(code) > 60 or not all(ch.isalnum() or ch == "_" for ch in code):
        errors["code"] = gettext("Koden kan bare ha bokstaver, tall og understrek (maks 60 tegn).")
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = gettext("Navnet mangler.")
    groups, domains = _groups(), _domains()
    eg = values.get("eligible_groups")
    if not isinstance(eg, list) or not eg:
        errors["eligible_groups"] = gettext("Oppgi minst én innsatsgruppe som en liste.")
    elif bad := [g for g in eg if g not in groups]:
        errors["eligible_groups"] = gettext("Ukjent innsatsgruppe: %(names)s.") % {"names": ', '.join(map(str, bad))}
    ad = values.get("addresses")
    if not isinstance(ad, list) or not ad:
        errors["addresses"] = gettext("Oppgi minst ett behovsområde som en liste.")
    elif bad := [d for d in ad if d not in domains]:
        errors["addresses"] = gettext("Ukjent behovsområde: %(names)s.") % {"names": ', '.join(map(str, bad))}
    pg = values.get("priority_groups") or []
    if not isinstance(pg, list):
        errors["priority_groups"] = gettext("Prioriterte grupper må være en liste.")
    elif bad := [g for g in pg if g not in PRIORITY_GROUP_ORDER]:
        errors["priority_groups"] = gettext("Ukjent prioritert gruppe: %(names)s.") % {"names": ', '.join(map(str, bad))}
    for f in ("typical_weeks", "max_weeks", "min_age", "max_age"):
        v = values.get(f)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0 or v > 1000):
            errors[f] = gettext("Må være et helt tall fra 0 til 1000, eller tomt.")
    tw, mw = values.get("typical_weeks"), values.get("max_weeks")
    if "typical_weeks" not in errors and "max_weeks" not in errors and tw and mw and mw < tw:
        errors["max_weeks"] = gettext("Maks varighet kan ikke være kortere enn typisk varighet.")
    lo, hi = values.get("min_age"), values.get("max_age")
    if "min_age" not in errors and "max_age" not in errors and lo is not None and hi is not None and hi < lo:
        errors["max_age"] = gettext("Høyeste alder kan ikke være lavere enn minstealder.")
    return errors




class MeasureType(models.Model):
    """Tiltakstype. Seeded from the shared reference catalogue, editable by an administrator."""

    code = models.CharField(_("kode"), max_length=60, unique=True)
    arena_code = models.CharField(_("Arena-kode"), max_length=20, blank=True)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("art"), max_length=120, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    typical_weeks = models.PositiveIntegerField(_("typisk varighet (uker)"), null=True, blank=True)
    max_weeks = models.PositiveIntegerField(_("maks varighet (uker)"), null=True, blank=True)
    eligible_groups = models.JSONField(_("innsatsgrupper"), default=list, help_text=_("Innsatsgrupper tiltaket er åpent for."))
    addresses = models.JSONField(_("behovsområder"), default=list, help_text=_("Behovsområder tiltaket skal hjelpe med."))
    priority_groups = models.JSONField(
        _("prioriterte grupper"), default=list, blank=True, help_text=_("Tom liste: åpent for alle.")
    )
    min_age = models.PositiveSmallIntegerField(_("minstealder"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("høyeste alder"), null=True, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tiltakstype")
        verbose_name_plural = _("tiltakstyper")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="measuretype_age_range",
            ),
        ]

    def __str__(self):
        return reference.measure_type_name(self.code, self.name)

    def clean(self):
        errors = validate_type_fields(
            {"code": self.code, "name": self.name, "eligible_groups": self.eligible_groups, "addresses": self.addresses,
             "priority_groups": self.priority_groups, "typical_weeks": self.typical_weeks, "max_weeks": self.max_weeks}
        )
        if errors:
            raise ValidationError(errors)


class Provider(models.Model):
    """Tiltaksarrangør."""

    name = models.CharField(_("navn"), max_length=200)
    org_number = models.CharField(_("organisasjonsnummer"), max_length=9, unique=True)
    municipality = models.CharField(_("kommune"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tiltaksarrangør")
        verbose_name_plural = _("tiltaksarrangører")

    def __str__(self):
        return self.name


class Place(models.Model):
    """A municipality's centre, for travel distances (clients are located by their municipality)."""

    municipality = models.CharField(_("kommune"), max_length=120, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["municipality"]
        verbose_name = _("sted")
        verbose_name_plural = _("steder")

    def __str__(self):
        return self.municipality


class MeasureOffering(models.Model):
    """Tiltaksgjennomføring: a type run by a provider at a place and time, for some offices.

    ``occupied`` counts the places taken by accepted referrals. Only referral services change it,
    under a row lock on this row, and the database refuses more than ``capacity``.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        OPEN = "open", _("Åpen for påmelding")
        CLOSED = "closed", _("Stengt for påmelding")
        CANCELLED = "cancelled", _("Avlyst")

    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("tiltakstype"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("arrangør"))
    title = models.CharField(_("navn"), max_length=200)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("fylke"))
    offices = models.ManyToManyField(Office, related_name="offerings", verbose_name=_("kontor som kan bruke tilbudet"))
    municipality = models.CharField(_("kommune"), max_length=120)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    latitude = models.FloatField(_("breddegrad"), null=True, blank=True)
    longitude = models.FloatField(_("lengdegrad"), null=True, blank=True)
    is_digital = models.BooleanField(_("digitalt"), default=False)
    start_date = models.DateField(_("oppstart"))
    end_date = models.DateField(_("slutt"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("antall plasser"))
    occupied = models.PositiveIntegerField(_("plasser i bruk"), default=0)
    waiting_list_limit = models.PositiveIntegerField(_("maks på venteliste"), default=10, help_text=_("0: ingen venteliste."))
    content = models.TextField(_("innhold"), blank=True)
    language = models.CharField(_("undervisningsspråk"), max_length=8, default="nb")
    schedule = models.CharField(_("timeplan"), max_length=200, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=20, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minstealder"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("høyeste alder"), null=True, blank=True)
    priority_groups = models.JSONField(_("prioriterte grupper"), default=list, blank=True, help_text=_("Tom liste: åpent for alle."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("tiltaksgjennomføring")
        verbose_name_plural = _("tiltaksgjennomføringer")
        indexes = [
            models.Index(fields=["county", "status"], name="offering_county_status"),
            models.Index(fields=["measure_type", "start_date"], name="offering_type_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(occupied__lte=F("capacity")), name="offering_not_overbooked"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offering_capacity_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="offering_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="offering_age_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.occupied, 0)

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("Slutt kan ikke være før oppstart.")
        if self.pk and self.capacity is not None and self.capacity < self.occupied:
            errors["capacity"] = _("Kan ikke ha færre plasser enn de som er i bruk (%(n)s).") % {"n": self.occupied}
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = _("Oppgi både bredde- og lengdegrad, eller ingen av dem.")
        bad = [p for p in (self.priority_groups or []) if p not in PRIORITY_GROUP_ORDER]
        if bad:
            errors["priority_groups"] = _("Ukjent prioritert gruppe: %(g)s") % {"g": ", ".join(map(str, bad))}
        if errors:
            raise ValidationError(errors)


# --- place allocation ------------------------------------------------------------------------------

class NationalTarget(models.Model):
    """The government's target for measure places in a year, per type and priority group."""

    year = models.PositiveSmallIntegerField(_("år"))
    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="targets", verbose_name=_("tiltakstype"))
    priority_group = models.CharField(
        _("prioritert gruppe"), max_length=24, choices=PriorityGroup.choices, blank=True, help_text=_("Tom: alle grupper.")
    )
    places = models.PositiveIntegerField(_("plasser"))
    budget = models.PositiveBigIntegerField(_("budsjett (kr)"), default=0)

    class Meta:
        ordering = ["-year", "measure_type__name", "priority_group"]
        verbose_name = _("nasjonalt mål")
        verbose_name_plural = _("nasjonale mål")
        constraints = [
            models.UniqueConstraint(fields=["year", "measure_type", "priority_group"], name="target_unique"),
        ]

    def __str__(self):
        return f"{self.year} {self.measure_type} {self.get_priority_group_display() or 'alle'}"


class CountyAllocation(models.Model):
    """The directorate's split of a national target to a county (mål- og disponeringsbrev)."""

    target = models.ForeignKey(NationalTarget, on_delete=models.PROTECT, related_name="county_allocations")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="measure_allocations")
    places = models.PositiveIntegerField(_("plasser"))
    budget = models.PositiveBigIntegerField(_("budsjett (kr)"), default=0)

    class Meta:
        verbose_name = _("fylkestildeling")
        verbose_name_plural = _("fylkestildelinger")
        constraints = [models.UniqueConstraint(fields=["target", "county"], name="county_allocation_unique")]

    def __str__(self):
        return f"{self.target} → {self.county}"


class OfficeAllocation(models.Model):
    """The county's split of its places to an office. ``expected_filled``: how many of the places
    the office leader expects to be filled (performance steering, kept apart from matching)."""

    county_allocation = models.ForeignKey(CountyAllocation, on_delete=models.PROTECT, related_name="office_allocations")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="measure_allocations")
    places = models.PositiveIntegerField(_("plasser"))
    budget = models.PositiveBigIntegerField(_("budsjett (kr)"), default=0)
    expected_filled = models.PositiveIntegerField(_("forventet fylt"), default=0)

    class Meta:
        verbose_name = _("kontortildeling")
        verbose_name_plural = _("kontortildelinger")
        constraints = [
            models.UniqueConstraint(fields=["county_allocation", "office"], name="office_allocation_unique"),
            models.CheckConstraint(condition=Q(expected_filled__lte=F("places")), name="expected_fill_within_places"),
        ]

    def __str__(self):
        return f"{self.county_allocation} → {self.office}"


# --- client side: preferences, referrals, choices, outcomes ----------------------------------------

class ClientPreference(models.Model):
    """The client's own goals and wishes for measures (brukermedvirkning)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="measure_preference")
    wanted_domains = models.JSONField(_("vil jobbe med"), default=list, blank=True)
    preferred_types = models.JSONField(_("ønskede tiltakstyper"), default=list, blank=True)
    max_travel_km = models.PositiveSmallIntegerField(_("maks reiseavstand (km)"), null=True, blank=True)
    preferred_language = models.CharField(_("foretrukket undervisningsspråk"), max_length=8, blank=True)
    note = models.CharField(_("merknad"), max_length=500, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("brukers ønsker")
        verbose_name_plural = _("brukers ønsker")


class Referral(models.Model):
    """Søknad/påmelding to an offering. ACCEPTED holds a place; WAITING is in the queue (ordered
    by ``queued_at``, then id); COMPLETED and WITHDRAWN-after-start are ended participations."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("På venteliste")
        ACCEPTED = "accepted", _("Har plass")
        REJECTED = "rejected", _("Avslått")
        WITHDRAWN = "withdrawn", _("Trukket")
        COMPLETED = "completed", _("Fullført")

    ACTIVE = (Status.WAITING, Status.ACCEPTED)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="referrals")
    offering = models.ForeignKey(MeasureOffering, on_delete=models.PROTECT, related_name="referrals")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", help_text=_("Brukerens kontor ved søknad."))
    office_allocation = models.ForeignKey(OfficeAllocation, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    status = models.CharField(max_length=10, choices=Status.choices)
    queued_at = models.DateTimeField(default=clock.now)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(_("deltakelse avsluttet"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("begrunnelse"), max_length=500, blank=True)
    activity = models.ForeignKey("followup.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        indexes = [
            models.Index(fields=["offering", "status", "queued_at"], name="referral_offering_queue"),
            models.Index(fields=["client", "status"], name="referral_client_status"),
            models.Index(fields=["office_allocation", "status"], name="referral_allocation"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "offering"], condition=Q(status__in=["waiting", "accepted"]), name="referral_one_active"
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="rejection_has_reason"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(accepted_at__isnull=False), name="accepted_has_date"),
        ]


class MatchChoice(models.Model):
    """What the counsellor chose from the fit-ranked list, and why when it was not the best fit.
    The raw material for measuring individualisation: rank 1 = best fit for this client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="match_choices")
    offering = models.ForeignKey(MeasureOffering, on_delete=models.PROTECT, related_name="+")
    referral = models.OneToOneField(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="match_choice")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=clock.now)
    fit_rank = models.PositiveIntegerField(_("rang etter treff"))
    fit_score = models.FloatField()
    best_offering = models.ForeignKey(MeasureOffering, on_delete=models.PROTECT, related_name="+", null=True)
    best_score = models.FloatField(null=True)
    shown = models.JSONField(_("viste tilbud"), default=list)
    reason = models.CharField(_("begrunnelse for valget"), max_length=1000, blank=True)
    office_expected_fill = models.BooleanField(_("kontoret forventet plassen fylt"), default=False)

    class Meta:
        ordering = ["-chosen_at"]
        verbose_name = _("valg av tiltak")
        verbose_name_plural = _("valg av tiltak")
        constraints = [
            models.CheckConstraint(condition=Q(fit_rank__gte=1), name="choice_rank_positive"),
            models.CheckConstraint(condition=Q(fit_rank=1) | ~Q(reason=""), name="choice_lower_fit_has_reason"),
        ]


class Outcome(models.Model):
    """The client's status 3 or 6 months after ended participation."""

    class Status(models.TextChoices):
        WORK = "work", _("Arbeid")
        EDUCATION = "education", _("Utdanning")
        NEW_MEASURE = "new_measure", _("Nytt tiltak")
        BENEFIT = "benefit", _("Ytelse")
        UNKNOWN = "unknown", _("Ukjent")

    MONTHS = (3, 6)

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="outcomes")
    months = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices)
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = _("resultat etter tiltak")
        verbose_name_plural = _("resultater etter tiltak")
        constraints = [
            models.UniqueConstraint(fields=["referral", "months"], name="outcome_unique"),
            models.CheckConstraint(condition=Q(months__in=[3, 6]), name="outcome_months_3_or_6"),
        ]


def add_months(d, months: int):
    """The date ``months`` months after ``d`` (the last day of a shorter month): when an outcome
    ``months`` after an ended participation is due."""
    import calendar
    import datetime as dt

    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
