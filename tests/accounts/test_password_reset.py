"""An administrator's reset of another user's password (issue 12's leftover): it goes through an
audited event like the grants (who, whom, why; the password itself is never recorded), the
user's sessions end, and an administrator cannot set his own through the admin site, nor another
administrator's (with that login he could approve his own four-eyes grant)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from skreddersy.accounts import services
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.models import AuditEntry, Role, User
from tests import factories as f

NEW = "Sommerfugl-Tåke-2026"
REASON = "Brukeren har glemt passordet og ringte servicedesk"


@pytest.fixture
def people(org):
    admin = f.staff(Role.ADMINISTRATOR, username="adm.a")
    other_admin = f.staff(Role.ADMINISTRATOR, username="adm.b")
    User.objects.filter(pk=admin.user_id).update(is_staff=True, is_superuser=True)  # the admin site open
    client = f.client(org["a"], org["counsellor"], login=True)
    return dict(admin=User.objects.get(pk=admin.user_id), other_admin=other_admin.user,
                counsellor=org["counsellor"].user, client=client.user)


def _login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _hashes():
    return dict(User.objects.values_list("pk", "password"))


def test_a_reset_is_audited_with_who_whom_and_why_and_ends_the_users_sessions(people):
    admin, target = people["admin"], people["counsellor"]
    session = _login(target)
    assert session.get("/oversikt/").status_code == 200
    services.reset_password(user=admin, target=target.pk, password=NEW, password_again=NEW, reason=f"  {REASON}  ")
    assert User.objects.get(pk=target.pk).check_password(NEW)
    entry = AuditEntry.objects.get(what="passord: satt av administrator", action="write")
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.why) == (admin.pk, "User", target.pk, REASON)
    assert NEW not in str(list(AuditEntry.objects.values_list("why", "what")))
    # the old session no longer gets in
    assert session.get("/oversikt/").status_code in (302, 403)


def test_a_clients_password_can_be_reset_too(people):
    services.reset_password(user=people["admin"], target=people["client"], password=NEW, password_again=NEW, reason=REASON)
    assert User.objects.get(pk=people["client"].pk).check_password(NEW)


@pytest.mark.parametrize("who, whom", [("admin", "admin"), ("admin", "other_admin"), ("counsellor", "client"),
                                       ("other_admin", "admin")])
def test_never_ones_own_nor_another_administrators_nor_by_a_non_administrator(people, who, whom):
    before = _hashes()
    with pytest.raises(AccessDenied):
        services.reset_password(user=people[who], target=people[whom], password=NEW, password_again=NEW, reason=REASON)
    assert _hashes() == before
    denied = AuditEntry.objects.get(action="denied", what="passord: satt av administrator")
    assert (denied.actor_id, denied.object_id) == (people[who].pk, people[whom].pk)


@pytest.mark.parametrize("kwargs, field", [
    ({"reason": ""}, "reason"),
    ({"reason": "glemt"}, "reason"),
    ({"password_again": NEW + "x"}, "password_again"),
    ({"password": "123", "password_again": "123"}, "password"),
    ({"password": "", "password_again": ""}, "password"),
])
def test_bad_input_names_the_field_and_writes_nothing(people, kwargs, field):
    before = _hashes()
    args = dict(password=NEW, password_again=NEW, reason=REASON) | kwargs
    with pytest.raises(InvalidInput) as exc:
        services.reset_password(user=people["admin"], target=people["counsellor"], **args)
    assert field in exc.value.errors
    assert _hashes() == before and not AuditEntry.objects.filter(action="write").exists()


def test_unknown_user_is_not_found(people):
    with pytest.raises(NotFound):
        services.reset_password(user=people["admin"], target=10**9, password=NEW, password_again=NEW, reason=REASON)


def test_the_admin_sites_password_page_leads_to_the_audited_page_and_refuses_ones_own(people):
    admin, target = people["admin"], people["counsellor"]
    http = _login(admin)
    # the user's page in the admin links to its password form, which is the audited page
    r = http.get(f"/admin/core/user/{target.pk}/password/")
    assert r.status_code == 302 and r["Location"] == f"/tilganger/passord/{target.pk}/"
    page = http.get(r["Location"])
    assert page.status_code == 200 and "Begrunnelse" in page.content.decode()
    r = http.post(r["Location"], {"password": NEW, "password_again": NEW, "reason": "kort"})
    assert r.status_code == 422 and "minst 10 tegn" in r.content.decode()
    assert not User.objects.get(pk=target.pk).check_password(NEW)
    r = http.post(f"/tilganger/passord/{target.pk}/", {"password": NEW, "password_again": NEW, "reason": REASON})
    assert r.status_code == 302 and User.objects.get(pk=target.pk).check_password(NEW)
    # one's own: refused, on the admin site's path as on the page itself, and nothing changed
    before = _hashes()
    r = http.get(f"/admin/core/user/{admin.pk}/password/", follow=True)
    assert r.status_code == 403
    r = http.post(f"/tilganger/passord/{admin.pk}/", {"password": NEW, "password_again": NEW, "reason": REASON})
    assert r.status_code == 403 and _hashes() == before
    counsellor = User.objects.get(pk=target.pk)  # with the new password
    assert _login(counsellor).get(f"/tilganger/passord/{people['client'].pk}/").status_code == 403
    assert http.get("/admin/core/user/abc/password/").status_code == 404
