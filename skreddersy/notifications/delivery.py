"""The worker's side of the outbox: claim due notifications, choose the channel, deliver, record.

Never lost, never sent twice:
- a claim (one short transaction) adds an attempt and leases the rows for ``NOTIFICATION_LEASE_SECONDS``
  (``next_attempt_at`` moves to the lease's end), so a worker that dies mid-send leaves them to be
  claimed again when the lease runs out, and two workers never hold the same row
  (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer at a time);
- an SMS carries the notification's idempotency key, so the re-send after a crash reaches the client
  once; an e-mail is marked sent right after the SMTP server accepted it (SMTP has no idempotency:
  the window is one row's update), and carries a Message-ID made from the key, which mail systems
  use to drop duplicates;
- a failure worth retrying waits ``backoff(attempts)`` (exponential, capped); after
  ``NOTIFICATION_MAX_ATTEMPTS`` the notification is marked failed, shown to the counsellor and
  journalled, never deleted;
- the throttle is checked again at the send: a notification that would reach the client within 30
  minutes of the previous one (a late retry, say) waits for the window (this uses up an attempt).

Channel, at delivery time (the client's flags as they are then):
- kode 6/7 (address protection): no SMS, no e-mail, no letter from here: a task for the counsellor
  to tell the client by the office's routine for protected addresses;
- reserved against digital contact in KRR, or on manual follow-up: a letter (print view), as a task
  for the counsellor to print and post;
- otherwise the client's choice, SMS or e-mail (the other if the chosen one has no number or
  address); no phone and no e-mail: a task for the counsellor, not lost; opted out: skipped, unless
  the law requires the notice (a decision).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils.translation import gettext_noop

from skreddersy import journal
from skreddersy.core import clock
from skreddersy.followup.models import Task
from skreddersy.notifications import texts
from skreddersy.notifications.models import ContactPreference, Notification
from skreddersy.notifications.sms import GatewayError, SmsGateway

logger = logging.getLogger(__name__)

Status = Notification.Status
Channel = Notification.Channel

MANUAL_TASKS = {  # stored in Norwegian, shown in the reader's language (core.stored_text.render)
    "address_protection": gettext_noop("Varsle bruker om ny melding etter rutinen for adressebeskyttelse (ikke SMS, e-post eller brev med adresse)"),
    "letter": gettext_noop("Skriv ut og send brev: bruker har ny melding på Min side"),
    "no_contact": gettext_noop("Bruker har verken mobilnummer eller e-post: varsle om ny melding på annen måte"),
}
MANUAL_DEADLINE = dt.timedelta(days=2)
# The journal's words for the channels (plain strings: the journal stores text, and the display
# lookup through gettext cost a fifth of the drain's time)
CHANNEL_WORDS = {Channel.SMS: "SMS", Channel.EMAIL: "e-post", Channel.LETTER: "brev"}


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: base, 2x base, 4x base ... capped."""
    seconds = settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.NOTIFICATION_BACKOFF_CAP_SECONDS))


def route(n: Notification) -> tuple[str, str]:
    """(channel, manual reason or "") for one notification, from its client's flags now."""
    client = n.client
    try:
        pref = client.contact_preference
    except ContactPreference.DoesNotExist:
        pref = ContactPreference(client=client)
    if client.address_protection:
        return Channel.LETTER, "address_protection"
    if client.manual_followup or pref.krr_reserved:
        return Channel.LETTER, "letter"
    wanted = pref.channel
    if wanted == ContactPreference.Channel.NONE:
        if not n.mandatory:
            return "", "opted_out"
        wanted = ContactPreference.Channel.SMS
    order = [Channel.SMS, Channel.EMAIL] if wanted == ContactPreference.Channel.SMS else [Channel.EMAIL, Channel.SMS]
    for channel in order:
        if (channel == Channel.SMS and pref.phone) or (channel == Channel.EMAIL and pref.email):
            return channel, ""
    return "", "no_contact"


def _claim(now: dt.datetime, limit: int) -> list[Notification]:
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        lease = now + dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
        for i in range(0, len(ids), 500):
            Notification.objects.filter(pk__in=ids[i:i + 500]).update(attempts=F("attempts") + 1, next_attempt_at=lease,
                                                                      updated_at=now)
    return list(Notification.objects.filter(pk__in=ids).select_related("client", "client__contact_preference")
                .order_by("next_attempt_at", "id"))


class Drain:
    """One drain run: a persistent gateway connection and SMTP connection, reused for every send."""

    def __init__(self, *, gateway: SmsGateway | None = None, mail_connection=None):
        self.gateway = gateway
        self.mail = mail_connection
        self.counts = {"sent": 0, "retry": 0, "failed": 0, "manual": 0, "skipped": 0, "deferred": 0}
        # A channel that just failed in a way worth retrying is not tried again in this run: the
        # rest wait their backoff instead of each waiting for its own timeout.
        self.down: dict[str, str] = {}

    def _sms(self) -> SmsGateway:
        if self.gateway is None:
            self.gateway = SmsGateway(settings.SMS_GATEWAY_URL, timeout=settings.SMS_GATEWAY_TIMEOUT)
        return self.gateway

    def _mail(self):
        if self.mail is None:
            self.mail = get_connection(fail_silently=False)
            self.mail.open()
        return self.mail

    def close(self) -> None:
        if self.gateway is not None:
            self.gateway.close()
        if self.mail is not None:
            try:
                self.mail.close()
            except (OSError, smtplib.SMTPException):
                pass
            self.mail = None

    # -- one batch ------------------------------------------------------------------------------

    def run_batch(self, batch: list[Notification]) -> None:
        done: list[Notification] = []
        receipts: list[dict] = []
        tasks: list[Task] = []
        now = clock.now()
        window = dt.timedelta(seconds=settings.NOTIFICATION_THROTTLE_SECONDS)
        last_sent = dict(
            Notification.objects.filter(client_id__in={n.client_id for n in batch}, sent_at__isnull=False)
            .values("client_id").annotate(last=Max("sent_at")).values_list("client_id", "last")
        )
        for n in batch:
            previous = last_sent.get(n.client_id)
            if previous is not None and now < previous + window:  # the throttle, checked again at the send
                Notification.objects.filter(pk=n.pk).update(next_attempt_at=previous + window, updated_at=now)
                self.counts["deferred"] += 1
                continue
            channel, reason = route(n)
            n.channel = channel
            n.updated_at = now
            if reason == "opted_out":
                n.status = Status.SKIPPED
                done.append(n)
                self.counts["skipped"] += 1
                continue
            if reason:
                n.status, n.last_error = Status.MANUAL, reason
                done.append(n)
                tasks.append(Task(client_id=n.client_id, owner_id=n.client.counsellor_id, kind=Task.Kind.OTHER,
                                  title=MANUAL_TASKS[reason], deadline=now + MANUAL_DEADLINE, created_at=now))
                receipts.append(_receipt(n, "Varsel til manuell behandling: " + MANUAL_TASKS[reason].split(":")[0].lower()))
                self.counts["manual"] += 1
                continue
            if channel in self.down:
                self._failed(n, self.down[channel], transient=True, receipts=receipts)
                continue
            try:
                if channel == Channel.SMS:
                    n.provider_id = self._sms().send(key=n.idempotency_key, to=n.client.contact_preference.phone,
                                                     text=texts.body(n.client.render_language))
                else:
                    n.provider_id = self._send_mail(n)
            except GatewayError as exc:
                if exc.transient:
                    self.down[channel] = exc.reason
                self._failed(n, exc.reason, transient=exc.transient, receipts=receipts)
                continue
            n.status, n.sent_at, n.last_error = Status.SENT, clock.now(), ""
            last_sent[n.client_id] = n.sent_at
            self.counts["sent"] += 1
            receipts.append(_receipt(n, f"Varsel sendt på {CHANNEL_WORDS[n.channel]}: ny melding på Min side"))
            if channel == Channel.EMAIL:  # SMTP has no idempotency key: record the send at once
                Notification.objects.filter(pk=n.pk).update(status=n.status, channel=n.channel, sent_at=n.sent_at,
                                                            provider_id=n.provider_id, updated_at=now, last_error="")
            else:
                done.append(n)
        with transaction.atomic():
            if done:
                _mark(done, now)
            if tasks:
                Task.objects.bulk_create(tasks)
            if receipts:
                journal.append_many(receipts)

    def _send_mail(self, n: Notification) -> str:
        lang = n.client.render_language
        msg_id = f"<{n.idempotency_key}@{settings.NOTIFICATION_MESSAGE_ID_DOMAIN}>"
        try:
            mail = EmailMessage(subject=texts.subject(lang), body=texts.body(lang), from_email=settings.DEFAULT_FROM_EMAIL,
                                to=[n.client.contact_preference.email], headers={"Message-ID": msg_id},
                                connection=self._mail())
            mail.send()
        except smtplib.SMTPRecipientsRefused:
            raise GatewayError("e-postadressen ble avvist", transient=False) from None
        except (OSError, smtplib.SMTPException) as exc:  # the server down, refusing or timing out
            self.close()
            raise GatewayError(f"e-posttjeneren svarte ikke ({type(exc).__name__})", transient=True) from None
        return msg_id

    def _failed(self, n: Notification, reason: str, *, transient: bool, receipts: list[dict]) -> None:
        now = clock.now()
        if transient and n.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
            Notification.objects.filter(pk=n.pk).update(channel=n.channel, last_error=reason[:200],
                                                        next_attempt_at=now + backoff(n.attempts), updated_at=now)
            self.counts["retry"] += 1
            return
        Notification.objects.filter(pk=n.pk).update(status=Status.FAILED, channel=n.channel, last_error=reason[:200], updated_at=now)
        self.counts["failed"] += 1
        receipts.append(_receipt(n, f"Varsel på {CHANNEL_WORDS.get(n.channel, n.channel)} feilet etter {n.attempts} forsøk: {reason}"))


_MARK_SQL = (f"UPDATE {Notification._meta.db_table} SET status = %s, channel = %s, provider_id = %s, sent_at = %s, "
             "updated_at = %s, last_error = %s WHERE id = %s")


def _mark(rows: list[Notification], now: dt.datetime) -> None:
    """Record a batch's outcomes in one ``executemany``: the hot path of the drain (Django's
    ``bulk_update`` builds a CASE expression per row and field, and took 80% of the drain's time)."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.executemany(_MARK_SQL, [(n.status, n.channel, n.provider_id, adapt(n.sent_at), adapt(now), n.last_error, n.pk)
                                    for n in rows])


def _receipt(n: Notification, summary: str) -> dict:
    return {"client_id": n.client_id, "kind": journal.Kind.MESSAGE, "summary": summary, "object_type": "Notification",
            "object_id": n.pk, "visible_to_client": False}


def drain(*, batch_size: int = 200, max_batches: int | None = None, gateway: SmsGateway | None = None,
          mail_connection=None) -> dict:
    """Deliver every notification that is due now (and those due while it runs), in batches.
    Returns counts: sent, retry, failed, manual, skipped."""
    run = Drain(gateway=gateway, mail_connection=mail_connection)
    batches = 0
    try:
        while max_batches is None or batches < max_batches:
            batch = _claim(clock.now(), batch_size)
            if not batch:
                break
            run.run_batch(batch)
            batches += 1
    finally:
        run.close()
    if any(run.counts.values()):
        logger.info("notifications drained: %s", run.counts)
    return run.counts
