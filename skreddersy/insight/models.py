"""Insight: item bank (instruments, items, scales, indices), surveys, waves, invitations and
anonymous responses.

Anonymity by construction
- An ``Invitation`` knows the staff member and holds only the SHA-256 hash of the one-time
  token plus a ``used`` flag. It has no timestamp of use.
- A ``ResponseDraft`` (save and resume) is keyed by the token hash and deleted at submission.
- A ``Response`` has a random UUID, the wave, the office (for aggregates) and the answers. It
  has no foreign key or column that leads to an invitation, a token, a user or a time of
  submission, so no join from token (or person) to answers exists in the schema.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.core import clock
from skreddersy.core.models import County, Office, StaffMember, Team

# --- background questions (fixed; their codes are the analysis coding of the published study) ---

CASELOAD_CHOICES = [
    ("none", _("Ingen")),
    ("lt25", _("Under 25")),
    ("25_50", _("25-50")),
    ("51_75", _("51-75")),
    ("76_100", _("76-100")),
    ("101_125", _("101-125")),
    ("126_150", _("126-150")),
    ("gt150", _("Over 150")),
]
# analysis code 0-6 as in Terum & Sadeghi 2021; "none" is not a caseload (excluded from models)
CASELOAD_CODES = {"lt25": 0, "25_50": 1, "51_75": 2, "76_100": 3, "101_125": 4, "126_150": 5, "gt150": 6}

EMPLOYER_CHOICES = [("state", _("Statlig tilsatt")), ("municipal", _("Kommunalt tilsatt"))]
EMPLOYER_CODES = {"municipal": 0, "state": 1}

GENDER_CHOICES = [("woman", _("Kvinne")), ("man", _("Mann")), ("other", _("Annet / vil ikke svare"))]
GENDER_CODES = {"woman": 0, "man": 1}

ROLE_CHOICES = [
    ("counsellor", _("Veileder")),
    ("leader", _("Leder")),
    ("adviser", _("Fagrådgiver / fagkoordinator")),
    ("job_specialist", _("Jobbspesialist")),
    ("other", _("Annet")),
]

AGE_BAND_CHOICES = [
    ("lt30", _("Under 30 år")),
    ("30_39", _("30-39 år")),
    ("40_49", _("40-49 år")),
    ("50_59", _("50-59 år")),
    ("60plus", _("60 år eller eldre")),
]
# midpoints used when only the band is known (the questionnaire asks for the band, not the age)
AGE_BAND_MIDPOINTS = {"lt30": 26.0, "30_39": 34.5, "40_49": 44.5, "50_59": 54.5, "60plus": 64.0}

BACKGROUND_QUESTIONS = {
    "caseload": (_("Hvor mange brukere har du ansvar for å følge opp?"), CASELOAD_CHOICES),
    "employer": (_("Er du statlig eller kommunalt tilsatt?"), EMPLOYER_CHOICES),
    "role": (_("Hva er din hovedrolle?"), ROLE_CHOICES),
    "gender": (_("Kjønn"), GENDER_CHOICES),
    "age_band": (_("Alder"), AGE_BAND_CHOICES),
}
BACKGROUND_KEYS = list(BACKGROUND_QUESTIONS)


# --- item bank ---------------------------------------------------------------------------------

class Scale(models.Model):
    """Answer scale: integer points from ``min_value`` to ``max_value``; ``labels`` maps a point
    (as a string) to its Norwegian label (all points for Likert scales, the ends for 0-10)."""

    key = models.SlugField(max_length=40, unique=True)
    min_value = models.IntegerField()
    max_value = models.IntegerField()
    labels = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("svarskala")
        verbose_name_plural = _("svarskalaer")
        constraints = [models.CheckConstraint(condition=models.Q(max_value__gt=models.F("min_value")), name="scale_range")]

    def __str__(self):
        return f"{self.key} ({self.min_value}-{self.max_value})"

    @property
    def points(self) -> list[int]:
        return list(range(self.min_value, self.max_value + 1))

    @property
    def is_small(self) -> bool:
        """Few enough points to show as radio buttons."""
        return self.max_value - self.min_value <= 10

    def label_for(self, value: int) -> str:
        return self.labels.get(str(value), "")

    def value_labels(self) -> dict[int, str]:
        return {int(k): v for k, v in self.labels.items()}


class Instrument(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    lead_text = models.CharField(_("innledende spørsmål"), max_length=300, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instrumenter")

    def __str__(self):
        return self.name


class Item(models.Model):
    """Påstand: one question with its verbatim wording."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=60, unique=True)
    text = models.TextField(_("ordlyd"))
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="items")
    reverse = models.BooleanField(_("snus i indekser"), default=False)
    position = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["instrument__key", "position"]
        verbose_name = _("påstand")
        verbose_name_plural = _("påstander")

    def __str__(self):
        return self.key


class IndexDefinition(models.Model):
    """Indeks: the mean of its items (reverse-coded items flipped first), computed only for a
    respondent who answered at least ``min_answered`` of them."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="indices")
    key = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    items = models.ManyToManyField(Item, related_name="indices")
    method = models.CharField(max_length=10, default="mean", choices=[("mean", _("Gjennomsnitt"))])
    min_answered = models.PositiveSmallIntegerField(_("minste antall besvarte påstander"), default=1)
    published_alpha = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("indeks")
        verbose_name_plural = _("indekser")

    def __str__(self):
        return self.label or self.key


# --- surveys, waves, invitations ---------------------------------------------------------------

class Survey(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    intro = models.TextField(_("innledning"), blank=True)
    items = models.ManyToManyField(Item, through="SurveyItem", related_name="surveys")
    background = models.JSONField(_("bakgrunnsspørsmål"), default=list, blank=True)
    # the regression the report runs: {"dependent": key, "blocks": [[key, ...], ...], "labels": {...}}
    analysis_spec = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spørreundersøkelse")
        verbose_name_plural = _("spørreundersøkelser")

    def __str__(self):
        return self.name

    def clean(self):
        unknown = [k for k in self.background if k not in BACKGROUND_QUESTIONS]
        if unknown:
            raise ValidationError({"background": _("Ukjente bakgrunnsspørsmål: %s") % ", ".join(unknown)})


class SurveyItem(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="survey_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "item"], name="surveyitem_unique")]


class Wave(models.Model):
    """Runde: one round of a survey for chosen offices, open between two times."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="waves")
    label = models.CharField(_("navn på runden"), max_length=120)
    offices = models.ManyToManyField(Office, related_name="survey_waves")
    opens_at = models.DateTimeField(_("åpner"))
    closes_at = models.DateTimeField(_("stenger"))
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("runde")
        verbose_name_plural = _("runder")
        constraints = [models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="wave_period")]

    def __str__(self):
        return f"{self.survey.name}: {self.label}"

    def is_open(self, at=None) -> bool:
        at = at or clock.now()
        return self.opens_at <= at < self.closes_at

    @property
    def status(self) -> str:
        now = clock.now()
        if now < self.opens_at:
            return "planned"
        return "open" if now < self.closes_at else "closed"


class Invitation(models.Model):
    """One staff member invited to one wave. Holds the SHA-256 hash of a random one-time token
    (``secrets.token_urlsafe``; the token itself is stored nowhere, so the hash cannot be
    recomputed from stored data) and whether it was used; never when it was used and never
    which response it produced."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="survey_invitations")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "staff"], name="invitation_once_per_wave")]
        indexes = [models.Index(fields=["wave", "office", "used"], name="invitation_rate")]
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")


class ResponseDraft(models.Model):
    """Answers saved before submission, keyed by the token hash; deleted when submitted."""

    token_hash = models.CharField(max_length=64, unique=True)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    background = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=clock.now)


def random_key() -> int:
    """A random positive 63-bit key: rows keyed by it carry no order of arrival."""
    return secrets.randbits(63) or 1


class RandomKeyField(models.BigIntegerField):
    """A 64-bit primary key filled from ``random_key``. On SQLite the column is declared
    ``integer`` so it becomes the table's rowid: the physical order of the rows is then the
    order of the random keys, not the order of insertion."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", random_key)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class PendingResponse(models.Model):
    """A submitted answer set waiting to be released into ``Response`` (sealed: no report,
    selector or admin page reads it; only ``services.release_pending_responses`` does).

    Nothing here leads to the invitation, the token or the person: a random key (not
    autoincrement, and the rowid on SQLite), the wave, the office and the day it came in
    (nothing finer). Released in shuffled batches of at least ``RELEASE_BATCH`` per office, or
    all at once when the wave has closed, at a time set by the periodic release, not by the
    submission."""

    id = RandomKeyField(primary_key=True)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    answers = models.JSONField(default=dict)
    background = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["wave", "office"], name="pending_wave_office")]


class ImportBatch(models.Model):
    """Responses collected elsewhere and imported from CSV or SPSS .sav."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(default=clock.now)


class Response(models.Model):
    """An anonymous answer set. Nothing here leads back to a person or an invitation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, default="web", choices=[("web", _("Nettskjema")), ("import", _("Importert"))])
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="responses")
    # the respondent id in an imported file (already pseudonymous there); empty for web answers
    external_ref = models.CharField(max_length=64, blank=True)
    caseload = models.CharField(max_length=10, blank=True, choices=CASELOAD_CHOICES)
    employer = models.CharField(max_length=10, blank=True, choices=EMPLOYER_CHOICES)
    role = models.CharField(max_length=20, blank=True, choices=ROLE_CHOICES)
    gender = models.CharField(max_length=10, blank=True, choices=GENDER_CHOICES)
    age_band = models.CharField(max_length=10, blank=True, choices=AGE_BAND_CHOICES)
    age = models.PositiveSmallIntegerField(null=True, blank=True)  # only from imports that carry it
    answers = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["wave", "office"], name="response_wave_office")]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "external_ref"], condition=~models.Q(external_ref=""), name="response_external_ref_once"
            )
        ]
        verbose_name = _("svar")
        verbose_name_plural = _("svar")


# --- tailoring indicators (issue 15) ---------------------------------------------------------------

class TailoringFigure(models.Model):
    """One unit's counts for one family of tailoring indicators in one month, as the monthly
    refresh (``insight.tailoring.services.refresh_indicators``) computed them, with the suppression
    decision taken over the whole country at once (``hidden``: never shown to anyone but, for a
    counsellor's own row, that counsellor). Level "counsellor" rows are one counsellor's work at
    one office."""

    month = models.DateField()
    family = models.CharField(max_length=20)
    level = models.CharField(max_length=12)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contributors = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    hidden = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["level", "month"], name="tailoring_level_month"),
            models.Index(fields=["office", "level", "month"], name="tailoring_office_month"),
            models.Index(fields=["staff", "month"], name="tailoring_staff_month"),
        ]
        verbose_name = _("skreddersømtall")
        verbose_name_plural = _("skreddersømtall")


# --- calibration lab (issue 15) ------------------------------------------------------------------

class CalibrationRound(models.Model):
    """A round of anonymised case vignettes that counsellors answer independently, to see how far
    they agree on need group, main goal, activity requirement and measure type."""

    title = models.CharField(_("navn"), max_length=200)
    intro = models.TextField(_("innledning"), blank=True)
    offices = models.ManyToManyField(Office, related_name="calibration_rounds")
    opens_at = models.DateTimeField(_("åpner"))
    closes_at = models.DateTimeField(_("stenger"))
    sealed = models.BooleanField(default=False)  # closed and its rows rewritten together (see services)
    # Written when the round is sealed (calibration/services.py ``tally``): per office, the number of
    # answer sets and per vignette and question how many gave each answer, so results read one
    # row instead of every answer set. The same counts the answer sets give; no new link to anyone.
    tally = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                              name="calibration_closes_after_opening")]
        verbose_name = _("kalibreringsrunde")
        verbose_name_plural = _("kalibreringsrunder")

    def __str__(self):
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or clock.now()
        return self.opens_at <= at < self.closes_at


class Vignette(models.Model):
    """An invented client's situation (no real person), with the analyst's reference answer where set."""

    round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="vignettes")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("tittel"), max_length=200)
    situation = models.TextField(_("situasjon"))
    needs = models.TextField(_("behov"), blank=True)
    wishes = models.TextField(_("ønsker"), blank=True)
    reference = models.JSONField(_("fasitsvar"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")


class CalibrationInvitation(models.Model):
    """One staff member invited to one round, and whether they have answered; never which answers."""

    round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="invitations")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "staff"], name="calibration_invited_once")]


class CalibrationAnswerSet(models.Model):
    """One counsellor's answers to every vignette of a round. Nothing leads to the person: a random
    key (the rowid on SQLite), the office, the day, and the SHA-256 hash of the receipt only the
    counsellor was shown."""

    id = RandomKeyField(primary_key=True)
    round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    receipt_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict)  # vignette id -> {need_group, main_goal, requirement, measure_type}

    class Meta:
        indexes = [models.Index(fields=["round", "office"], name="calibration_round_office")]
