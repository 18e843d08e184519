"""Organisation (counties, offices, teams, staff and their roles), users and the audit log."""

import json

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.core import clock
from skreddersy.core import languages as langs


class User(AbstractUser):
    """A login: a staff member (Nav-ansatt) or a client (bruker)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Nav-ansatt")
        CLIENT = "client", _("Bruker")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STAFF)
    # The language the user chose with the language switch (a code from settings.LANGUAGES), applied
    # at every login and on every device; blank: not chosen (bokmål). core/middleware.py UserLanguage.
    # db_default: the seed's raw bulk inserts (core/seeding/bulk.py) name no language column
    language = models.CharField(_("språk"), max_length=10, blank=True, default="", db_default="")
    # The administrator who set this login's password (the admin site's new login, or
    # accounts.services.reset_password): they know it, so a grant they ask for this login takes
    # effect only when another administrator approves it (decision 0048). Null: set by the login's
    # owner, or on the server.
    password_set_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("passord satt av"), editable=False)


class County(models.Model):
    """Fylke."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")

    def __str__(self):
        return self.name


class Office(models.Model):
    """Nav-kontor (enhet): a partnership of the state and the municipality."""

    class SizeBand(models.TextChoices):
        SMALL = "small", _("Lite (1-15 ansatte)")
        MEDIUM = "medium", _("Mellomstort (16-70 ansatte)")
        LARGE = "large", _("Stort (over 70 ansatte)")

    number = models.CharField(_("enhetsnummer"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    municipality = models.CharField(_("kommune"), max_length=120)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="offices")
    size_band = models.CharField(_("størrelse"), max_length=10, choices=SizeBand.choices)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Nav-kontor")
        verbose_name_plural = _("Nav-kontor")

    def __str__(self):
        return f"{self.number} {self.name}"


class Team(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)

    class Meta:
        unique_together = [("office", "name")]
        verbose_name = _("team")
        verbose_name_plural = _("team")

    def __str__(self):
        return f"{self.office.name}: {self.name}"


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Veileder")
    TEAM_LEADER = "team_leader", _("Teamleder")
    OFFICE_LEADER = "office_leader", _("Kontorleder")
    SECOND_APPROVER = "second_approver", _("Beslutter")
    JOB_SPECIALIST = "job_specialist", _("Jobbspesialist")
    METHOD_SUPERVISOR = "method_supervisor", _("Metodeveileder (IPS)")
    MARKET_CONTACT = "market_contact", _("Markedskontakt")
    ANALYST = "analyst", _("Analytiker")
    ADMINISTRATOR = "administrator", _("Administrator")


class StaffMember(models.Model):
    """Nav-ansatt: employed by the state or by the municipality, serving one or more offices."""

    class Employer(models.TextChoices):
        STATE = "state", _("Statlig")
        MUNICIPAL = "municipal", _("Kommunal")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff")
    nav_ident = models.CharField(_("Nav-ident"), max_length=7, unique=True)
    display_name = models.CharField(_("navn"), max_length=200)
    employer = models.CharField(_("tilsettingsforhold"), max_length=10, choices=Employer.choices)
    offices = models.ManyToManyField(Office, through="OfficeMembership", related_name="staff")
    clearance_strictly_confidential = models.BooleanField(_("tilgang til strengt fortrolig adresse (kode 6)"), default=False)
    clearance_confidential = models.BooleanField(_("tilgang til fortrolig adresse (kode 7)"), default=False)
    clearance_skjermet = models.BooleanField(_("tilgang til skjermede brukere (Nav-ansatte)"), default=False)
    # Languages besides Norwegian the staff member serves clients in (ISO 639 codes, such as
    # "se smj"): a Sámi-speaking client is routed to them (sameloven ch. 3; core.languages).
    languages = models.CharField(_("språk med brukere"), max_length=60, blank=True, default="", db_default="",
                                 help_text=_("Språkkoder utenom norsk, for eksempel se (nordsamisk), smj, sma, en."))

    class Meta:
        verbose_name = _("Nav-ansatt")
        verbose_name_plural = _("Nav-ansatte")

    def __str__(self):
        return f"{self.display_name} ({self.nav_ident})"

    def speaks(self, code: str) -> bool:
        return langs.normalise(code) in langs.spoken_codes(self.languages)

    def office_ids(self) -> frozenset[int]:
        cached = getattr(self, "_office_ids", None)
        if cached is None:
            cached = frozenset(self.memberships.values_list("office_id", flat=True))
            self._office_ids = cached
        return cached


class StaffRole(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staffrole_unique")]
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")

    def __str__(self):
        return self.get_role_display()


class OfficeMembership(models.Model):
    """Which offices' clients a staff member sees, and their team there. Changed only through the
    grants (``accounts.services.request_grant``, ``AccessGrant.What.OFFICE``/``TEAM``), each
    change recorded with a reason; the seed command writes them directly. Deleting an office or
    a team does not end memberships silently (PROTECT): move the members on the grants page first."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "office"], name="membership_unique")]
        verbose_name = _("kontortilknytning")
        verbose_name_plural = _("kontortilknytninger")

    def clean(self):
        if self.team_id and self.team.office_id != self.office_id:
            raise ValidationError({"team": _("Teamet hører til et annet kontor.")})


class AccessGrant(models.Model):
    """One change of who sees what: a role or a clearance given to or taken from a staff member
    (or a change of employer, which decides the side of the records they see, or of the offices
    they serve, which decides whose clients they see, and of their team there). Written only by
    ``accounts.services`` (never edited in the admin): who asked, for whom, what, why and when;
    a kode 6 clearance and the administrator role take effect only when a second administrator
    approves (four eyes), and a refusal records why. Rows are never deleted."""

    class What(models.TextChoices):
        # roles (the values of ``Role``), then the clearances and the employer
        COUNSELLOR = "counsellor", _("Rolle: veileder")
        TEAM_LEADER = "team_leader", _("Rolle: teamleder")
        OFFICE_LEADER = "office_leader", _("Rolle: kontorleder")
        SECOND_APPROVER = "second_approver", _("Rolle: beslutter")
        JOB_SPECIALIST = "job_specialist", _("Rolle: jobbspesialist")
        METHOD_SUPERVISOR = "method_supervisor", _("Rolle: metodeveileder (IPS)")
        MARKET_CONTACT = "market_contact", _("Rolle: markedskontakt")
        ANALYST = "analyst", _("Rolle: analytiker")
        ADMINISTRATOR = "administrator", _("Rolle: administrator")
        KODE6 = "kode6", _("Tilgang: strengt fortrolig adresse (kode 6)")
        KODE7 = "kode7", _("Tilgang: fortrolig adresse (kode 7)")
        SKJERMET = "skjermet", _("Tilgang: skjermede brukere")
        EMPLOYER_STATE = "employer_state", _("Tilsetting: statlig")
        EMPLOYER_MUNICIPAL = "employer_municipal", _("Tilsetting: kommunal")
        # office membership (``office`` names the office): grant joins it, revoke leaves it; the
        # team there (``team`` names the team given): grant sets it, revoke takes it away
        OFFICE = "office", _("Kontor: tilknytning")
        TEAM = "team", _("Kontor: team")

    class Change(models.TextChoices):
        GRANT = "grant", _("Gi")
        REVOKE = "revoke", _("Ta bort")

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter på godkjenning")
        EFFECTIVE = "effective", _("Gjennomført")
        REFUSED = "refused", _("Avvist")

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="grants", verbose_name=_("gjelder"))
    what = models.CharField(_("hva"), max_length=20, choices=What.choices)
    change = models.CharField(_("endring"), max_length=10, choices=Change.choices)
    reason = models.TextField(_("begrunnelse"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("bedt om av"))
    requested_at = models.DateTimeField(_("bedt om"), default=clock.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("avgjort av"))
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    decision_reason = models.TextField(_("begrunnelse for avgjørelsen"), blank=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("kontor"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("team"))

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "-requested_at"], name="grant_status_at")]
        constraints = [
            # one open request per staff member and thing: a second would race the first
            models.UniqueConstraint(fields=["staff", "what"], condition=models.Q(status="pending"),
                                    name="grant_one_pending"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="grant_reason_required"),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | models.Q(~models.Q(status="pending"), decided_at__isnull=False, decided_by__isnull=False),
                name="grant_decided_when_not_pending",
            ),
            # an office change names its office, and nothing else names one
            models.CheckConstraint(
                condition=models.Q(what__in=("office", "team"), office__isnull=False)
                | models.Q(~models.Q(what__in=("office", "team")), office__isnull=True),
                name="grant_office_iff_office_change",
            ),
            # a team only on an office change; giving a team names it
            models.CheckConstraint(
                condition=models.Q(team__isnull=True) | models.Q(what__in=("office", "team")),
                name="grant_team_only_on_office_change",
            ),
            models.CheckConstraint(
                condition=~models.Q(what="team", change="grant", team__isnull=True),
                name="grant_team_given_names_team",
            ),
        ]
        verbose_name = _("tilgangsendring")
        verbose_name_plural = _("tilgangsendringer")

    def __str__(self):
        where = f" {self.office}" if self.office_id else ""
        return f"{self.get_change_display()} {self.get_what_display()}{where} ({self.get_status_display()})"


class ClientIdsField(models.Field):
    """The ids of the clients one audit entry covers (a list page shows many): ``bigint[]`` on
    PostgreSQL, with a GIN index; a JSON array on SQLite, where a trigger copies each id into the
    table ``core_auditclient`` (client id, time, entry id) that answers "who has seen client X".
    Both are made by migration 0004."""

    description = "list of client ids"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def get_prep_value(self, value):
        if value is None:
            return None
        return [int(v) for v in value]

    def get_db_prep_value(self, value, connection, prepared=False):
        value = value if prepared else self.get_prep_value(value)
        if value is None or connection.vendor == "postgresql":
            return value
        return json.dumps(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if isinstance(value, str):
            return json.loads(value)
        return list(value)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return value


class AuditQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass ``AuditEntry.save``/``delete``; refuse them too."""

    def about(self, client_id: int):
        """Entries that cover the client: one-client entries (``client_id``) and list entries
        (``client_ids``), through the GIN index on PostgreSQL and ``core_auditclient`` on SQLite."""
        from django.db import connections
        from django.db.models import Q
        from django.db.models.expressions import RawSQL

        client_id = int(client_id)
        if connections[self.db].vendor == "postgresql":
            return self.filter(Q(client_id=client_id) | Q(client_ids__contains_id=client_id))
        return self.filter(pk__in=RawSQL("SELECT entry_id FROM core_auditclient WHERE client_id = %s", [client_id]))

    def update(self, **kwargs):
        raise ValidationError(_("Tilgangsloggen kan ikke endres."))

    def delete(self):
        raise ValidationError(_("Tilgangsloggen kan ikke slettes."))


class AuditEntry(models.Model):
    """Append-only record of a read or write of a client's data (who, when, which clients, what,
    why, and the outcome in ``action``).

    One entry per event: a read or write of one client holds it in ``client_id``; a page that
    lists clients writes one entry holding all of them in ``client_ids``. Rows are never updated
    or deleted by the application; ``save`` refuses an update and ``delete`` is refused.
    ``client_id`` is a plain integer so the trail survives the record. On PostgreSQL the table is
    partitioned by month (migration 0004; ``manage.py audit_partitions``, ``audit_archive``).
    """

    class Action(models.TextChoices):
        READ = "read", _("Lest")
        WRITE = "write", _("Skrevet")
        DENIED = "denied", _("Avvist")

    at = models.DateTimeField(default=clock.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    client_id = models.BigIntegerField(null=True)  # one-client entries; looked up through audit_client_at
    client_ids = ClientIdsField(null=True, blank=True)  # list entries: the clients one page view showed
    action = models.CharField(max_length=10, choices=Action.choices)
    what = models.CharField(max_length=80)
    why = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client_id", "-at"], name="audit_client_at")]
        verbose_name = _("logginnslag")
        verbose_name_plural = _("tilgangslogg")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Tilgangsloggen kan ikke endres."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Tilgangsloggen kan ikke slettes."))


@ClientIdsField.register_lookup
class ContainsId(models.Lookup):
    """``client_ids__contains_id=<id>`` on PostgreSQL: ``client_ids @> ARRAY[id]`` (GIN-indexed)."""

    lookup_name = "contains_id"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} @> ARRAY[%s]::bigint[]", [*lhs_params, int(self.rhs)]
        return f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE value = %s)", [*lhs_params, int(self.rhs)]


class IdempotencyKey(models.Model):
    """An unsafe API request made with an ``Idempotency-Key`` header, and the answer it got, so a
    retry with the same key (after a dropped connection) gets the same answer without the work
    being done again. Keys are scoped per user and kept ``IDEMPOTENCY_KEY_TTL_SECONDS`` (24 hours);
    the housekeeping task deletes older ones. See ``core/idempotency.py``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of method, path, query and body: the same key with another request is refused
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]
