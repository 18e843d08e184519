"""The language a user chooses: the switch on every page (the login pages too), remembered on the
user so it follows them to the next login on any device and survives logging out; and a language
the product does not have, from any door (the switch, a ?lang= link, the cookie, the browser's
Accept-Language), gives bokmål with a notice, never an error."""

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests import factories as f

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
NOTICE_NB = "finnes ikke i skreddersy"
NOTICE_EN = "is not available in skreddersy"


def _login(http, username, url="login"):
    return http.post(reverse(url), {"username": username, "password": f.PASSWORD})


def _lang(resp) -> str:
    html = resp.content.decode()
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


@pytest.mark.parametrize("page", ["login", "client_login"])
def test_both_login_pages_have_the_switch(client, page):
    html = client.get(reverse(page)).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html


def test_the_choice_is_saved_on_the_user_and_survives_logout(client):
    staff = f.staff()
    _login(client, staff.user.username)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    staff.user.refresh_from_db()
    assert staff.user.language == "en"
    client.post(reverse("logout"))
    assert _lang(client.get(reverse("login"))) == "en"


def test_the_saved_choice_follows_the_user_to_another_browser(client, org):
    from django.test import Client

    staff = org["counsellor"]
    staff.user.language = "en"
    staff.user.save()
    fresh = Client()  # another device: no language cookie
    _login(fresh, staff.user.username)
    resp = fresh.get(reverse("login"), follow=True)
    assert _lang(resp) == "en"
    assert fresh.cookies[COOKIE].value == "en"  # and the login page stays English after logging out
    fresh.post(reverse("logout"))
    assert _lang(fresh.get(reverse("login"))) == "en"


def test_a_choice_made_on_the_login_page_is_saved_at_login(client):
    staff = f.staff()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    _login(client, staff.user.username)
    staff.user.refresh_from_db()
    assert staff.user.language == "en"


def test_the_client_s_choice_is_remembered_too(client, org):
    c = f.client(org["a"], org["counsellor"], login=True)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("client_login")})
    _login(client, c.user.username, "client_login")
    c.user.refresh_from_db()
    assert c.user.language == "en"


def test_switching_back_to_bokmaal_is_remembered(client, org):
    staff = org["counsellor"]
    staff.user.language = "en"
    staff.user.save()
    _login(client, staff.user.username)
    client.post(reverse("set_language"), {"language": "nb", "next": reverse("home")})
    staff.user.refresh_from_db()
    assert staff.user.language == "nb"
    assert _lang(client.get(reverse("home"), follow=True)) == "nb"


# --- bad input ------------------------------------------------------------------------------------

BAD_CODES = ["xx", "zz", "klingon", "en_XX_", "../../etc", "<script>", "x" * 5000, "nb;drop", "æøå", " ", "-"]


@pytest.mark.parametrize("code", BAD_CODES)
def test_an_unknown_code_on_the_switch_gives_bokmaal_and_a_notice(client, code):
    resp = client.post(reverse("set_language"), {"language": code, "next": reverse("login")}, follow=True)
    assert resp.status_code == 200
    assert _lang(resp) == "nb"
    html = resp.content.decode()
    assert NOTICE_NB in html and NOTICE_EN in html
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]  # the code is escaped


def test_an_unknown_code_on_the_switch_changes_nobody_s_saved_choice(client):
    staff = f.staff()
    staff.user.language = "en"
    staff.user.save()
    _login(client, staff.user.username)
    client.post(reverse("set_language"), {"language": "zz", "next": reverse("home")})
    staff.user.refresh_from_db()
    assert staff.user.language == "nb"  # bokmål, as the page says, not a half-kept "zz"


@pytest.mark.parametrize("code", ["xx", "zz-ZZ", "x" * 300, "%00"])
def test_an_unknown_lang_link_gives_bokmaal_and_a_notice(client, code):
    resp = client.get(reverse("login"), {"lang": code})
    assert resp.status_code == 200
    assert _lang(resp) == "nb"
    assert NOTICE_NB in resp.content.decode()


def test_a_known_lang_link_shows_that_page_in_that_language_only(client):
    assert _lang(client.get(reverse("login"), {"lang": "en"})) == "en"
    assert _lang(client.get(reverse("login"))) == "nb"


@pytest.mark.parametrize("code", ["xx", "zz", "en-XX-bad-" + "y" * 100, '"quoted"'])
def test_an_unknown_cookie_gives_bokmaal_a_notice_and_is_deleted(client, code):
    client.cookies[COOKIE] = code
    resp = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 200
    assert _lang(resp) == "nb"  # not the browser's English: the user chose nothing the product has
    assert NOTICE_NB in resp.content.decode()
    assert resp.cookies[COOKIE].value == "" and resp.cookies[COOKIE]["max-age"] == 0


def test_a_saved_choice_the_product_no_longer_has_gives_bokmaal(client, org):
    staff = org["counsellor"]
    staff.user.language = "xx"
    staff.user.save()
    _login(client, staff.user.username)
    assert _lang(client.get(reverse("home"), follow=True)) == "nb"


@given(st.text(max_size=200))
def test_no_accept_language_header_is_an_error_and_none_decides_the_language(header):
    from django.test import Client

    try:
        header.encode("latin-1")
    except UnicodeEncodeError:
        header = header.encode("utf-8").decode("latin-1")
    resp = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE=header)
    assert resp.status_code == 200
    assert _lang(resp) == "nb"


@given(st.text(max_size=100))
def test_no_code_on_the_switch_is_an_error(code):
    from django.test import Client

    resp = Client().post(reverse("set_language"), {"language": code, "next": "/logg-inn/"})
    assert resp.status_code == 302
    assert resp.cookies[COOKIE].value in {"nb", "en"}


def test_the_api_never_500s_on_a_bad_language_cookie(client, org):
    staff = org["counsellor"]
    client.force_login(staff.user)
    client.cookies[COOKIE] = "xx"
    resp = client.get("/api/v1/overview")
    assert resp.status_code < 500
