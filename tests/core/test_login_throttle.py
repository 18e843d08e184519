"""Login throttling (django-axes on the normalised username) and logins that do not tell a right
password from a wrong one. A generic attacker: generated spellings of one username (whitespace,
case, Unicode compatibility forms, invisible characters) spread over every login endpoint."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client as HttpClient
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.core.login import normalise_username
from skreddersy.core.models import Role, User
from tests import factories as f

STAFF_LOGIN, CLIENT_LOGIN, ADMIN_LOGIN = "/logg-inn/", "/min-side/logg-inn/", "/admin/login/"
ENDPOINTS = [STAFF_LOGIN, CLIENT_LOGIN, ADMIN_LOGIN]
PADDING = [" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u200b", "\u200d", "\ufeff", "\u2060"]


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def spellings(draw, username: str) -> str:
    """One spelling of ``username`` that names the same account to a human."""
    chars = []
    for ch in username:
        if draw(st.booleans()):
            ch = ch.upper()
        if draw(st.integers(0, 4)) == 0:
            ch = _fullwidth(ch)
        chars.append(ch)
        if draw(st.integers(0, 8)) == 0:
            chars.append(draw(st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff"])))  # invisible inside
    before = "".join(draw(st.lists(st.sampled_from(PADDING), max_size=2)))
    after = "".join(draw(st.lists(st.sampled_from(PADDING), max_size=2)))
    return before + "".join(chars) + after


def _post(http, url, username, password):
    return http.post(url, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def _logged_in(http) -> bool:
    return "_auth_user_id" in http.session


@pytest.mark.parametrize("variant", ["veileder14 ", " veileder14", "VEILEDER14", "Veileder14\u200b", "ｖｅｉｌｅｄｅｒ１４",
                                     "veileder14\u00a0", "veileder\u200d14"])
def test_named_variants_normalise_to_the_username(variant):
    assert normalise_username(variant) == "veileder14"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_generated_spelling_normalises_to_the_same_key(data):
    name = data.draw(st.from_regex(r"[a-z][a-z0-9._-]{2,20}", fullmatch=True), label="username")
    assert normalise_username(data.draw(spellings(name), label="spelling")) == normalise_username(name)


@settings(max_examples=6, deadline=None)
@given(st.data())
def test_failures_under_any_spelling_and_endpoint_lock_the_account(db, data):
    AccessAttempt.objects.all().delete()
    username = f"veileder{data.draw(st.integers(10, 99999), label='n')}"
    User.objects.filter(username=username).delete()  # the examples share one database: a repeat starts afresh
    target = f.staff(Role.COUNSELLOR, username=username)
    target.user.is_staff = True  # may use the admin login too
    target.user.save(update_fields=["is_staff"])
    http = HttpClient()
    for _ in range(5):
        spelling = data.draw(spellings(target.user.username), label="spelling")
        url = data.draw(st.sampled_from(ENDPOINTS), label="endpoint")
        _post(http, url, spelling, "feil-passord")
        assert not _logged_in(http)
    # now the right password, exactly spelt, on any endpoint: refused, 429, for the cool-off
    for url in ENDPOINTS:
        resp = _post(http, url, target.user.username, f.PASSWORD)
        assert resp.status_code == 429 and not _logged_in(http), url
        assert "For mange mislykkede innlogginger" in resp.content.decode()


def test_one_address_full_of_colleagues_is_not_locked_out(db):
    """Someone behind the office's NAT failing on their own account does not lock the others."""
    attacker_target = f.staff(Role.COUNSELLOR)
    colleague = f.staff(Role.COUNSELLOR)
    http = HttpClient()
    for _ in range(12):
        _post(http, STAFF_LOGIN, attacker_target.user.username, "feil-passord")
    for i in range(3):  # many failing usernames from the same address
        _post(http, STAFF_LOGIN, f"finnes-ikke-{i}", "feil-passord")
    ok = HttpClient()
    resp = _post(ok, STAFF_LOGIN, colleague.user.username, f.PASSWORD)
    assert resp.status_code == 302 and _logged_in(ok)


def test_success_before_the_limit_resets_the_count(db):
    s = f.staff(Role.COUNSELLOR)
    http = HttpClient()
    for _ in range(4):
        _post(http, STAFF_LOGIN, s.user.username, "feil-passord")
    assert _post(http, STAFF_LOGIN, s.user.username, f.PASSWORD).status_code == 302
    http = HttpClient()
    for _ in range(4):
        _post(http, STAFF_LOGIN, s.user.username, "feil-passord")
    assert _post(http, STAFF_LOGIN, s.user.username, f.PASSWORD).status_code == 302


def _outcome(resp):
    """What a login answer tells the person trying: status, where it leads, the error shown."""
    form = resp.context["form"] if resp.context and "form" in resp.context else None
    return resp.status_code, resp.get("Location"), tuple(form.non_field_errors()) if form else None


@pytest.mark.parametrize("login, account", [(CLIENT_LOGIN, "staff"), (STAFF_LOGIN, "client"), (ADMIN_LOGIN, "staff")])
def test_a_right_password_on_the_wrong_login_answers_as_a_wrong_one(db, login, account):
    office = f.office()
    user = f.staff(Role.COUNSELLOR).user if account == "staff" else f.client(office, login=True).user
    right = _outcome(_post(HttpClient(), login, user.username, f.PASSWORD))
    wrong = _outcome(_post(HttpClient(), login, user.username, "feil-passord"))
    assert right == wrong and right[0] == 200
    # and the two count alike towards the lock: five of either lock the account
    AccessAttempt.objects.all().delete()
    http = HttpClient()
    for _ in range(5):
        _post(http, login, user.username, f.PASSWORD)
    assert _post(http, login, user.username, f.PASSWORD).status_code == 429


def test_the_right_login_still_works(db):
    office = f.office()
    s = f.staff(Role.COUNSELLOR)
    c = f.client(office, login=True)
    http = HttpClient()
    assert _post(http, STAFF_LOGIN, s.user.username, f.PASSWORD).status_code == 302 and _logged_in(http)
    http = HttpClient()
    assert _post(http, CLIENT_LOGIN, c.user.username, f.PASSWORD).status_code == 302 and _logged_in(http)
