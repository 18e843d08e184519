"""The outbox (``Notification``) and the client's contact preference (``ContactPreference``)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import Client
from skreddersy.core import clock
from skreddersy.core.choices import ChoiceLabels


def new_idempotency_key() -> str:
    """Random, unique per notification; the SMS gateway delivers a key once however often it is sent."""
    return secrets.token_hex(16)


class ContactPreference(models.Model):
    """How the client wants to be told that something waits on Min side, and the contact details as
    registered (in production from the common contact register, KRR, with its reservation flag)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-post")
        NONE = "none", _("Ingen varsel (jeg sjekker Min side selv)")

    client = models.OneToOneField(Client, on_delete=models.CASCADE, primary_key=True, related_name="contact_preference")
    channel = models.CharField(_("varsel på"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    phone = models.CharField(_("mobilnummer"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    krr_reserved = models.BooleanField(_("reservert mot digital kontakt (KRR)"), default=False)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("varslingsvalg")


class Notification(ChoiceLabels, models.Model):
    """One notice to one client. Events that arrive while it waits (the 30-minute throttle) are
    collected into it (``events``); ``channel`` is chosen when it is delivered, from the client's
    preference and protection flags at that time."""

    class Channel(models.TextChoices):
        PENDING = "", _("Ikke valgt ennå")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-post")
        LETTER = "letter", _("Brev")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Melding")
        ACTIVITY = "activity", _("Aktivitet")
        REQUIREMENT = "requirement", _("Aktivitetskrav")
        MEETING = "meeting", _("Møte")
        DECISION = "decision", _("Vedtak")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Venter")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")
        READ = "read", _("Lest på Min side")
        MANUAL = "manual", _("Til manuell behandling")
        SKIPPED = "skipped", _("Ikke sendt (bruker har valgt bort varsel)")

    # no index of its own: notification_client (client, -due_at) serves every lookup by client; each
    # index is one more write on the path of every message a counsellor sends (notify)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notifications", db_index=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    kinds = models.CharField(max_length=80, default="", blank=True, help_text="every kind collected, comma-separated")
    events = models.PositiveIntegerField(default=1)
    mandatory = models.BooleanField(default=False, help_text="a decision: sent even if the client opted out")
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(help_text="first send time: the throttle window starts here")
    next_attempt_at = models.DateTimeField()
    # unique by a constraint (Meta), not ``unique=True``: on PostgreSQL that adds a second index for
    # LIKE searches, which nothing makes on a random key
    idempotency_key = models.CharField(max_length=64, default=new_idempotency_key)
    provider_id = models.CharField(max_length=120, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["client", "-due_at"], name="notification_client"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="notification_idempotency_key_unique"),
            # At most one notification collecting events per client (the throttle's pending one).
            models.UniqueConstraint(fields=["client"], condition=models.Q(status="queued", attempts=0),
                                    name="one_collecting_notification_per_client"),
        ]

    PROBLEMS = {
        "address_protection": _("adressebeskyttelse: varsle etter rutinen, se oppgaver"),
        "letter": _("brev: skriv ut og send, se oppgaver"),
        "no_contact": _("verken mobilnummer eller e-post: se oppgaver"),
    }

    def __str__(self):
        return f"Varsel {self.pk}"

    @property
    def problem(self) -> str:
        """Why it was not sent, in words (a code for manual handling, or the gateway's failure)."""
        return str(self.PROBLEMS.get(self.last_error, self.last_error))
