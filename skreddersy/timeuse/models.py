"""TimeEntry: the minutes one piece of work on one client took, recorded with the work itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.core import clock
from skreddersy.core.models import Office, StaffMember

MAX_MINUTES = 12 * 60  # one contact or one piece of casework never takes more than a working day and a half


class Kind(models.TextChoices):
    MEETING = "meeting", _("Møte")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Telefon")
    SMS = "sms", _("SMS")
    MESSAGE = "message", _("Melding skrevet")
    DECISION = "decision", _("Vedtak")
    ASSESSMENT = "assessment", _("Arbeidsevnevurdering")
    MAPPING = "mapping", _("Kartlegging")
    REFERRAL = "referral", _("Henvisning til tiltak")


# Minutes (with the client or on the case, documentation) a kind takes unless the counsellor says otherwise.
DEFAULTS: dict[str, tuple[int, int]] = {
    Kind.MEETING: (45, 15),
    Kind.VIDEO: (30, 10),
    Kind.PHONE: (15, 5),
    Kind.SMS: (3, 0),
    Kind.MESSAGE: (8, 0),
    Kind.DECISION: (20, 25),
    Kind.ASSESSMENT: (45, 45),
    Kind.MAPPING: (20, 15),
    Kind.REFERRAL: (10, 10),
}
# Kinds that are face-to-face time with the client (meeting in person or by video).
FACE_TO_FACE = frozenset({Kind.MEETING, Kind.VIDEO})


class TimeEntry(models.Model):
    client_id = models.BigIntegerField(_("bruker"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.SET_NULL, null=True, related_name="time_entries")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField(_("minutter med bruker eller på saken"))
    documentation_minutes = models.PositiveSmallIntegerField(_("minutter dokumentasjon"), default=0)
    at = models.DateTimeField(default=clock.now)
    object_type = models.CharField(max_length=40, blank=True, default="")
    object_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["office", "at"], name="timeentry_office_at"),
            models.Index(fields=["staff", "at"], name="timeentry_staff_at"),
            # covering: the weight estimate sums each client's minutes by month from the index alone
            models.Index(
                fields=["client_id", "at", "minutes", "documentation_minutes"], name="timeentry_client_at_min"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__lte=MAX_MINUTES), name="timeentry_minutes_max"),
            models.CheckConstraint(
                condition=models.Q(documentation_minutes__lte=MAX_MINUTES), name="timeentry_doc_max"
            ),
        ]
        verbose_name = _("registrert tid")
        verbose_name_plural = _("registrert tid")


class CounsellorLoad(models.Model):
    """One counsellor's modelled workload at one office, as the workload app last computed it (the
    leader's workload page computes it live; ``workload.services.refresh_loads`` stores it after a
    weight estimate, a change of points, terms or contact standards, a committed plan, and
    periodically). Kept here, below followup, so the follow-up overview can show the red light (a
    counsellor over their ceiling) with one small query, without importing the workload app.

    Hours are per week, fixed duties included: ``points_hours`` with the office's points (the planned
    workload), ``estimated_hours`` with the weights estimated from recorded time (the measured one;
    None before any estimate)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    caseload = models.PositiveIntegerField(default=0)
    points_hours = models.FloatField()
    estimated_hours = models.FloatField(null=True)
    ceiling_hours = models.FloatField()
    past_contact_standard = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "office"], name="counsellorload_staff_office")]
        indexes = [models.Index(fields=["office", "staff"], name="counsellorload_office")]

    @property
    def over_hours(self) -> float:
        """Hours per week above the ceiling by the larger of the two workloads (0: under it)."""
        worst = max(self.points_hours, self.estimated_hours if self.estimated_hours is not None else 0.0)
        return max(0.0, worst - self.ceiling_hours)
