import datetime as dt

import pytest
from django.utils import timezone

from skreddersy.core import clock
from skreddersy.notifications.models import ContactPreference
from tests import factories as f
from tests.notifications.servers import LocalGateway, SmtpInbox

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


@pytest.fixture
def frozen():
    """The clock fixed at T0; ``frozen.at(minutes)`` moves it."""

    class Clock:
        now = T0

        def at(self, minutes: float) -> dt.datetime:
            self.now = T0 + dt.timedelta(minutes=minutes)
            clock.freeze(self.now)
            return self.now

        def advance(self, seconds: float) -> dt.datetime:
            self.now = self.now + dt.timedelta(seconds=seconds)
            clock.freeze(self.now)
            return self.now

    c = Clock()
    clock.freeze(T0)
    yield c
    clock.freeze(None)


@pytest.fixture
def gateway(settings):
    gw = LocalGateway().start()
    settings.SMS_GATEWAY_URL = gw.url
    settings.SMS_GATEWAY_TIMEOUT = 1
    yield gw
    gw.stop()


@pytest.fixture
def smtp(settings):
    inbox = SmtpInbox().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", inbox.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    inbox.stop()


@pytest.fixture
def office(db):
    return f.office(f.county("46"), name="Nav Vest")


@pytest.fixture
def counsellor(office):
    return f.staff("counsellor", offices=[office], kode6=True, kode7=True)


def make_client(office, counsellor, *, channel="sms", phone="+4791234567", email="bruker@example.no", **extra):
    c = f.client(office, counsellor, login=True, **extra)
    ContactPreference.objects.create(client=c, channel=channel, phone=phone, email=email)
    return c


@pytest.fixture
def person(office, counsellor):
    return make_client(office, counsellor)
