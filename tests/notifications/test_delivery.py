"""Delivery against real servers on loopback: the SMS gateway (honours the idempotency key, fails
and recovers, answers late) and an SMTP server (aiosmtpd). Never lost, never twice; kode 6/7 get
no SMS or e-mail; letters and missing contact details go to the counsellor's task list."""

import pytest
from django.db import transaction
from django.urls import reverse

from skreddersy.followup import services
from skreddersy.followup.models import JournalEntry, Task
from skreddersy.notifications import delivery, texts
from skreddersy.notifications.models import ContactPreference, Notification
from skreddersy.notifications.sms import SmsGateway
from tests import factories as f
from tests.notifications.conftest import make_client

pytestmark = pytest.mark.django_db


def _write(counsellor, client, body="Hei, her er innkallingen til møtet på tirsdag."):
    return services.start_thread(user=counsellor.user, client=client, subject="Innkalling", body=body)


def _receipts(client):
    return list(JournalEntry.objects.filter(client=client, object_type="Notification").values_list("summary", flat=True))


def test_a_committed_message_reaches_the_client_by_sms_once(person, counsellor, gateway, frozen):
    _write(counsellor, person)
    counts = delivery.drain()
    assert counts["sent"] == 1
    n = Notification.objects.get()
    assert (n.status, n.channel, n.attempts) == ("sent", "sms", 1)
    assert n.provider_id == f"sms-{n.idempotency_key[:12]}"
    assert gateway.requests == [(n.idempotency_key, "+4791234567", texts.body("nb"))]
    assert any("Varsel sendt på SMS" in s for s in _receipts(person))
    assert delivery.drain()["sent"] == 0  # nothing due twice


def test_e_mail_goes_through_a_real_smtp_server(office, counsellor, smtp, frozen):
    c = make_client(office, counsellor, channel="email", language="nn")
    _write(counsellor, c)
    assert delivery.drain()["sent"] == 1
    n = Notification.objects.get()
    assert (n.status, n.channel) == ("sent", "email")
    [mail] = smtp.messages
    assert mail["To"] == "bruker@example.no"
    assert mail["Subject"] == "Du har ei ny melding frå Nav"
    assert mail["Message-ID"] == f"<{n.idempotency_key}@skreddersy.nav.no>"
    assert mail.get_content().strip() == texts.body("nn")


def test_sms_chosen_without_a_number_falls_back_to_e_mail(office, counsellor, smtp, gateway, frozen):
    c = make_client(office, counsellor, channel="sms", phone="")
    _write(counsellor, c)
    delivery.drain()
    assert len(smtp.messages) == 1 and gateway.requests == []


def test_the_gateway_failing_then_recovering_retries_with_backoff_and_delivers_once(person, counsellor, gateway, frozen, settings):
    _write(counsellor, person)
    gateway.fail_next = 3
    waits = []
    for _ in range(3):
        assert delivery.drain()["retry"] == 1
        n = Notification.objects.get()
        assert n.status == "queued" and "500" in n.last_error
        waits.append((n.next_attempt_at - frozen.now).total_seconds())
        assert delivery.drain()["retry"] == 0  # not before its backoff
        frozen.advance(waits[-1])
    assert waits == [60, 120, 240]  # exponential backoff
    assert delivery.drain()["sent"] == 1
    n = Notification.objects.get()
    assert (n.status, n.attempts) == ("sent", 4)
    assert len(gateway.requests) == 4 and len(gateway.delivered) == 1


def test_a_gateway_that_times_out_after_delivering_reaches_the_client_once(person, counsellor, gateway, frozen):
    _write(counsellor, person)
    gateway.slow_next, gateway.slow_seconds = 1, 1.5  # delivers, then answers after our 1 s timeout
    assert delivery.drain()["retry"] == 1
    n = Notification.objects.get()
    assert "TimeoutError" in n.last_error or "timeout" in n.last_error.lower()
    frozen.advance(60)
    assert delivery.drain()["sent"] == 1
    assert len(gateway.requests) == 2  # sent twice with one key ...
    assert len(gateway.delivered) == 1  # ... delivered once


def test_after_the_last_attempt_it_is_failed_journalled_and_shown_never_lost(person, counsellor, gateway, frozen, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    _write(counsellor, person)
    gateway.fail_next = 10
    for _ in range(3):
        delivery.drain()
        frozen.advance(3600)
    n = Notification.objects.get()
    assert (n.status, n.attempts) == ("failed", 3)
    assert any("feilet etter 3 forsøk" in s for s in _receipts(person))
    assert delivery.drain() == {"sent": 0, "retry": 0, "failed": 0, "manual": 0, "skipped": 0, "deferred": 0}
    from django.test import Client as Http

    web = Http()
    web.force_login(counsellor.user)
    page = web.get(reverse("person", args=[person.pk])).content.decode()
    assert "Varsler til bruker" in page and "Feilet" in page and "SMS-tjenesten svarte 500" in page


class WorkerKilled(BaseException):
    """The worker process dying: not an error the drain handles."""


def test_a_worker_killed_after_the_http_call_before_marking_sent_resends_with_the_key_and_the_client_gets_it_once(
        person, counsellor, gateway, frozen, settings):
    _write(counsellor, person)

    class DyingGateway(SmsGateway):
        def send(self, **kw):
            super().send(**kw)
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        delivery.drain(gateway=DyingGateway(gateway.url, timeout=1))
    n = Notification.objects.get()
    assert (n.status, n.attempts) == ("queued", 1)  # not marked sent, not lost
    assert delivery.drain()["sent"] == 0  # leased: a live worker does not take it at once
    frozen.advance(settings.NOTIFICATION_LEASE_SECONDS + 1)  # the "restarted" worker, after the lease
    assert delivery.drain()["sent"] == 1
    assert Notification.objects.get().status == "sent"
    assert [r[0] for r in gateway.requests] == [n.idempotency_key] * 2  # at least once at the gateway
    assert len(gateway.delivered) == 1  # exactly once to the client


def test_a_rolled_back_message_sends_nothing(person, counsellor, gateway, smtp, frozen):
    with pytest.raises(WorkerKilled), transaction.atomic():
        _write(counsellor, person)
        raise WorkerKilled  # anything after the write in the same transaction
    delivery.drain()
    assert gateway.requests == [] and smtp.messages == []


@pytest.mark.parametrize("protection", ["strictly_confidential", "confidential"])
def test_kode_6_and_7_get_no_sms_or_e_mail_but_a_task_for_the_counsellor(office, counsellor, gateway, smtp, frozen, protection):
    c = make_client(office, counsellor, address_protection=protection)
    _write(counsellor, c)
    assert delivery.drain()["manual"] == 1
    assert gateway.requests == [] and smtp.messages == []
    n = Notification.objects.get()
    assert (n.status, n.channel, n.last_error) == ("manual", "letter", "address_protection")
    task = Task.objects.get(client=c, status="open", kind="other")
    assert task.owner_id == counsellor.pk and "adressebeskyttelse" in task.title
    from django.test import Client as Http

    web = Http()
    web.force_login(counsellor.user)
    page = web.get(reverse("notification_letter", args=[n.pk])).content.decode()
    assert "Ikke send brev med adresse" in page and texts.letter_body("nb") not in page


@pytest.mark.parametrize("flag", ["krr", "manual_followup"])
def test_reserved_in_krr_or_manual_follow_up_gets_a_printable_letter(office, counsellor, gateway, smtp, frozen, flag):
    c = make_client(office, counsellor, manual_followup=flag == "manual_followup")
    if flag == "krr":
        ContactPreference.objects.filter(client=c).update(krr_reserved=True)
    _write(counsellor, c)
    delivery.drain()
    assert gateway.requests == [] and smtp.messages == []
    n = Notification.objects.get()
    assert (n.status, n.channel, n.last_error) == ("manual", "letter", "letter")
    assert Task.objects.filter(client=c, title__startswith="Skriv ut og send brev").exists()
    from django.test import Client as Http

    web = Http()
    web.force_login(counsellor.user)
    resp = web.get(reverse("notification_letter", args=[n.pk]))
    assert resp.status_code == 200 and texts.letter_body("nb") in resp.content.decode()


def test_no_phone_and_no_e_mail_is_shown_to_the_counsellor_not_lost(office, counsellor, gateway, smtp, frozen):
    c = make_client(office, counsellor, phone="", email="")
    _write(counsellor, c)
    delivery.drain()
    n = Notification.objects.get()
    assert (n.status, n.last_error) == ("manual", "no_contact")
    assert Task.objects.filter(client=c, title__startswith="Bruker har verken mobilnummer eller e-post").exists()


def test_opted_out_clients_are_not_notified_of_a_message_but_are_of_a_decision(office, counsellor, gateway, frozen):
    c = make_client(office, counsellor, channel="none")
    _write(counsellor, c)
    assert delivery.drain()["skipped"] == 1 and gateway.requests == []
    frozen.advance(31 * 60)
    d = services.draft_decision(user=counsellor.user, client=c, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    services.submit_decision(user=counsellor.user, decision=d)
    assert delivery.drain()["sent"] == 1
    assert len(gateway.delivered) == 1


def test_opening_min_side_marks_sent_notifications_read_and_the_counsellor_sees_it(person, counsellor, gateway, frozen):
    from django.test import Client as Http

    _write(counsellor, person)
    delivery.drain()
    web = Http()
    web.force_login(f.client_user(person))
    assert web.get(reverse("client_home")).status_code == 200
    n = Notification.objects.get()
    assert (n.status, n.read_at) == ("read", frozen.now)
    assert any("Varsel lest" in s for s in _receipts(person))
    staff = Http()
    staff.force_login(counsellor.user)
    assert "Lest på Min side" in staff.get(reverse("person", args=[person.pk])).content.decode()


def test_the_periodic_task_drains_the_outbox(person, counsellor, gateway, frozen, settings):
    from skreddersy.notifications.tasks import drain_notifications

    assert "skreddersy.notifications.tasks.drain_notifications" in settings.PERIODIC_TASKS
    _write(counsellor, person)
    assert drain_notifications.call()["sent"] == 1
    assert len(gateway.delivered) == 1


def test_no_personal_data_in_any_sms_or_e_mail_body(office, counsellor, gateway, smtp, frozen):
    secret = "Kari har fått plass på kurset i sveising hos Bedrift AS"
    clients = []
    for i, (lang, channel) in enumerate([("nb", "sms"), ("nn", "email"), ("en", "sms"), ("so", "email")]):
        c = make_client(office, counsellor, channel=channel, language=lang, phone=f"+479000000{i}", email=f"p{i}@example.no")
        services.start_thread(user=counsellor.user, client=c, subject=f"Om {c.first_name}s kurs", body=f"{secret} ({c.fnr})")
        services.add_activity(user=counsellor.user, client=c, title=f"Sveisekurs for {c.last_name}", type="course")
        clients.append(c)
    delivery.drain()
    sms = [text for _, _, text in gateway.requests]
    mails = [(m["Subject"], m.get_content().strip()) for m in smtp.messages]
    assert len(sms) == 2 and len(mails) == 2
    allowed = {texts.body(x) for x in ("nb", "nn", "en")}
    assert set(sms) <= allowed and {b for _, b in mails} <= allowed  # exactly the fixed texts ...
    assert {s for s, _ in mails} <= set(texts.SUBJECTS.values())
    assert {texts.body("en"), texts.body("nn")} <= set(sms) | {b for _, b in mails}  # ... in the client's language
    for body in sms + [f"{s} {b}" for s, b in mails]:  # ... and none of the client's data
        for c in clients:
            for data in (c.first_name, c.last_name, c.fnr, c.fnr[:6], c.birth_date.strftime("%d.%m.%Y"), c.municipality,
                         f"Om {c.first_name}s kurs", "sveis", "kurs", "Bedrift", "Kari", "Innkalling", office.name):
                assert data.lower() not in body.lower()


def test_preferences_set_on_min_side_by_the_client_and_by_the_counsellor(person, counsellor):
    from django.test import Client as Http

    web = Http()
    web.force_login(f.client_user(person))
    url = reverse("client_notification_preferences")
    bad = web.post(url, {"channel": "sms", "phone": "12", "email": ""})
    assert bad.status_code == 422 and "8 sifre" in bad.content.decode()
    ok = web.post(url, {"channel": "email", "phone": "", "email": "ny@example.no", "krr_reserved": "on"})
    assert ok.status_code == 302
    pref = ContactPreference.objects.get(client=person)
    assert (pref.channel, pref.email, pref.krr_reserved) == ("email", "ny@example.no", False)  # KRR is not the client's to set
    staff = Http()
    staff.force_login(counsellor.user)
    r = staff.post(reverse("notification_preferences", args=[person.pk]),
                   {"channel": "sms", "phone": "912 34 567", "email": "", "krr_reserved": "on"})
    assert r.status_code == 302
    pref.refresh_from_db()
    assert (pref.channel, pref.phone, pref.krr_reserved) == ("sms", "+4791234567", True)


def test_an_smtp_server_that_is_down_is_retried_and_the_mail_goes_once_it_is_back(office, counsellor, smtp, frozen, settings):
    c = make_client(office, counsellor, channel="email")
    _write(counsellor, c)
    settings.EMAIL_PORT = smtp.port + 1 if smtp.port < 65535 else smtp.port - 1  # nothing listens there
    assert delivery.drain()["retry"] == 1
    assert "e-posttjeneren svarte ikke" in Notification.objects.get().last_error
    settings.EMAIL_PORT = smtp.port
    frozen.advance(60)
    assert delivery.drain()["sent"] == 1
    assert len(smtp.messages) == 1
