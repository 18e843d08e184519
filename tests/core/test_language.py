"""The UI is Norwegian bokmål by default; English only when the user chooses it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_bokmaal_even_when_the_browser_prefers_english(client):
    resp = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert resp.status_code == 200
    assert 'lang="nb"' in resp.content.decode()
    assert "Logg inn" in resp.content.decode()


def test_the_language_switch_gives_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    resp = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nb")
    assert 'lang="en"' in resp.content.decode()
