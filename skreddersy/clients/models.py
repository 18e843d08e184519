"""Client records (bruker), follow-up periods and needs mapping (kartlegging)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.core import clock, collation, fnr, languages
from skreddersy.core.models import Office, StaffMember
from skreddersy.core.records import CONSENT_CATEGORIES, RecordSide


def validate_identity_number(value: str) -> None:
    try:
        fnr.parse(value)
    except fnr.InvalidIdentityNumber as exc:
        raise ValidationError(exc.translated(), code="invalid_fnr") from None


class AddressProtection(models.TextChoices):
    NONE = "", _("Ingen")
    CONFIDENTIAL = "confidential", _("Fortrolig adresse (kode 7)")
    STRICTLY_CONFIDENTIAL = "strictly_confidential", _("Strengt fortrolig adresse (kode 6)")


class NeedGroup(models.TextChoices):
    """Innsatsgruppe (§ 14 a), ordered from least to most assistance. Rules: core/reference.py."""

    STANDARD_INNSATS = "STANDARD_INNSATS", _("Standard innsats")
    SITUASJONSBESTEMT_INNSATS = "SITUASJONSBESTEMT_INNSATS", _("Situasjonsbestemt innsats")
    SPESIELT_TILPASSET_INNSATS = "SPESIELT_TILPASSET_INNSATS", _("Spesielt tilpasset innsats")
    GRADERT_VARIG_TILPASSET_INNSATS = "GRADERT_VARIG_TILPASSET_INNSATS", _("Gradert varig tilpasset innsats")
    VARIG_TILPASSET_INNSATS = "VARIG_TILPASSET_INNSATS", _("Varig tilpasset innsats")


class MainGoal(models.TextChoices):
    SKAFFE_ARBEID = "SKAFFE_ARBEID", _("Skaffe arbeid")
    BEHOLDE_ARBEID = "BEHOLDE_ARBEID", _("Beholde arbeid")
    OKE_DELTAKELSE = "OKE_DELTAKELSE", _("Øke deltakelse")


class Client(models.Model):
    """Bruker: a person Nav follows up."""

    fnr = models.CharField(_("fødselsnummer"), max_length=11, unique=True, validators=[validate_identity_number])
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    # Norwegian alphabetical order of last name, first name (core.collation); set on every save.
    sort_key = models.BinaryField(default=b"")
    birth_date = models.DateField(_("fødselsdato"))
    municipality = models.CharField(_("kommune"), max_length=120)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="clients", verbose_name=_("oppfølgingskontor"))
    counsellor = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload", verbose_name=_("veileder")
    )
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="client")

    # Priority flags. "Under 30" is derived from the birth date and never stored.
    immigrant_non_eea = models.BooleanField(_("innvandrer fra land utenfor EØS"), default=False)
    long_term_unemployed = models.BooleanField(_("langtidsledig"), default=False)
    reduced_work_capacity = models.BooleanField(_("nedsatt arbeidsevne"), default=False)

    language = models.CharField(_("foretrukket språk"), max_length=8, default="nb",
                                help_text=_("Språkkode (ISO 639), for eksempel nb, se (nordsamisk), smj (lulesamisk), sma (sørsamisk), ar."))
    # Bokmål or nynorsk (core.languages): Min side, notifications and the § 14 a letter follow it.
    written_standard = models.CharField(_("målform"), max_length=2, choices=languages.WRITTEN_STANDARDS,
                                        default=languages.BOKMAL, db_default=languages.BOKMAL)
    needs_interpreter = models.BooleanField(_("behov for tolk"), default=False)
    manual_followup = models.BooleanField(_("manuell oppfølging"), default=False, help_text=_("Ikke digital bruker"))

    address_protection = models.CharField(
        _("adressebeskyttelse"), max_length=24, choices=AddressProtection.choices, blank=True, default=""
    )
    skjermet = models.BooleanField(_("skjermet (Nav-ansatt)"), default=False)

    # Kept current by services (followup.services), so lists need no extra queries.
    need_group = models.CharField(_("innsatsgruppe"), max_length=40, choices=NeedGroup.choices, blank=True)
    main_goal = models.CharField(_("hovedmål"), max_length=20, choices=MainGoal.choices, blank=True)
    # The newest contact (a message from Nav, a meeting note) each side of the office sees by its own
    # right, kept by the services that write contacts (clients.contact.columns_for): the state side
    # the joint follow-up's messages and state notes, the municipal side every message and municipal
    # notes. A reader's own "last contact" is followup.lastcontact's (consents and the KVP rule).
    last_contact_at = models.DateTimeField(_("siste kontakt"), null=True, blank=True)
    last_municipal_contact_at = models.DateTimeField(_("siste kontakt (kommunal)"), null=True, blank=True)
    assessment_due = models.DateField(_("ny vurdering innen"), null=True, blank=True)
    # Has (or had) a KVP period: set by the database itself when a period is written (a trigger on
    # KvpPeriod, migration clients.0008), whoever writes it, and never cleared. Lists of many clients
    # read the KVP rule (policy.access) only for these (docs/decisions/0046); false means no row of
    # the client is held by a KVP.
    kvp = models.BooleanField(_("har hatt KVP"), default=False, db_default=False, editable=False)
    # Has (or had) a consent to share one side's notes with the other: set by the database like
    # ``kvp`` (a trigger on SharingConsent, migration clients.0010), never cleared. The reader's last
    # contact reads the consents only for these (followup.lastcontact, docs/decisions/0047).
    notes_shared = models.BooleanField(_("har samtykket til deling av notater"), default=False, db_default=False,
                                       editable=False)

    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["counsellor", "sort_key"], name="client_counsellor_sort"),
            models.Index(fields=["office", "sort_key"], name="client_office_sort"),
        ]
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def __str__(self):
        return f"Bruker {self.pk}"

    def save(self, *args, **kwargs):
        self.sort_key = collation.name_key(self.last_name, self.first_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def render_language(self) -> str:
        """The language the product's own words are shown in for this client (core.languages)."""
        return languages.render_language(client_standard=self.written_standard, client_language=self.language)

    @property
    def is_sami(self) -> bool:
        return languages.is_sami(self.language)

    @property
    def language_name(self) -> str:
        return languages.language_name(self.language)

    @property
    def masked_fnr(self) -> str:
        return fnr.mask(self.fnr)

    def age(self, on: dt.date | None = None) -> int:
        on = on or clock.today()
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    @property
    def under_30(self) -> bool:
        return self.age() < 30

    def clean(self):
        if self.fnr:
            try:
                parsed = fnr.parse(self.fnr)
            except fnr.InvalidIdentityNumber:
                return  # the field validator reports it
            if self.birth_date and self.birth_date != parsed.birth_date:
                raise ValidationError({"birth_date": _("Fødselsdatoen må stemme med fødselsnummeret.")})


class FollowUpPeriod(models.Model):
    """Oppfølgingsperiode: from registration to the end of follow-up (open while ``end`` is empty).
    At most one open period per client. Started and ended only by ``followup.periods`` (audited,
    journalled); an ended period keeps why it ended (``EndReason``, a fixed list)."""

    class EndReason(models.TextChoices):
        WORK = "work", _("Kommet i arbeid")
        EDUCATION = "education", _("Begynt på utdanning")
        NO_NEED = "no_need", _("Har ikke lenger behov for arbeidsrettet oppfølging")
        CLIENT_REQUEST = "client_request", _("Brukeren ønsker ikke oppfølging")
        MOVED_ABROAD = "moved_abroad", _("Flyttet utenlands")
        OTHER_SERVICE = "other_service", _("Følges opp av en annen tjeneste")
        DECEASED = "deceased", _("Død")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    # database defaults: the seed's bulk writers name only client, start and end
    end_reason = models.CharField(_("årsak til avslutning"), max_length=20, choices=EndReason.choices, blank=True,
                                  default="", db_default="")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")), name="period_end_after_start"),
            # two counsellors starting a period at once: one of them is refused
            models.UniqueConstraint(fields=["client"], condition=models.Q(end__isnull=True), name="one_open_period_per_client"),
        ]

    @property
    def is_open(self) -> bool:
        return self.end is None


class ModeChange(models.Model):
    """A switch between digital and manual follow-up (``Client.manual_followup``), with the
    reason, within a follow-up period. Written only by ``followup.periods.switch_mode``."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="mode_changes")
    period = models.ForeignKey(FollowUpPeriod, on_delete=models.CASCADE, related_name="mode_changes")
    manual = models.BooleanField(_("manuell oppfølging"))
    reason = models.TextField(_("begrunnelse"))
    at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="mode_change_has_reason")]


class KvpPeriod(models.Model):
    """A period in the qualification programme (kvalifiseringsprogrammet, KVP,
    sosialtjenesteloven § 29), run by the municipal side of the client's office within a follow-up
    period. While it runs, the client's plan, meeting notes and dialogue are seen only by the
    municipal staff following it (``followers``), and what was written during it stays theirs
    after it ends: the rule is ``policy.access.kvp_filter`` (docs/decisions/0040). At most one
    open KVP per client. Written only by ``followup.periods``."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="kvp_periods")
    period = models.ForeignKey(FollowUpPeriod, on_delete=models.PROTECT, related_name="kvp_periods")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("fra"), default=clock.now)
    end = models.DateTimeField(_("til"), null=True, blank=True)
    start_reason = models.TextField(_("begrunnelse for start"))
    end_reason = models.TextField(_("begrunnelse for avslutning"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    followers = models.ManyToManyField(StaffMember, related_name="kvp_periods", verbose_name=_("kommunalt ansatte som følger opp"))

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["client", "start"], name="kvp_client_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")), name="kvp_end_after_start"),
            models.UniqueConstraint(fields=["client"], condition=models.Q(end__isnull=True), name="one_open_kvp_per_client"),
        ]
        verbose_name = _("KVP-periode")

    @property
    def is_open(self) -> bool:
        return self.end is None


class NeedsMapping(models.Model):
    """Kartlegging: one version of a client's mapped needs. A change makes a new version."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="mappings")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["client", "version"], name="mapping_version_unique")]


class NeedAssessment(models.Model):
    """One domain in a mapping: the counsellor's and the client's own severity side by side (0-3)."""

    mapping = models.ForeignKey(NeedsMapping, on_delete=models.CASCADE, related_name="entries")
    domain = models.CharField(max_length=40)
    counsellor_severity = models.PositiveSmallIntegerField(null=True, blank=True)
    client_severity = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mapping", "domain"], name="assessment_domain_unique"),
            models.CheckConstraint(condition=models.Q(counsellor_severity__lte=3), name="counsellor_severity_0_3"),
            models.CheckConstraint(condition=models.Q(client_severity__lte=3), name="client_severity_0_3"),
        ]


class Cover(models.Model):
    """Dekning under fravær: a colleague at the same office covers a counsellor's caseload for a
    period. While it runs (``start`` to ``end``, both days included) the covered caseload is part
    of the colleague's own overview and task inbox; it ends by itself after ``end``. What a cover
    gives is decided in the access policy (``access.caseload_q``); it never gives a clearance."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="covers")
    covered = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="covered_by")
    covering = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="covering")
    start = models.DateField(_("fra"))
    end = models.DateField(_("til og med"))
    reason = models.CharField(_("merknad"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    ended_at = models.DateTimeField(null=True, blank=True)  # ended early by a leader

    class Meta:
        indexes = [models.Index(fields=["covering", "end"], name="cover_covering_end")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="cover_end_after_start"),
            models.CheckConstraint(condition=~models.Q(covered=models.F("covering")), name="cover_not_self"),
        ]
        verbose_name = _("dekning under fravær")
        verbose_name_plural = _("dekning under fravær")


class AssignmentRule(models.Model):
    """Fordelingsregel: an office's rule for handing out new clients. A client matches a rule when
    every condition the rule sets holds (an empty condition matches anyone); the first matching
    rule in ``position`` order names the counsellor suggested to the leader, who may override."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="assignment_rules")
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=80)
    counsellor = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="assignment_rules",
                                   verbose_name=_("veileder"))
    need_group = models.CharField(_("innsatsgruppe"), max_length=40, choices=NeedGroup.choices, blank=True)
    age_min = models.PositiveSmallIntegerField(_("alder fra"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("alder til og med"), null=True, blank=True)
    language = models.CharField(_("språk"), max_length=8, blank=True)
    needs_interpreter = models.BooleanField(_("bare brukere med behov for tolk"), default=False)
    birth_day_from = models.PositiveSmallIntegerField(_("fødselsdag fra (1-31)"), null=True, blank=True)
    birth_day_to = models.PositiveSmallIntegerField(_("fødselsdag til (1-31)"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["office", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(age_min__isnull=True) | models.Q(age_max__isnull=True)
                                   | models.Q(age_max__gte=models.F("age_min")), name="rule_age_range"),
            models.CheckConstraint(condition=(models.Q(birth_day_from__isnull=True) | models.Q(birth_day_from__gte=1, birth_day_from__lte=31))
                                   & (models.Q(birth_day_to__isnull=True) | models.Q(birth_day_to__gte=1, birth_day_to__lte=31)),
                                   name="rule_birth_day_1_31"),
        ]
        verbose_name = _("fordelingsregel")
        verbose_name_plural = _("fordelingsregler")


class PendingRegistration(models.Model):
    """A registration a counsellor asked for that could not be made automatically (the identity
    number belongs to a person the counsellor may not see: followed up at another office, or
    protected). The counsellor got the same receipt as for any registration; the office's leaders
    see this in the queue and clear it up (with the other office, or the registers)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="pending_registrations")
    fnr = models.CharField(max_length=11)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["office", "resolved_at"], name="pendingreg_office_open")]


class SharingConsent(models.Model):
    """The client's consent that one category of records held by one side of the office (state
    or municipal) may be seen by the other side's staff at that office (sosialtjenesteloven § 44,
    Nav-loven § 7). Given on Min side by the client, or recorded by a counsellor from a consent
    given on paper; withdrawn the same ways. Written only by ``clients.services`` (audited); a
    withdrawal closes the row, which is kept, so the history shows what was shared when."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sharing_consents")
    category = models.CharField(_("hva"), max_length=24, choices=[(c.value, c.label) for c in CONSENT_CATEGORIES])
    recipient_side = models.CharField(_("til"), max_length=10, choices=RecordSide.choices)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("Nav-kontor"))
    given_at = models.DateTimeField(_("gitt"), default=clock.now)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_paper = models.BooleanField(_("gitt på papir"), default=False)
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "category", "office"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="sharing_consent_one_active"),
        ]
        indexes = [models.Index(fields=["client", "recipient_side", "office"], name="consent_client_side")]
        verbose_name = _("samtykke til deling")
        verbose_name_plural = _("samtykker til deling")

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
