"""The work pages as each role meets them: what renders, what is refused, and bad input."""

import datetime as dt

import pytest

from skreddersy.core.models import AuditEntry
from skreddersy.work import services
from skreddersy.work.models import Employer, EmployerContact, FidelityReview, IpsCase, JobStart
from tests import factories as f

GOOD = "974760673"


@pytest.fixture
def web(ips, client):
    def as_(who):
        client.force_login(f.fresh_user(ips[who]))
        return client
    return as_


def test_employer_register_search_and_create(ips, web):
    c = web("market")
    r = c.get("/arbeid/arbeidsgivere/")
    assert r.status_code == 200
    r = c.post("/arbeid/arbeidsgivere/", {"orgnr": "974 760 674", "name": "Bakeriet", "municipality": "Bergen", "sector": "private"})
    assert r.status_code == 422 and "kontrollsiffer" in r.content.decode()
    assert not Employer.objects.exists()
    r = c.post("/arbeid/arbeidsgivere/", {"orgnr": "974 760 673", "name": "Bakeriet", "municipality": "Bergen", "sector": "private"})
    assert r.status_code == 302
    e = Employer.objects.get()
    assert c.get("/arbeid/arbeidsgivere/?q=bak").content.decode().count("Bakeriet") >= 1
    page = c.get(f"/arbeid/arbeidsgivere/{e.pk}/")
    assert page.status_code == 200 and "974 760 673" in page.content.decode()


def test_contact_log_warns_of_a_colleagues_contact(ips, web):
    e = services.create_employer(user=f.fresh_user(ips["market"]), orgnr_value=GOOD, name="Bakeriet", municipality="Bergen")
    c = web("js1")
    r = c.post(f"/arbeid/arbeidsgivere/{e.pk}/kontakt/", {"kind": "phone", "purpose": "job_development", "outcome": "follow_up",
                                                         "field_minutes": ""}, follow=True)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Kontakten er logget" in body and "kontaktansvarlig" in body
    r = c.post(f"/arbeid/arbeidsgivere/{e.pk}/kontakt/", {"kind": "visit", "purpose": "job_development", "outcome": "follow_up",
                                                         "field_minutes": "9999"})
    assert r.status_code == 422
    assert EmployerContact.objects.count() == 1


@pytest.mark.parametrize("who", ["analyst"])
def test_staff_without_a_follow_up_role_are_refused_and_audited(ips, web, who):
    e = services.create_employer(user=f.fresh_user(ips["market"]), orgnr_value=GOOD, name="Bakeriet", municipality="Bergen")
    c = web(who)
    for url in ("/arbeid/arbeidsgivere/", f"/arbeid/arbeidsgivere/{e.pk}/", "/arbeid/jobbspesialist/", "/arbeid/metodeveileder/"):
        r = c.get(url)
        assert r.status_code in (403, 200), url
        if r.status_code == 200:
            assert "ikke metodeveileder" in r.content.decode()
    assert AuditEntry.objects.filter(action="denied", actor=ips[who].user).count() >= 3


def test_client_logins_see_nothing_of_the_register(ips, client):
    client.force_login(f.client_user(ips["clients"][0]))
    assert client.get("/arbeid/arbeidsgivere/").status_code == 403


def test_ids_out_of_range_or_unknown_are_not_found(ips, web):
    c = web("js1")
    for url in ("/arbeid/arbeidsgivere/99999/", f"/arbeid/arbeidsgivere/{2**70}/", f"/arbeid/kandidat/{2**64}/",
                "/arbeid/kandidat/5/", f"/arbeid/bruker/{2**66}/", f"/arbeid/troskap/{2**65}/"):
        assert c.get(url).status_code == 404, url


def test_refer_then_work_the_trail_through_the_pages(ips, web):
    cl = ips["clients"][0]
    c = web("counsellor")
    r = c.get(f"/arbeid/bruker/{cl.pk}/")
    assert r.status_code == 200
    r = c.post(f"/arbeid/bruker/{cl.pk}/henvis/", {"specialist": ips["js1"].pk, "over_cap_reason": ""})
    assert r.status_code == 302
    case = IpsCase.objects.get(client=cl)
    c = web("js1")
    assert "Mine kandidater" in c.get("/arbeid/jobbspesialist/").content.decode()
    assert c.get(f"/arbeid/kandidat/{case.pk}/").status_code == 200
    r = c.post(f"/arbeid/kandidat/{case.pk}/fase/", {"to_phase": "referred", "version": case.version})
    assert r.status_code == 422
    r = c.post(f"/arbeid/kandidat/{case.pk}/fase/", {"to_phase": "engagement", "version": case.version})
    assert r.status_code == 302
    # a start without an employer: refused, with the field named, nothing written
    r = c.post(f"/arbeid/kandidat/{case.pk}/jobbstart/", {"employer": "", "job_title": "Lager", "start_date": dt.date.today().isoformat(),
                                                         "hours_per_week": "20", "wage_type": "ordinary"})
    assert r.status_code == 422 and "arbeidsgiver" in r.content.decode().lower()
    assert not JobStart.objects.exists()
    services.create_employer(user=f.fresh_user(ips["market"]), orgnr_value=GOOD, name="Bakeriet", municipality="Bergen")
    r = c.post(f"/arbeid/kandidat/{case.pk}/jobbstart/", {"employer": GOOD, "job_title": "Lager", "start_date": dt.date.today().isoformat(),
                                                         "hours_per_week": "20", "wage_type": "subsidy", "subsidy_plan": "0:60, 6:40"})
    assert r.status_code == 302
    start = JobStart.objects.get()
    assert start.subsidy_plan == [{"from_month": 0, "percent": 60}, {"from_month": 6, "percent": 40}]
    fa = start.follow_alongs.first()
    r = c.post(f"/arbeid/kandidat/{case.pk}/oppfolging/{fa.pk}/", {"note": "God start", "field_minutes": "45"})
    assert r.status_code == 302
    # another specialist sees nothing of it
    assert web("js2").get(f"/arbeid/kandidat/{case.pk}/").status_code == 404


def test_presentation_through_the_page_needs_assessment_and_consent(ips, web):
    cl = ips["clients"][1]
    services.create_employer(user=f.fresh_user(ips["market"]), orgnr_value=GOOD, name="Bakeriet", municipality="Bergen")
    c = web("counsellor")
    r = c.post(f"/arbeid/bruker/{cl.pk}/presenter/", {"step": "present", "employer": GOOD})
    assert r.status_code == 422 and "samtykket" in r.content.decode()
    r = c.post(f"/arbeid/bruker/{cl.pk}/presenter/", {"step": "assess", "employer": GOOD, "reasoning": "Passer"})
    assert r.status_code == 422  # suitable not chosen
    assert c.post(f"/arbeid/bruker/{cl.pk}/presenter/", {"step": "assess", "employer": GOOD, "suitable": "1", "reasoning": "Passer"}).status_code == 302
    assert c.post(f"/arbeid/bruker/{cl.pk}/presenter/", {"step": "consent", "employer": GOOD}).status_code == 302
    r = c.post(f"/arbeid/bruker/{cl.pk}/presenter/", {"step": "present", "employer": GOOD}, follow=True)
    assert "Kandidaten er presentert" in r.content.decode()


def test_supervisor_and_fidelity_pages(ips, web):
    team = ips["a"].teams.create(name="IPS")
    c = web("supervisor")
    r = c.get("/arbeid/metodeveileder/")
    assert r.status_code == 200 and ips["js1"].display_name in r.content.decode()
    assert "minst 5 jobbspesialister" in r.content.decode()
    assert c.get(f"/arbeid/troskap/{team.pk}/").status_code == 200
    data = {f"score_{n}": "4" for n in range(1, 26)} | {"reviewed_on": dt.date.today().isoformat()}
    bad = dict(data, score_9="7")
    r = c.post(f"/arbeid/troskap/{team.pk}/", bad)
    assert r.status_code == 422 and not FidelityReview.objects.exists()
    r = c.post(f"/arbeid/troskap/{team.pk}/", data, follow=True)
    assert FidelityReview.objects.get().total == 100
    assert ">God<" in r.content.decode()  # 100 is the lower edge of "good" (100-114)
    assert web("js1").get(f"/arbeid/troskap/{team.pk}/").status_code == 403


def test_outcomes_page_shows_own_figures_suppressed(ips, web):
    r = web("js1").get("/arbeid/resultater/")
    assert r.status_code == 200 and "færre enn 5" in r.content.decode()
    r = web("supervisor").get(f"/arbeid/resultater/?utvalg=kontor&kontor={ips['a'].pk}")
    assert r.status_code == 403  # two job specialists: below the team size for staff figures


def test_person_page_offers_the_work_panel(ips, web):
    cl = ips["clients"][0]
    c = web("counsellor")
    assert "work-panel-body" in c.get(f"/bruker/{cl.pk}/").content.decode()
    assert c.get(f"/arbeid/bruker/{cl.pk}/panel/").status_code == 200
