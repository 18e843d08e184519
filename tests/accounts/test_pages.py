"""The accounts app's pages: staff login with its lock, the start page by role, the audit log page
(administrators only) and the health check."""

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_login_locks_after_repeated_failures_and_a_right_password_is_refused_meanwhile(org):
    user = org["counsellor"].user
    http = HttpClient()
    for attempt in range(1, settings.LOGIN_FAILURE_LIMIT + 1):
        resp = http.post(reverse("login"), {"username": user.username, "password": "feil"})
        # the form again, with its error; the failure that reaches the limit is answered by the lock
        assert resp.status_code == (429 if attempt == settings.LOGIN_FAILURE_LIMIT else 200)
        assert "_auth_user_id" not in http.session
    resp = http.post(reverse("login"), {"username": user.username, "password": f.PASSWORD})
    assert resp.status_code == 429
    assert "For mange mislykkede innlogginger" in resp.content.decode()
    assert "_auth_user_id" not in http.session


def test_a_right_password_logs_in_and_the_start_page_sends_a_counsellor_to_the_overview(org):
    http = HttpClient()
    resp = http.post(reverse("login"), {"username": org["counsellor"].user.username, "password": f.PASSWORD})
    assert resp.status_code == 302
    assert http.get(reverse("home")).url == reverse("overview")


def test_a_client_account_is_refused_at_the_staff_login(org):
    c = f.client(org["a"], org["counsellor"], login=True)
    resp = HttpClient().post(reverse("login"), {"username": c.user.username, "password": f.PASSWORD})
    assert resp.status_code == 200
    assert "/min-side/logg-inn/" in resp.content.decode()


def test_only_administrators_open_the_audit_log_page(org):
    admin = f.staff("administrator")
    http = HttpClient()
    http.force_login(admin.user)
    assert http.get(reverse("audit_log")).status_code == 200
    assert http.get(reverse("audit_log"), {"bruker": "x"}).status_code == 200  # message, not a 500
    http.force_login(org["counsellor"].user)
    assert http.get(reverse("audit_log")).status_code == 403


def test_health():
    assert HttpClient().get(reverse("health")).json() == {"status": "ok"}
