import datetime as dt

import pytest

from skreddersy.clients.models import NeedAssessment, NeedsMapping
from skreddersy.core import clock
from skreddersy.measures import catalogue, matching
from skreddersy.measures.models import MeasureOffering, MeasureType, Place, Provider
from tests import factories as f

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _fixed_clock():
    clock.freeze(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))
    matching.invalidate()
    yield
    clock.freeze(None)
    matching.invalidate()


def offering(measure_type, offices, *, provider=None, county=None, capacity=5, occupied=0, title=None, language="nb",
             municipality="Bergen", lat=60.39, lon=5.32, start=None, end=None, status="open", waiting_list_limit=5, **extra):
    provider = provider or Provider.objects.get_or_create(org_number="999999999", defaults={"name": "Arrangør AS"})[0]
    o = MeasureOffering.objects.create(
        measure_type=measure_type, provider=provider, title=title or f"{measure_type.name} {MeasureOffering.objects.count() + 1}",
        county=county or offices[0].county, municipality=municipality, latitude=lat, longitude=lon,
        start_date=start or TODAY + dt.timedelta(days=14), end_date=end, capacity=capacity, occupied=occupied,
        language=language, status=status, waiting_list_limit=waiting_list_limit, **extra,
    )
    o.offices.set(offices)
    return o


def mapping(client, user, **severities):
    """severities: domain=(counsellor, client) or domain=n (both)."""
    version = NeedsMapping.objects.filter(client=client).count() + 1
    m = NeedsMapping.objects.create(client=client, version=version, created_by=user)
    for domain, s in severities.items():
        cs, ks = s if isinstance(s, tuple) else (s, s)
        NeedAssessment.objects.create(mapping=m, domain=domain, counsellor_severity=cs, client_severity=ks)
    return m


@pytest.fixture
def world(db):
    """One county with two offices (Bergen, Voss), the reference catalogue, places, a counsellor,
    leaders, an administrator and an analyst, and a client in group SITUASJONSBESTEMT_INNSATS."""
    catalogue.import_types(catalogue.reference_rows())
    county = f.county("46")
    bergen = f.office(county, name="Nav Bergenhus")
    bergen.municipality = "Bergen"
    bergen.save()
    voss = f.office(county, name="Nav Voss")
    voss.municipality = "Voss"
    voss.save()
    other_county = f.county("55")
    tromso = f.office(other_county, name="Nav Tromsø")
    Place.objects.create(municipality="Bergen", latitude=60.39, longitude=5.32)
    Place.objects.create(municipality="Voss", latitude=60.63, longitude=6.42)
    counsellor = f.staff("counsellor", offices=[bergen])
    other_counsellor = f.staff("counsellor", offices=[tromso])
    office_leader = f.staff("office_leader", offices=[bergen])
    team_leader = f.staff("team_leader", offices=[bergen])
    voss_leader = f.staff("office_leader", offices=[voss])
    admin = f.staff("administrator")
    analyst = f.staff("analyst")
    client = f.client(bergen, counsellor, birth_date=dt.date(1990, 5, 5), login=True, need_group="SITUASJONSBESTEMT_INNSATS")
    client.municipality = "Bergen"
    client.save()
    types = {t.code: t for t in MeasureType.objects.all()}
    return dict(county=county, bergen=bergen, voss=voss, other_county=other_county, tromso=tromso, counsellor=counsellor,
                other_counsellor=other_counsellor, office_leader=office_leader, team_leader=team_leader, voss_leader=voss_leader,
                admin=admin, analyst=analyst, client=client, types=types)
