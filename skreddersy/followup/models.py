"""§ 14 a decisions, work capacity assessments, activity plan, dialogue, meeting notes,
the chronological journal and tasks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import Client, MainGoal, NeedGroup
from skreddersy.core import clock
from skreddersy.core.choices import ChoiceLabels
from skreddersy.core.models import StaffMember
from skreddersy.core.records import NOTE_CATEGORIES, RecordCategory

# The categories a dialogue message can have (Message.category_for): the joint follow-up, or the
# municipality's when the message is routed to the municipal services.
MESSAGE_CATEGORIES = (RecordCategory.FOLLOWUP, RecordCategory.MUNICIPAL_NOTES)


class WorkCapacityAssessment(ChoiceLabels, models.Model):
    """Arbeidsevnevurdering (AEV): resource profile, the client's self-assessment and the conclusion."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    resource_profile = models.TextField(_("ressursprofil"))
    client_self_assessment = models.TextField(_("brukers egenvurdering"))
    reduced_work_capacity = models.BooleanField(_("nedsatt arbeidsevne"))
    assessed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-assessed_at"]


class NeedsDecision(ChoiceLabels, models.Model):
    """§ 14 a-vedtak. Drafts may change; a sent decision never does: a new decision replaces it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        AWAITING_APPROVAL = "awaiting_approval", _("Til beslutter")
        SENT = "sent", _("Sendt")
        DISCARDED = "discarded", _("Forkastet")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="decisions")
    need_group = models.CharField(_("innsatsgruppe"), max_length=40, choices=NeedGroup.choices)
    main_goal = models.CharField(_("hovedmål"), max_length=20, choices=MainGoal.choices)
    justification = models.TextField(_("begrunnelse"), blank=True)
    assessment = models.ForeignKey(
        WorkCapacityAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=clock.now)
    approver = models.ForeignKey(StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    version = models.PositiveIntegerField(default=1)
    # The second approver's reason when they last sent the draft back, shown in full on the draft
    # and on the counsellor's person page (a database default: bulk writers need not name it).
    return_reason = models.TextField(_("grunn til retur"), blank=True, default="", db_default="")
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-sent_at", "-drafted_at"]
        indexes = [models.Index(fields=["client", "status", "-sent_at"], name="decision_client_status")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="sent_decision_has_date"
            ),
            models.CheckConstraint(
                condition=models.Q(approver__isnull=True) | ~models.Q(approver=models.F("drafted_by")),
                name="approver_is_not_drafter",
            ),
            # One open draft per client at a time, also when two counsellors start one at once.
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(status__in=["draft", "awaiting_approval"]), name="one_open_draft_per_client"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("_allow_sent_update", False):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.SENT:
                raise ValidationError(_("Et sendt vedtak kan ikke endres. Fatt et nytt vedtak."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """A sent decision is part of the client's history and stays; drafts may go."""
        if self.pk and type(self).objects.filter(pk=self.pk, status=self.Status.SENT).exists():
            raise ValidationError(_("Et sendt vedtak kan ikke slettes. Fatt et nytt vedtak."))
        return super().delete(*args, **kwargs)


class ActivityPlan(models.Model):
    """Aktivitetsplan: one per follow-up period, shared with the client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="plans")
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Activity(ChoiceLabels, models.Model):
    class Type(models.TextChoices):
        OWN = "own", _("Egenaktivitet")
        JOB_APPLICATION = "job_application", _("Jobbsøknad")
        MEETING = "meeting", _("Møte med Nav")
        MEASURE = "measure", _("Tiltak")
        TREATMENT = "treatment", _("Behandling")
        COURSE = "course", _("Kurs")
        OTHER = "other", _("Annet")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Forslag")
        PLANNED = "planned", _("Planlagt")
        ONGOING = "ongoing", _("Gjennomføres")
        DONE = "done", _("Fullført")
        CANCELLED = "cancelled", _("Avbrutt")

    class CreatedBy(models.TextChoices):
        CLIENT = "client", _("Bruker")
        COUNSELLOR = "counsellor", _("Veileder")

    plan = models.ForeignKey(ActivityPlan, on_delete=models.CASCADE, related_name="activities")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("fra dato"), null=True, blank=True)
    end_date = models.DateField(_("til dato"), null=True, blank=True)
    created_by_role = models.CharField(max_length=12, choices=CreatedBy.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    client_approved_at = models.DateTimeField(_("godtatt av bruker"), null=True, blank=True)
    # Aktivitetskrav: a requirement tied to a benefit, with its legal basis and plain-words consequence.
    is_requirement = models.BooleanField(_("aktivitetskrav"), default=False)
    legal_basis = models.CharField(_("hjemmel"), max_length=200, blank=True)
    consequence = models.TextField(_("konsekvens hvis kravet ikke oppfylles"), blank=True)
    version = models.PositiveIntegerField(default=1)
    # "Jeg er ikke enig / jeg har spørsmål" on Min side: when the client last disagreed or asked (the
    # message itself is a thread tied to the activity); open until the client approves after it
    client_disagreed_at = models.DateTimeField(_("bruker uenig eller har spørsmål"), null=True, blank=True)
    # Tiltakstype, for an activity that is a measure: set where the activity comes from a place in an
    # offering (the offering's type) or chosen by the counsellor; empty where it cannot be known.
    # A reference by name to the measures app's catalogue: followup imports nothing from measures
    # (decision 0042); it reads the type's code and name through this relation.
    measure_type = models.ForeignKey("measures.MeasureType", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="activities", verbose_name=_("tiltakstype"))

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(fields=["client", "status"], name="activity_client_status"),
            # a client's activity requirements by status (the workload model's fact "open requirement",
            # read for a whole office or nation at once): without it every open activity's row is read
            # to test is_requirement. The condition has no parameter, so SQLite can use it too.
            models.Index(
                fields=["client", "status"], condition=models.Q(is_requirement=True), name="activity_client_requirement"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="activity_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(is_requirement=False) | (~models.Q(legal_basis="") & ~models.Q(consequence="")),
                name="requirement_has_basis_and_consequence",
            ),
            models.CheckConstraint(
                condition=models.Q(measure_type__isnull=True) | models.Q(type="measure"),
                name="activity_measure_type_only_for_measures",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.PLANNED, self.Status.ONGOING)

    @property
    def disagreement_open(self) -> bool:
        """The client said they disagree or have a question, and has not approved since."""
        d = self.client_disagreed_at
        return d is not None and (self.client_approved_at is None or self.client_approved_at < d)


class Thread(models.Model):
    """A dialogue thread between the client and Nav, optionally about an activity."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="threads")
    subject = models.CharField(_("emne"), max_length=200)
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads")
    created_at = models.DateTimeField(default=clock.now)
    last_message_at = models.DateTimeField(default=clock.now)
    awaiting_nav_reply = models.BooleanField(_("venter på svar fra Nav"), default=False, db_index=True)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["client", "-last_message_at"], name="thread_client_last")]


class Message(ChoiceLabels, models.Model):
    """Dialogmelding."""

    class Route(models.TextChoices):
        FOLLOWUP = "followup", _("Oppfølging")
        BENEFIT = "benefit", _("Ytelse eller utbetaling (kontaktsenter)")
        MUNICIPAL = "municipal", _("Kommunale tjenester (sosialtjenesten)")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_client = models.BooleanField()
    body = models.TextField()
    sent_at = models.DateTimeField(default=clock.now)
    read_by_client_at = models.DateTimeField(null=True, blank=True)
    read_by_nav_at = models.DateTimeField(null=True, blank=True)
    suggested_route = models.CharField(max_length=12, choices=Route.choices, blank=True)
    route = models.CharField(max_length=12, choices=Route.choices, blank=True)
    # The side of the office that holds the message (core.records), set with the route: a message
    # routed to the municipal services is the municipality's (sosialtjenesteloven § 44) and seen by
    # state staff only with the client's consent; every other message is the joint follow-up's
    # (decision 0044). db_default: the seed's bulk inserts name no category.
    category = models.CharField(max_length=24, choices=[(c.value, c.label) for c in MESSAGE_CATEGORIES],
                                default=RecordCategory.FOLLOWUP, db_default=RecordCategory.FOLLOWUP)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            # the category follows the route, and only the route: they never disagree
            models.CheckConstraint(
                condition=models.Q(route="municipal", category=RecordCategory.MUNICIPAL_NOTES)
                | models.Q(~models.Q(route="municipal"), category=RecordCategory.FOLLOWUP),
                name="message_category_follows_route",
            ),
        ]
        # a thread's newest message first: who is awaited (the overview's counters and filters read
        # the newest message of every thread of every client listed)
        indexes = [models.Index(fields=["thread", "-sent_at", "-id"], name="message_thread_newest")]

    @staticmethod
    def category_for(route: str) -> str:
        """The record category of a message with ``route``."""
        return RecordCategory.MUNICIPAL_NOTES if route == Message.Route.MUNICIPAL else RecordCategory.FOLLOWUP


class MeetingNote(ChoiceLabels, models.Model):
    """Samtalereferat, also for phone and SMS contacts. ``shared_with_client`` decides whether the
    client sees it; internal notes are never shown to the client."""

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Møte")
        PHONE = "phone", _("Telefon")
        SMS = "sms", _("SMS")
        VIDEO = "video", _("Video")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="meeting_notes")
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    held_at = models.DateTimeField(_("tidspunkt"), default=clock.now)
    summary = models.TextField(_("referat"))
    shared_with_client = models.BooleanField(_("del med bruker"), default=True)
    # The side of the office that holds the note (core.records): a municipal note (for example
    # about financial assistance) is seen by state staff only with the client's consent.
    category = models.CharField(_("journalføres hos"), max_length=24, default=RecordCategory.STATE_NOTES,
                                choices=[(c.value, c.label) for c in NOTE_CATEGORIES])
    written_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-held_at"]
        # the person page's newest notes first, and a reader's last contact for a client with a KVP
        indexes = [models.Index(fields=["client", "-held_at", "-id"], name="note_client_newest")]


class JournalEntry(ChoiceLabels, models.Model):
    """One line in the client's chronological journal. Every service that changes a case appends one."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Vedtak")
        ASSESSMENT = "assessment", _("Arbeidsevnevurdering")
        MAPPING = "mapping", _("Kartlegging")
        ACTIVITY = "activity", _("Aktivitet")
        MESSAGE = "message", _("Dialog")
        NOTE = "note", _("Samtalereferat")
        TASK = "task", _("Oppgave")
        MEASURE = "measure", _("Tiltak")
        CLIENT = "client", _("Personopplysninger")
        FINANCIAL_ASSISTANCE = "assistance", _("Økonomisk sosialhjelp")
        KVP = "kvp", _("Kvalifiseringsprogrammet")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="journal")
    at = models.DateTimeField(default=clock.now)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True)
    visible_to_client = models.BooleanField(default=True)
    # Which side of the office holds the entry (core.records); the access policy's record_filter
    # decides who sees it. The follow-up's own lines are FOLLOWUP; a note's line has the note's.
    category = models.CharField(max_length=24, choices=RecordCategory.choices, default=RecordCategory.FOLLOWUP)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at", "-id"], name="journal_client_at")]
        verbose_name_plural = _("journal")


class Task(ChoiceLabels, models.Model):
    """Oppgave with an owner and a deadline (for example: answer a client's message within 48 hours)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        DONE = "done", _("Utført")
        CANCELLED = "cancelled", _("Avbrutt")

    class Kind(models.TextChoices):
        ANSWER_MESSAGE = "answer_message", _("Svar på melding")
        FOLLOW_UP = "follow_up", _("Oppfølging")
        ASSESSMENT = "assessment", _("Ny vurdering")
        APPROVE_DECISION = "approve_decision", _("Beslutt vedtak")
        OTHER = "other", _("Annet")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tasks")
    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("oppgave"), max_length=200)
    deadline = models.DateTimeField(_("frist"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=clock.now)
    done_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    decision = models.ForeignKey(NeedsDecision, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    # e.g. the note left when handed to a colleague; a database default, so bulk writers that name
    # their columns (the seed) need not know it
    note = models.CharField(_("merknad"), max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["deadline"]
        indexes = [
            models.Index(fields=["client", "status", "deadline"], name="task_client_status"),
            models.Index(fields=["owner", "status", "deadline"], name="task_owner_status"),
        ]


# --- the counsellor's own notes, categories and overview settings (per counsellor, never shown to others) ---

class Reminder(models.Model):
    """Huskelapp: a counsellor's own note on a client, with an optional deadline. One per
    counsellor and client; only its owner sees it (overview row and task inbox)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reminders")
    owner = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="reminders")
    note = models.CharField(_("huskelapp"), max_length=500)
    deadline = models.DateField(_("frist"), null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "client"], name="reminder_owner_client")]


class Category(models.TextChoices):
    """Colour categories a counsellor sets on clients for their own sorting of the caseload."""

    BLUE = "blue", _("Blå")
    GREEN = "green", _("Grønn")
    YELLOW = "yellow", _("Gul")
    PURPLE = "purple", _("Lilla")
    ORANGE = "orange", _("Oransje")


class ClientCategory(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="categories")
    owner = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="client_categories")
    colour = models.CharField(_("kategori"), max_length=10, choices=Category.choices)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "client"], name="category_owner_client")]
        indexes = [models.Index(fields=["owner", "colour"], name="category_owner_colour")]


class SavedFilter(models.Model):
    """A counsellor's named overview filter: the query parameters as a dict of known fields."""

    owner = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(_("navn"), max_length=80)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_owner_name")]


class OverviewSettings(models.Model):
    """The overview columns a counsellor has chosen (empty: the default set)."""

    owner = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="overview_settings")
    columns = models.JSONField(default=list)


# --- the client kept informed (issue 17): formal notice before a sanction, meetings, own ratings ---

class AdvanceNotice(ChoiceLabels, models.Model):
    """Forhåndsorientering: the formal notice, before a benefit can be reduced or stopped, that an
    activity requirement is not met, with a deadline to respond (forvaltningsloven § 16). A
    sanction recommendation (``recommended_at``) is written only once the client has responded or
    the deadline has passed (``followup.notices.sanction_refusal``)."""

    class Channel(models.TextChoices):
        DIGITAL = "digital", _("Min side")
        LETTER = "letter", _("Brev")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="notices")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="advance_notices")
    basis = models.CharField(_("hjemmel"), max_length=40, help_text="a key of followup.notices.BASES")
    text = models.TextField(_("tekst"))
    deadline = models.DateField(_("svarfrist"))
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.DIGITAL)
    sent_at = models.DateTimeField(default=clock.now)
    sent_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("lest av bruker"), null=True, blank=True)
    response = models.TextField(_("brukers svar"), blank=True)
    responded_at = models.DateTimeField(_("svart"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("innstilling om sanksjon"), null=True, blank=True)
    recommended_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recommendation = models.TextField(_("begrunnelse for innstillingen"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["activity", "-sent_at"], name="notice_activity_sent")]
        constraints = [
            models.CheckConstraint(condition=models.Q(responded_at__isnull=True) | ~models.Q(response=""),
                                   name="notice_response_has_text"),
            models.CheckConstraint(condition=models.Q(recommended_at__isnull=True) | ~models.Q(recommendation=""),
                                   name="notice_recommendation_has_reason"),
        ]


class Meeting(ChoiceLabels, models.Model):
    """A meeting booked with the client (møte): shown on Min side, reminded the day before, and
    when held turned into a meeting note (``note``) in one step; a no-show is recorded as such."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Oppmøte")
        VIDEO = "video", _("Video")
        PHONE = "phone", _("Telefon")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Gjennomført")
        NO_SHOW = "no_show", _("Bruker møtte ikke")
        CANCELLED = "cancelled", _("Avlyst")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="meetings")
    counsellor = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("tidspunkt"))
    ends_at = models.DateTimeField(_("slutt"))
    mode = models.CharField(_("møteform"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    participants = models.CharField(_("deltakere"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    note = models.OneToOneField(MeetingNote, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["counsellor", "starts_at"], name="meeting_counsellor_start"),
            models.Index(fields=["client", "starts_at"], name="meeting_client_start"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]


class SelfRating(ChoiceLabels, models.Model):
    """The client's own answer to one job-seeker item of the item bank (instruments.json,
    ``jobseeker_outcomes``) at one occasion of a follow-up period (start, 3, 12, 18 months).
    Voluntary and never used in a benefit decision. ``value`` is the scale point (for an item with
    options, the option's index); ``dont_know`` the item's extra option."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="self_ratings")
    period = models.ForeignKey("clients.FollowUpPeriod", on_delete=models.CASCADE, related_name="self_ratings")
    occasion = models.CharField(max_length=8)
    item = models.CharField(max_length=40)
    value = models.SmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "occasion", "item"], name="self_rating_once_per_occasion"),
            models.CheckConstraint(condition=(models.Q(value__isnull=False, dont_know=False)
                                                       | models.Q(value__isnull=True, dont_know=True)), name="self_rating_value_or_dont_know"),
        ]


class LanguageNeed(ChoiceLabels, models.Model):
    """A counsellor's mark that a text they wrote for the client (a decision's justification, a
    requirement's consequence, a message) needs an interpreter or a translated version, because the
    client's language or written standard differs from the text's (core.languages). The product
    never translates a counsellor's own words; the mark is shown on the person page until done."""

    class Subject(models.TextChoices):
        DECISION = "decision", _("Vedtak")
        REQUIREMENT = "requirement", _("Aktivitetskrav")
        ACTIVITY = "activity", _("Aktivitet")
        MESSAGE = "message", _("Melding")

    class Need(models.TextChoices):
        INTERPRETER = "interpreter", _("Tolk")
        TRANSLATION = "translation", _("Oversatt versjon")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="language_needs")
    subject = models.CharField(_("gjelder"), max_length=12, choices=Subject.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    need = models.CharField(_("behov"), max_length=12, choices=Need.choices)
    text_standard = models.CharField(_("tekstens målform"), max_length=2, default="nb")
    client_language = models.CharField(_("brukerens språk"), max_length=8, blank=True)
    client_standard = models.CharField(_("brukerens målform"), max_length=2, default="nb")
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "done_at"], name="language_need_client_open")]
        verbose_name = _("behov for tolk eller oversettelse")
        verbose_name_plural = _("behov for tolk eller oversettelse")
