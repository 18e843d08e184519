"""What issue 17's parts 2-4 send through the outbox (a booked meeting, its day-before reminder, a
cancelled meeting, a forhåndsorientering) reaches the client through the real local SMS gateway and
SMTP server with nothing in the body but the fixed "you have a new message from Nav" text: no name,
identity number, time, place, agenda, activity or legal basis."""

import datetime as dt

import pytest
from django.utils import timezone

from skreddersy.core import clock
from skreddersy.followup import meetings, notices, services
from skreddersy.notifications import delivery, texts
from tests.notifications.conftest import make_client

pytestmark = pytest.mark.django_db


def test_no_personal_data_in_meeting_and_notice_notifications(office, counsellor, gateway, smtp, frozen, settings):
    settings.NOTIFICATION_THROTTLE_SECONDS = 60
    nav = counsellor.user
    clients = []
    for i, (lang, channel) in enumerate([("nb", "sms"), ("nn", "email"), ("en", "sms")]):
        c = make_client(
            office, counsellor, channel=channel, language=lang, phone=f"+479100000{i}", email=f"q{i}@example.no"
        )
        clients.append(c)
    secrets = []
    for i, c in enumerate(clients):
        when = timezone.localtime(clock.now()).replace(hour=10, minute=0) + dt.timedelta(days=1, hours=i)
        place = f"Storgata {i + 10}, møterom Fjellet"
        agenda = f"Sykdom og behandling hos {c.first_name}"
        meetings.book_meeting(
            user=nav,
            client=c,
            starts_at=when,
            minutes=30,
            mode="in_person",
            place=place,
            participants="Tolk",
            agenda=agenda,
        )
        req = services.add_activity(
            user=nav,
            client=c,
            title=f"Rusbehandling for {c.last_name}",
            type="treatment",
            is_requirement=True,
            legal_basis="folketrygdloven § 11-7",
            consequence="AAP kan bli redusert.",
        )
        notices.send_notice(
            user=nav, activity=req, text=notices.standard_text(req), deadline=clock.today() + dt.timedelta(days=14)
        )
        secrets += [
            place,
            agenda,
            req.title,
            "Storgata",
            "Fjellet",
            "Sykdom",
            "Rusbehandling",
            "§",
            "11-9",
            "AAP",
            when.strftime("%H:%M"),
            when.strftime("%d.%m"),
        ]
    delivery.drain()
    frozen.advance(120)  # past the throttle window: the reminders and a cancellation
    assert meetings.send_reminders(now=clock.now()) == 3
    meetings.record_outcome(user=nav, meeting=clients[0].meetings.get(), status="cancelled")
    delivery.drain()
    sms = [text for _, _, text in gateway.requests]
    mails = [(m["Subject"], m.get_content().strip()) for m in smtp.messages]
    assert len(sms) >= 4 and len(mails) >= 2  # booking + notice collected, then reminder (+ cancellation)
    allowed = {texts.body(x) for x in ("nb", "nn", "en")}
    assert set(sms) <= allowed and {b for _, b in mails} <= allowed
    assert {s for s, _ in mails} <= set(texts.SUBJECTS.values())
    for body in sms + [f"{s} {b}" for s, b in mails]:
        for c in clients:
            for data in (
                c.first_name,
                c.last_name,
                c.fnr,
                c.fnr[:6],
                c.birth_date.strftime("%d.%m.%Y"),
                office.name,
                *secrets,
            ):
                assert data.lower() not in body.lower()
