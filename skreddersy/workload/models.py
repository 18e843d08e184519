"""The office's points, each counsellor's terms (contracted hours, start date, fixed duties,
languages), the stored weight estimates, contact standards and the quarterly time-use week."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.core import clock
from skreddersy.core.models import Office, StaffMember


class OfficePoints(models.Model):
    """The office's own follow-up points (minutes per client per month by fact). No row: the
    national defaults (workload.model.NATIONAL_POINTS)."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="workload_points")
    points = models.JSONField(default=dict)
    updated_by = models.ForeignKey(StaffMember, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=clock.now)
    version = models.PositiveIntegerField(default=1)


class StaffTerms(models.Model):
    """What planning needs to know about a counsellor's time. No row: 37.5 h, 4 h fixed duties."""

    staff = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="workload_terms")
    contracted_hours = models.DecimalField(
        _("avtalt arbeidstid (timer per uke)"),
        max_digits=4,
        decimal_places=1,
        default=37.5,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    fixed_duty_hours = models.DecimalField(
        _("faste oppgaver (timer per uke)"),
        max_digits=4,
        decimal_places=1,
        default=4,
        help_text=_("Mottak, vakt, teamoppgaver"),
    )
    started_on = models.DateField(_("tiltrådt"), null=True, blank=True)
    languages = models.CharField(
        _("språk utover norsk"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("Språkkoder, kommaseparert (en, pl, ar, ...)"),
    )

    def language_set(self) -> frozenset[str]:
        return frozenset(x.strip().lower() for x in self.languages.split(",") if x.strip())


class WeightEstimate(models.Model):
    """Weights estimated from recorded time (office, or national when office is empty): the
    results object's export (coefficients with CIs, R², out-of-sample R²)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField(default=clock.now)
    result = models.JSONField()

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["office", "-computed_at"], name="weightestimate_office")]


class ContactStandard(models.Model):
    """At most ``max_days`` between contacts for clients in a need group, set by the office."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="contact_standards")
    need_group = models.CharField(max_length=40)
    max_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(730)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "need_group"], name="contactstandard_office_group")]


class TimeUseWeek(models.Model):
    """Once a quarter a staff member logs one ordinary week by category (hours). Offices see the
    aggregate only, for 5 or more weeks."""

    CATEGORIES = [
        ("with_client", _("Med brukere")),
        ("documentation", _("Dokumentasjon")),
        ("income_support", _("Saksbehandling økonomisk sosialhjelp")),
        ("meetings", _("Interne møter")),
        ("travel", _("Reise")),
        ("other", _("Annet")),
    ]
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time_use_weeks")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    hours = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "year", "quarter"], name="timeuseweek_one_per_quarter")]
