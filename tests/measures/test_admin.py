"""The administrator edits the catalogue in Django admin; the model's validation applies and the
change is audited."""

import pytest

from skreddersy.core.models import AuditEntry
from skreddersy.measures.models import MeasureType


@pytest.fixture
def admin_client(world, client, django_user_model):
    su = django_user_model.objects.create_superuser(username="superadmin", password="superadmin-passord-1")
    client.force_login(su)
    return client


def test_admin_edits_a_type_with_validation(admin_client, world):
    t = world["types"]["JOBBKLUBB"]
    url = f"/admin/measures/measuretype/{t.pk}/change/"
    assert admin_client.get(url).status_code == 200
    data = {"code": t.code, "arena_code": t.arena_code, "name": "Jobbklubb (ny)", "kind": t.kind, "description": "",
            "typical_weeks": 6, "max_weeks": "", "eligible_groups": '["STANDARD_INNSATS", "UKJENT"]', "addresses": '["job_search"]',
            "priority_groups": "[]", "min_age": "", "max_age": "", "active": "on", "updated_at_0": "2026-11-25", "updated_at_1": "10:00:00"}
    r = admin_client.post(url, data)
    assert r.status_code == 200 and "Ukjent innsatsgruppe: UKJENT" in r.content.decode()
    assert MeasureType.objects.get(pk=t.pk).name != "Jobbklubb (ny)"
    data["eligible_groups"] = '["STANDARD_INNSATS"]'
    r = admin_client.post(url, data)
    assert r.status_code == 302
    assert MeasureType.objects.get(pk=t.pk).name == "Jobbklubb (ny)"
    assert AuditEntry.objects.filter(what="tiltak: admin endret measuretype").exists()


def test_allocations_are_read_only_in_admin(admin_client):
    assert admin_client.get("/admin/measures/nationaltarget/add/").status_code == 403
