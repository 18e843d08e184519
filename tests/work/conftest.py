import datetime as dt

import pytest

from skreddersy.core.models import Role
from tests import factories as f


@pytest.fixture
def ips(db):
    """An office with a job-specialist team: two specialists, a method supervisor, a counsellor,
    a market contact, and clients; plus another office."""
    county = f.county("46")
    a = f.office(county, name="Nav Alfa")
    b = f.office(county, name="Nav Beta")
    counsellor = f.staff(Role.COUNSELLOR, offices=[a])
    return {
        "a": a, "b": b, "counsellor": counsellor,
        "js1": f.staff(Role.JOB_SPECIALIST, offices=[a]),
        "js2": f.staff(Role.JOB_SPECIALIST, offices=[a]),
        "js_b": f.staff(Role.JOB_SPECIALIST, offices=[b]),
        "supervisor": f.staff(Role.METHOD_SUPERVISOR, offices=[a]),
        "market": f.staff(Role.MARKET_CONTACT, offices=[a]),
        "analyst": f.staff(Role.ANALYST, offices=[a]),
        "clients": [f.client(a, counsellor) for _ in range(4)],
        "today": dt.date.today(),
    }
