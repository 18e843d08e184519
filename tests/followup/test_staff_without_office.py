"""A staff member who belongs to no office yet (a new hire before the grant of an office, or one
whose membership just ended) gets an empty workbench, not a server error: the overview's filter
then matches nothing, and a statement Django cannot write (``pk__in=[]``) must read as no rows."""

import pytest

from tests import factories as f

PAGES = [
    "/oversikt/", "/oversikt/?scope=office", "/oversikt/?scope=office&sort=deadline", "/api/v1/overview",
    "/api/v1/overview?scope=office&per_page=200", "/oppgaver/", "/api/v1/tasks", "/fordeling/", "/veilederoversikt/",
    "/arbeidsbelastning/", "/moteplan/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["counsellor", "team_leader", "office_leader"])
@pytest.mark.parametrize("url", PAGES)
def test_staff_without_office_gets_no_server_error(client, role, url):
    staff = f.staff(role, offices=[])
    client.force_login(staff.user)
    resp = client.get(url)
    assert resp.status_code < 500, (role, url, resp.status_code)


@pytest.mark.django_db
def test_staff_without_office_sees_an_empty_overview(client):
    f.client(f.office(f.county("03")))  # someone else's client exists
    staff = f.staff("counsellor", offices=[])
    client.force_login(staff.user)
    data = client.get("/api/v1/overview").json()
    assert data["total"] == 0 and data["results"] == []
