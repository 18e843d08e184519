"""Employers, contacts, presentation with consent, referral and the work trail, through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from skreddersy.core import audit
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.models import AuditEntry
from skreddersy.followup.models import JournalEntry
from skreddersy.work import selectors, services
from skreddersy.work.models import Employer, EmployerContact, FollowAlong, IpsCase, JobStart, PhaseChange, Presentation
from tests import factories as f

GOOD = "974760673"


def user(s):
    return f.fresh_user(s)


def _employer(ips, number=GOOD, owner=None):
    return services.create_employer(user=user(owner or ips["counsellor"]), orgnr_value=number, name="Bakeriet AS",
                                    municipality="Bergen")


def test_register_employer_validates_the_organisation_number(ips):
    with pytest.raises(InvalidInput) as exc:
        services.create_employer(user=user(ips["counsellor"]), orgnr_value="974760674", name="X", municipality="Y")
    assert "orgnr" in exc.value.errors
    assert not Employer.objects.exists()
    e = _employer(ips)
    assert e.orgnr == GOOD and e.owner == ips["counsellor"]
    with pytest.raises(InvalidInput, match="kan ikke"):
        _employer(ips)  # the same number twice
    assert Employer.objects.count() == 1


def test_the_register_is_for_follow_up_staff_and_market_contacts(ips):
    _employer(ips, owner=ips["market"])
    for who in ("analyst",):
        with pytest.raises(AccessDenied):
            selectors.search_employers(user=user(ips[who]), q="bak")
    assert AuditEntry.objects.filter(action=audit.DENIED, what="arbeidsgiver: søk").exists()
    client_login = f.client_user(ips["clients"][0])
    with pytest.raises(AccessDenied):
        services.create_employer(user=client_login, orgnr_value="971526920", name="Y", municipality="Z")


def test_search_by_number_or_name_start(ips):
    e = _employer(ips)
    services.create_employer(user=user(ips["market"]), orgnr_value="971526920", name="Ødegård Transport", municipality="Oslo")
    u = user(ips["js1"])
    assert [x.pk for x in selectors.search_employers(user=u, q="974 76")] == [e.pk]
    assert [x.name for x in selectors.search_employers(user=u, q="øde")] == ["Ødegård Transport"]
    assert [x.name for x in selectors.search_employers(user=u, q="BAK")] == ["Bakeriet AS"]
    assert [x.name for x in selectors.search_employers(user=u, q="")] == ["Bakeriet AS", "Ødegård Transport"]


def test_contacting_an_employer_a_colleague_owns_or_called_warns(ips):
    e = _employer(ips, owner=ips["market"])
    _, warnings = services.log_contact(user=user(ips["js1"]), employer=e, kind="phone", purpose="job_development", outcome="follow_up")
    assert [w.reason for w in warnings] == ["owner"]
    _, warnings = services.log_contact(user=user(ips["js2"]), employer=e, kind="visit", purpose="job_development", outcome="not_now",
                                       field_minutes=90)
    assert sorted(w.reason for w in warnings) == ["owner", "recent"]
    # a contact 15 days ago is no longer "recent"
    EmployerContact.objects.filter(staff=ips["js1"]).update(at=timezone.now() - dt.timedelta(days=15))
    record = selectors.employer_record(user=user(ips["counsellor"]), employer_id=e.pk)
    assert {w.staff_name for w in record.warnings} == {ips["market"].display_name, ips["js2"].display_name}


@pytest.mark.parametrize("minutes", [-1, 721, "mye"])
def test_absurd_field_minutes_are_refused(ips, minutes):
    e = _employer(ips)
    with pytest.raises(InvalidInput) as exc:
        services.log_contact(user=user(ips["js1"]), employer=e, kind="visit", purpose="other", outcome="done", field_minutes=minutes)
    assert "field_minutes" in exc.value.errors
    assert not EmployerContact.objects.exists()


def test_presenting_a_candidate_needs_assessment_and_consent(ips):
    e = _employer(ips)
    c = ips["clients"][0]
    u = user(ips["counsellor"])
    services.save_job_profile(user=u, client=c, version=None, skills="Truckførerbevis", share=["skills"])
    with pytest.raises(InvalidInput) as exc:
        services.present_candidate(user=u, client=c, employer=e, shared=["skills"])
    assert {"assessment", "consent"} <= set(exc.value.errors)
    services.assess_suitability(user=u, client=c, employer=e, suitable=True, reasoning="Passer til lagerjobben")
    with pytest.raises(InvalidInput) as exc:
        services.present_candidate(user=u, client=c, employer=e, shared=["skills"])
    assert set(exc.value.errors) == {"consent"}
    consent = services.record_consent(user=u, client=c, employer=e)
    with pytest.raises(InvalidInput) as exc:
        services.present_candidate(user=u, client=c, employer=e, shared=["skills", "education"])
    assert set(exc.value.errors) == {"shared"}
    assert not Presentation.objects.exists()
    p = services.present_candidate(user=u, client=c, employer=e, shared=["skills"])
    # logged on both records: the client's journal and the employer's contact log
    assert JournalEntry.objects.filter(client=c, object_type="Presentation", object_id=p.pk).exists()
    assert EmployerContact.objects.filter(employer=e, purpose="candidate", presentation=p).exists()
    services.withdraw_consent(user=u, consent=consent)
    with pytest.raises(InvalidInput) as exc:
        services.present_candidate(user=u, client=c, employer=e, shared=["skills"])
    assert set(exc.value.errors) == {"consent"}
    services.assess_suitability(user=u, client=c, employer=e, suitable=False, reasoning="Ikke nå")
    services.record_consent(user=u, client=c, employer=e)
    with pytest.raises(InvalidInput) as exc:
        services.present_candidate(user=u, client=c, employer=e)
    assert set(exc.value.errors) == {"assessment"}


def test_referral_is_granted_six_months_and_capped(ips):
    from skreddersy.work.models import OfficeWorkSettings

    OfficeWorkSettings.objects.create(office=ips["a"], caseload_cap=2)
    u = user(ips["counsellor"])
    c1, c2, c3, _ = ips["clients"]
    case = services.refer_to_specialist(user=u, client=c1, specialist=ips["js1"])
    assert 181 <= (case.granted_until - case.referred_on).days <= 184  # six calendar months
    services.refer_to_specialist(user=u, client=c2, specialist=ips["js1"])
    with pytest.raises(InvalidInput) as exc:
        services.refer_to_specialist(user=u, client=c3, specialist=ips["js1"])
    assert "over_cap_reason" in exc.value.errors and "tak 2" in exc.value.errors["over_cap_reason"]
    case3 = services.refer_to_specialist(user=u, client=c3, specialist=ips["js1"], over_cap_reason="Snakker samme språk")
    assert case3.over_cap_reason == "Snakker samme språk"
    with pytest.raises(InvalidInput) as exc:
        services.refer_to_specialist(user=u, client=c1, specialist=ips["js2"])
    assert "client" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        services.refer_to_specialist(user=u, client=ips["clients"][3], specialist=ips["js_b"])
    assert "specialist" in exc.value.errors


def test_the_work_trail_moves_forward_and_a_start_needs_an_employer(ips):
    u = user(ips["counsellor"])
    c = ips["clients"][0]
    case = services.refer_to_specialist(user=u, client=c, specialist=ips["js1"])
    js = user(ips["js1"])
    case = services.change_phase(user=js, case=case, to_phase="engagement", version=case.version)
    with pytest.raises(InvalidInput):
        services.change_phase(user=js, case=case, to_phase="referred", version=case.version)
    with pytest.raises(InvalidInput):
        services.change_phase(user=js, case=case, to_phase="in_work", version=case.version)  # no start yet
    with pytest.raises(InvalidInput) as exc:
        services.record_start(user=js, case=case, employer=None, job_title="Lager", start_date=dt.date.today(),
                              hours_per_week=20, wage_type="ordinary")
    assert "employer" in exc.value.errors
    assert not JobStart.objects.exists()
    e = _employer(ips)
    start = services.record_start(user=js, case=case, employer=e, job_title="Lager", start_date=dt.date.today(),
                                  hours_per_week="20,5", wage_type="ordinary")
    case.refresh_from_db()
    assert case.phase == "in_work" and start.hours_per_week == 20.5
    assert FollowAlong.objects.filter(start=start).count() >= 8
    with pytest.raises(InvalidInput) as exc:
        services.change_phase(user=js, case=case, to_phase="ended", version=case.version)
    assert "end_reason" in exc.value.errors
    case = services.change_phase(user=js, case=case, to_phase="ended", version=case.version, end_reason="work")
    assert case.ended_on and case.ended_reason == "work"
    assert list(PhaseChange.objects.filter(case=case).values_list("to_phase", flat=True)) == ["referred", "engagement", "in_work", "ended"]


def test_wage_subsidy_needs_a_step_down_plan(ips):
    case = services.refer_to_specialist(user=user(ips["counsellor"]), client=ips["clients"][0], specialist=ips["js1"])
    e = _employer(ips)
    js = user(ips["js1"])
    with pytest.raises(InvalidInput) as exc:
        services.record_start(user=js, case=case, employer=e, job_title="Lager", start_date=dt.date.today(), hours_per_week=30,
                              wage_type="subsidy", subsidy_plan=[{"from_month": 0, "percent": 40}, {"from_month": 6, "percent": 60}])
    assert "subsidy_plan" in exc.value.errors
    start = services.record_start(user=js, case=case, employer=e, job_title="Lager", start_date=dt.date.today(), hours_per_week=30,
                                  wage_type="subsidy", subsidy_plan=[{"from_month": 0, "percent": 60}, {"from_month": 6, "percent": 40}])
    assert start.subsidy_plan[1] == {"from_month": 6, "percent": 40}


def test_place_and_pray_shows_on_the_caseload_and_the_supervisors_page(ips):
    case = services.refer_to_specialist(user=user(ips["counsellor"]), client=ips["clients"][0], specialist=ips["js1"])
    e = _employer(ips)
    js = user(ips["js1"])
    start_day = dt.date.today() - dt.timedelta(days=14)
    case.referred_on = case.phase_since = start_day - dt.timedelta(days=10)
    case.save()
    start = services.record_start(user=js, case=case, employer=e, job_title="Lager", start_date=start_day, hours_per_week=20,
                                  wage_type="ordinary")
    load = selectors.my_caseload(user=user(ips["js1"]))
    assert load.rows[0].place_and_pray_days == 14
    page = selectors.supervisor_page(user=user(ips["supervisor"]), office_id=ips["a"].pk)
    line = next(ln for ln in page.lines if ln.specialist == ips["js1"])
    assert [r.case.pk for r in line.place_and_pray] == [case.pk]
    # a follow-up contact yesterday clears it
    fa = start.follow_alongs.first()
    services.complete_follow_along(user=js, follow_along=fa, note="Bra første uke", field_minutes=60,
                                   done_at=timezone.now() - dt.timedelta(days=1))
    assert selectors.my_caseload(user=user(ips["js1"])).rows[0].place_and_pray_days is None


def test_who_may_work_a_case(ips):
    case = services.refer_to_specialist(user=user(ips["counsellor"]), client=ips["clients"][0], specialist=ips["js1"])
    allowed = ("js1", "supervisor")
    for who in ("js1", "js2", "js_b", "supervisor", "market", "analyst", "counsellor"):
        u = user(ips[who])
        if who in allowed:
            services.save_disclosure_plan(user=u, case=IpsCase.objects.get(pk=case.pk), version=IpsCase.objects.get(pk=case.pk).version,
                                          may_tell="Trenger rolige omgivelser", not_tell="Diagnosen", agreed_on=dt.date.today())
        else:
            with pytest.raises(AccessDenied):
                services.save_disclosure_plan(user=u, case=IpsCase.objects.get(pk=case.pk), version=case.version,
                                              may_tell="x", not_tell="y", agreed_on=dt.date.today())
    # reading the trail: the specialist, the supervisor and the client's counsellor; others see "not found"
    for who in ("js1", "supervisor", "counsellor"):
        assert selectors.case_trail(user=user(ips[who]), case_id=case.pk).case.pk == case.pk
    for who in ("js2", "js_b", "market", "analyst"):
        with pytest.raises(NotFound):
            selectors.case_trail(user=user(ips[who]), case_id=case.pk)
    with pytest.raises(NotFound):
        selectors.case_trail(user=user(ips["js1"]), case_id=case.pk + 999)
    assert AuditEntry.objects.filter(client_id=case.client_id, action=audit.DENIED, what="jobbspesialist: arbeidsspor").count() == 4


def test_a_protected_client_stays_hidden_from_a_job_specialist_without_clearance(ips):
    protected = f.client(ips["a"], ips["counsellor"], address_protection="strictly_confidential")
    cleared = f.staff("counsellor", offices=[ips["a"]], kode6=True)
    case = services.refer_to_specialist(user=user(cleared), client=protected, specialist=ips["js1"],
                                        over_cap_reason="")
    with pytest.raises(NotFound):
        selectors.case_trail(user=user(ips["js1"]), case_id=case.pk)
    assert selectors.my_caseload(user=user(ips["js1"])).rows == []


def test_fidelity_review_total_and_band(ips):
    team = ips["a"].teams.create(name="IPS-teamet")
    scores = {str(n): 5 for n in range(1, 26)}
    scores["3"] = 1
    r = services.save_fidelity_review(user=user(ips["supervisor"]), team=team, reviewed_on=dt.date.today(), scores=scores,
                                      notes={"3": "Spesialistene har ikke alle fasene"})
    assert r.total == 121
    page = selectors.fidelity_reviews(user=user(ips["supervisor"]), team_id=team.pk)
    assert page["reviews"][0].band["key"] == "exemplary"
    bad = dict(scores, **{"7": 6})
    with pytest.raises(InvalidInput) as exc:
        services.save_fidelity_review(user=user(ips["supervisor"]), team=team, reviewed_on=dt.date.today(), scores=bad)
    assert "scores.7" in exc.value.errors
    with pytest.raises(AccessDenied):
        services.save_fidelity_review(user=user(ips["js1"]), team=team, reviewed_on=dt.date.today(), scores=scores)


def test_outcomes_are_suppressed_under_5_and_team_figures_need_a_team_of_5(ips):
    out = selectors.outcomes(user=user(ips["js1"]), scope="mine")
    assert all(c.share is None for c in out.cells)  # nothing to show for fewer than 5
    with pytest.raises(AccessDenied):
        selectors.outcomes(user=user(ips["supervisor"]), scope="office", office_id=ips["a"].pk)  # 2 specialists
    for _ in range(3):
        f.staff("job_specialist", offices=[ips["a"]])
    out = selectors.outcomes(user=user(ips["supervisor"]), scope="office", office_id=ips["a"].pk)
    assert out.scope == "office"
    page = selectors.supervisor_page(user=user(ips["supervisor"]), office_id=ips["a"].pk)
    assert page.team.shown and page.team.specialists == 5


def test_outcome_share_in_work_within_12_months(ips):
    e = _employer(ips)
    js = user(ips["js1"])
    old = dt.date.today() - dt.timedelta(days=400)
    cases = []
    for _ in range(6):
        c = f.client(ips["a"], ips["counsellor"])
        case = services.refer_to_specialist(user=user(ips["counsellor"]), client=c, specialist=ips["js1"],
                                            referred_on=old, over_cap_reason="test")
        cases.append(case)
    for case in cases[:3]:
        services.record_start(user=js, case=case, employer=e, job_title="Lager", start_date=old + dt.timedelta(days=60),
                              hours_per_week=20, wage_type="ordinary")
    services.record_start(user=js, case=cases[3], employer=e, job_title="Lager", start_date=old + dt.timedelta(days=380),
                          hours_per_week=20, wage_type="ordinary")  # after 12 months: not counted
    out = selectors.outcomes(user=user(ips["js1"]), scope="mine")
    cell = out.cells[0]
    assert (cell.numerator, cell.denominator) == (3, 6) and cell.share == 0.5
