"""Tailoring indicators (insight.tailoring) against a hand-built caseload with expected values,
the near-copy measure against hand-computed TF-IDF, and who sees what."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from skreddersy.clients.models import NeedAssessment, NeedsMapping
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AuditEntry, OfficeMembership, Role, Team
from skreddersy.followup.models import Activity, ActivityPlan, NeedsDecision
from skreddersy.insight.models import TailoringFigure
from skreddersy.insight.tailoring import engine, selectors, services, text
from skreddersy.measures import catalogue
from skreddersy.measures.models import MatchChoice, MeasureOffering, MeasureType, Provider, Referral
from tests import factories as f

M = dt.date(2026, 3, 1)


def at(day: int, hour: int = 12, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC))
    yield
    clock.freeze(None)


# --- near-copy wording -------------------------------------------------------------------------


def test_tfidf_matches_hand_computed_values():
    # "a b" and "a c": n = 2, idf(a) = ln(3/3) + 1 = 1, idf(b) = idf(c) = ln(3/2) + 1
    x, vocab = text.tfidf(["a b", "a c"])
    assert vocab == ["a", "b", "c"]
    idf_b = math.log(1.5) + 1
    norm = math.sqrt(1 + idf_b**2)
    assert x[0].tolist() == pytest.approx([1 / norm, idf_b / norm, 0])
    assert text.cosine_matrix(["a b", "a c"])[0, 1] == pytest.approx(1 / norm**2)  # 0.3361


def test_normalisation_and_the_twelve_month_window():
    assert text.normalise("Hvis du IKKE møter, kan AAP-en stanses!") == "hvis du ikke møter kan aap en stanses"
    base = "Hvis du ikke møter uten rimelig grunn, kan arbeidsavklaringspengene stanses."
    items = [
        (at(1, month=1), base),
        (at(5, month=1), base.upper().replace(",", "")),  # same words: a near copy
        (at(10, month=1), "Uten behandling vurderer vi saken på nytt sammen med fastlegen din."),
    ]
    assert text.near_copies(items) == [False, True, False]
    later = [(at(1, month=1), base), (dt.datetime(2027, 2, 1, tzinfo=dt.UTC), base)]  # 396 days apart
    assert text.near_copies(later) == [False, False]


# --- the hand-built caseload --------------------------------------------------------------------


@pytest.fixture
def caseload(db):
    """Office A (team "Ung") with counsellors c[0..4], office B (no team) with d[0..4], one county.
    c[0]'s March 2026, by hand:
      choices: ranks 1, 1, 2, 3; office expected the place filled for the 2nd and 3rd
      requirements: 3 (course: linked to mapped language need 2; job application: job search only 1;
                    treatment: not mapped); the 2nd's consequence is the 1st's reworded in case only
      plans: client X's plan (client added one) and client Y's plan (not)
      mappings: X's with the client's own view, Y's without
      approvals: two proposals approved after 48 h and 24 h
      referrals: Y referred 8 days after a decision moved Y from standard to specially adapted
                 to a measure open only to the latter (bent); X referred with no change (not)."""
    catalogue.import_types(catalogue.reference_rows())
    county = f.county("46")
    a, b = f.office(county, name="Nav A"), f.office(county, name="Nav B")
    team = Team.objects.create(office=a, name="Ung")
    c = [f.staff(Role.COUNSELLOR, offices=[a]) for _ in range(5)]
    OfficeMembership.objects.filter(office=a).update(team=team)
    d = [f.staff(Role.COUNSELLOR, offices=[b]) for _ in range(5)]
    leader_a = f.staff(Role.OFFICE_LEADER, offices=[a])
    leader_b = f.staff(Role.OFFICE_LEADER, offices=[b])
    analyst = f.staff(Role.ANALYST)
    provider = Provider.objects.create(name="Arrangør AS", org_number="999999999")
    mt = MeasureType.objects.get(code="ARBEIDSFORBEREDENDE_TRENING")
    mt.eligible_groups = ["SPESIELT_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"]
    mt.save()
    off = MeasureOffering.objects.create(
        measure_type=mt, provider=provider, title="AFT", county=county, municipality="X", start_date=M, capacity=50
    )
    off.offices.set([a, b])

    def choices(counsellor, client, ranks, fills, reasons):
        for i, (rank, fill, reason) in enumerate(zip(ranks, fills, reasons, strict=True)):
            MatchChoice.objects.create(
                client=client,
                offering=off,
                chosen_by=counsellor.user,
                chosen_at=at(3 + i),
                fit_rank=rank,
                fit_score=0.5,
                shown=[],
                reason=reason,
                office_expected_fill=fill,
            )

    def activity(
        client, plan, by, *, created, typ="own", requirement=False, consequence="", approved=None, role="counsellor"
    ):
        return Activity.objects.create(
            plan=plan,
            client=client,
            title="A",
            type=typ,
            created_by_role=role,
            created_by=by,
            created_at=created,
            client_approved_at=approved,
            is_requirement=requirement,
            legal_basis="ftrl. § 11-7" if requirement else "",
            consequence=consequence,
        )

    x, y = f.client(a, c[0]), f.client(a, c[0])
    x_plan, y_plan = ActivityPlan.objects.create(client=x), ActivityPlan.objects.create(client=y)
    choices(
        c[0],
        x,
        [1, 1, 2, 3],
        [False, True, True, False],
        ["", "", "Brukeren ønsker heller dette", "Plassene må fylles denne måneden"],
    )
    mx = NeedsMapping.objects.create(client=x, version=1, created_by=c[0].user, created_at=at(2))
    NeedAssessment.objects.create(mapping=mx, domain="language", counsellor_severity=2, client_severity=3)
    NeedAssessment.objects.create(mapping=mx, domain="job_search", counsellor_severity=1)
    my = NeedsMapping.objects.create(client=y, version=1, created_by=c[0].user, created_at=at(2))
    NeedAssessment.objects.create(mapping=my, domain="housing", counsellor_severity=3)
    conseq = "Hvis du ikke deltar uten rimelig grunn, kan stønaden din bli stanset."
    activity(x, x_plan, c[0].user, created=at(5), typ="course", requirement=True, consequence=conseq, approved=at(7))
    activity(x, x_plan, c[0].user, created=at(6), typ="job_application", requirement=True, consequence=conseq.upper())
    activity(
        x,
        x_plan,
        c[0].user,
        created=at(7),
        typ="treatment",
        requirement=True,
        consequence="Uten behandling vurderer vi saken på nytt sammen med fastlegen din.",
    )
    x_user = f.client_user(x)
    activity(x, x_plan, x_user, created=at(8), role="client")
    activity(y, y_plan, c[0].user, created=at(9), approved=at(10))
    NeedsDecision.objects.create(
        client=y,
        need_group="STANDARD_INNSATS",
        main_goal="SKAFFE_ARBEID",
        status="sent",
        drafted_by=c[0],
        sent_at=at(1, month=1),
    )
    NeedsDecision.objects.create(
        client=y,
        need_group="SPESIELT_TILPASSET_INNSATS",
        main_goal="SKAFFE_ARBEID",
        status="sent",
        drafted_by=c[0],
        sent_at=at(2),
    )
    Referral.objects.create(client=y, offering=off, office=a, status="waiting", created_by=c[0].user, created_at=at(10))
    Referral.objects.create(client=x, offering=off, office=a, status="waiting", created_by=c[0].user, created_at=at(11))
    # the other counsellors: one top-fit choice each (so the team and the offices have 5 counsellors)
    for s in c[1:] + d:
        z = f.client(s.memberships.first().office, s)
        choices(s, z, [1], [False], [""])
    return dict(a=a, b=b, team=team, c=c, d=d, county=county, leader_a=leader_a, leader_b=leader_b, analyst=analyst)


def _leaf(cells, family, staff_id):
    return next(
        x for x in cells if x.family == family and x.unit[0] == "counsellor" and x.unit[1] == staff_id and x.month == M
    )


def test_each_indicator_against_the_hand_computed_caseload(caseload):
    cells = services.compute(M, dt.date(2026, 4, 1))
    me = caseload["c"][0].pk
    ind = engine.INDICATOR_BY_KEY

    def val(key):
        i = ind[key]
        return engine.value(i, _leaf(cells, i.family, me).counts)

    assert val("fit_top") == pytest.approx(50.0)  # 2 of 4 at rank 1
    assert val("fit_mean_rank") == pytest.approx(1.75)  # (1 + 1 + 2 + 3) / 4
    assert val("fill_lower_expected") == pytest.approx(50.0)  # expected fill: ranks 1, 2
    assert val("fill_lower_not_expected") == pytest.approx(50.0)  # not expected: ranks 1, 3
    assert val("need_linked") == pytest.approx(100 / 3)  # only the course meets a need of severity 2
    assert val("near_copy") == pytest.approx(100 / 3)  # the second consequence copies the first
    assert val("plans_client_added") == pytest.approx(50.0)
    assert val("mappings_client_view") == pytest.approx(50.0)
    assert val("approval_days") == pytest.approx(1.5)  # (48 h + 24 h) / 2 = 36 h
    assert val("bending") == pytest.approx(50.0)
    reasons = _leaf(cells, "choices", me).counts
    assert reasons["reason_client_wish"] == 1 and reasons["reason_fill"] == 1
    # the office adds its counsellors up: 4 + 4 single top-fit choices
    office = next(x for x in cells if x.family == "choices" and x.unit == ("office", caseload["a"].pk))
    assert office.counts["n"] == 8 and office.counts["top"] == 6 and office.contributors == 5
    assert not office.hidden


def test_small_groups_are_hidden_with_complements_and_own_figures_never_published(caseload):
    cells = services.compute(M, dt.date(2026, 4, 1))
    by_unit = {(x.family, x.unit): x for x in cells if x.month == M}
    assert all(x.hidden for x in cells if x.unit[0] == "counsellor")
    # requirements come from one counsellor only: office A, its team, the county and the country
    # all rest on one person and are hidden
    for unit in [("office", caseload["a"].pk), ("team", caseload["a"].pk, caseload["team"].pk), ("national",)]:
        assert by_unit[("requirements", unit)].hidden


def test_counsellor_sees_own_figures_only(caseload):
    services.refresh_indicators(today=dt.date(2026, 4, 15))
    me = caseload["c"][0]
    rep = selectors.report(me.user, "mine", start="2026-03", end="2026-03")
    assert rep.own and rep.focal.cells[("fit_top", M)].value == pytest.approx(50.0)
    with pytest.raises(AccessDenied):
        selectors.report(me.user, "office", caseload["a"].pk, start="2026-03", end="2026-03")
    with pytest.raises(AccessDenied):
        selectors.report(me.user, "national", start="2026-03", end="2026-03")
    assert AuditEntry.objects.filter(actor=me.user, what="innsikt: skreddersømtall").exists()


def test_leader_sees_own_office_and_teams_analyst_sees_offices_and_up(caseload):
    services.refresh_indicators(today=dt.date(2026, 4, 15))
    rep = selectors.report(caseload["leader_a"].user, "office", caseload["a"].pk, start="2026-03", end="2026-03")
    assert [r.level for r in rep.rows] == ["office", "team"]
    assert rep.focal.cells[("fit_top", M)].value == pytest.approx(75.0)
    assert rep.focal.cells[("need_linked", M)].hidden  # one counsellor's requirements
    with pytest.raises(AccessDenied):
        selectors.report(caseload["leader_b"].user, "office", caseload["a"].pk)
    with pytest.raises(AccessDenied):
        selectors.report(caseload["leader_a"].user, "county", caseload["county"].pk)
    nat = selectors.report(caseload["analyst"].user, "national", start="2026-03", end="2026-03", by="office")
    assert [r.level for r in nat.rows] == ["national", "office", "office"]
    assert all(
        r.level != "team"
        for r in selectors.report(
            caseload["analyst"].user, "office", caseload["a"].pk, start="2026-03", end="2026-03"
        ).rows
    )


def test_empty_period_and_bad_months_give_a_message_and_no_number(caseload):
    services.refresh_indicators(today=dt.date(2026, 4, 15))
    with pytest.raises(InvalidInput, match="Ingen tall"):
        selectors.report(caseload["analyst"].user, "national", start="2025-06", end="2025-07")
    with pytest.raises(InvalidInput, match="ÅÅÅÅ-MM"):
        selectors.report(caseload["analyst"].user, "national", start="mars")
    with pytest.raises(InvalidInput, match="før"):
        selectors.report(caseload["analyst"].user, "national", start="2026-04", end="2026-03")


def test_a_group_under_five_gives_a_message_and_no_number(db):
    county = f.county("47")
    small = f.office(county, name="Nav Liten")
    leader = f.staff(Role.OFFICE_LEADER, offices=[small])
    counsellors = [f.staff(Role.COUNSELLOR, offices=[small]) for _ in range(3)]
    for s in counsellors:
        TailoringFigure.objects.create(
            month=M,
            family="plans",
            level="counsellor",
            staff=s,
            office=small,
            contributors=1,
            counts={"n": 9, "client_added": 2},
            hidden=True,
        )
    TailoringFigure.objects.create(
        month=M,
        family="plans",
        level="office",
        office=small,
        contributors=3,
        counts={"n": 27, "client_added": 6},
        hidden=True,
    )
    with pytest.raises(InvalidInput, match="færre enn 5"):
        selectors.report(leader.user, "office", small.pk, start="2026-03", end="2026-03")


def test_pages_exports_and_api(caseload, client):
    services.refresh_indicators(today=dt.date(2026, 4, 15))
    client.force_login(caseload["leader_a"].user)
    r = client.get(
        "/innsikt/skreddersom/", {"level": "office", "unit": caseload["a"].pk, "from": "2026-03", "to": "2026-03"}
    )
    assert r.status_code == 200 and "Valg med beste treff" in r.content.decode() and "<svg" in r.content.decode()
    r = client.get(
        "/innsikt/skreddersom/", {"level": "office", "unit": caseload["a"].pk, "from": "2030-01", "to": "2030-02"}
    )
    assert r.status_code == 422 and "Ingen tall" in r.content.decode()
    r = client.get(
        "/innsikt/skreddersom/tall.csv",
        {"level": "office", "unit": caseload["a"].pk, "from": "2026-03", "to": "2026-03"},
    )
    assert r.status_code == 200 and b"fit_top" in r.content
    r = client.get(
        "/innsikt/skreddersom/tall.sav",
        {"level": "office", "unit": caseload["a"].pk, "from": "2026-03", "to": "2026-03"},
    )
    assert r.status_code == 200 and r.content[:4] == b"$FL2"
    r = client.get(
        "/api/v1/innsikt/skreddersom/",
        {"level": "office", "unit": caseload["a"].pk, "start": "2026-03", "end": "2026-03"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["rows"][0]["months"]["fit_top"]["2026-03"] == {"numerator": 6, "denominator": 8, "value": 75.0}
    assert body["rows"][0]["months"]["need_linked"]["2026-03"] == {"hidden": True}
    r = client.get("/api/v1/innsikt/skreddersom/", {"level": "national"})
    assert r.status_code == 403
    r = client.get("/api/v1/innsikt/skreddersom/", {"level": "office", "unit": caseload["a"].pk, "start": "13-2026"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "from"


def test_beside_the_survey_office_table_and_the_model_on_operational_data(caseload, client):
    """Part 2: a closed wave's self-report next to operational figures, and the multilevel model."""
    from skreddersy.insight import services as survey_services
    from skreddersy.insight.models import Response

    survey_services.load_item_bank(user=None)
    survey = survey_services.create_survey(
        user=caseload["analyst"].user, name="U", item_keys=["ind_tailored"], background=["caseload"]
    )
    wave = survey_services.open_wave(
        user=caseload["analyst"].user,
        survey=survey,
        label="Vår",
        office_ids=[caseload["a"].pk, caseload["b"].pk],
        opens_at=at(1),
        closes_at=at(30),
    )
    for office, score in ((caseload["a"], 4), (caseload["b"], 2)):
        Response.objects.bulk_create(
            [Response(wave=wave, office=office, answers={"ind_tailored": score}, caseload="lt25") for _ in range(6)]
        )
    services.refresh_indicators(today=dt.date(2026, 4, 15))
    with pytest.raises(AccessDenied):
        selectors.beside_survey(caseload["leader_a"].user, wave.pk)
    res = selectors.beside_survey(caseload["analyst"].user, wave.pk)
    by = {o["office"].pk: o for o in res.offices}
    assert by[caseload["a"].pk]["self_report"] == pytest.approx(4.0)
    assert by[caseload["a"].pk]["figures"]["fit_top"].value == pytest.approx(75.0)
    # one counsellor with >= 5 choices is too few for a model: a message, no coefficients
    assert res.model is None and "minst 5 valg" in res.model_error
    client.force_login(caseload["analyst"].user)
    r = client.get(f"/innsikt/skreddersom/undersokelse/{wave.pk}/")
    assert r.status_code == 200 and "Selvrapportert" in r.content.decode()
    r = client.get(f"/api/v1/innsikt/skreddersom/undersokelse/{wave.pk}")
    assert r.status_code == 200 and r.json()["model"] is None


def test_the_model_finds_fill_pressure_when_it_is_there(caseload):
    """Leaf figures built so that best fit (%) = 90 - 0.16 x fill pressure (%) plus noise (fill_n of
    40 choices drawn 0-40, so 0.4 points per choice = 0.16 per percentage point): the multilevel
    model recovers the negative, significant coefficient."""
    import random

    from skreddersy.insight import services as survey_services
    from skreddersy.insight.models import Response

    rng = random.Random(3)
    offices = [f.office(caseload["county"], name=f"Nav M{i}") for i in range(6)]
    for o in offices:
        for _ in range(8):
            s = f.staff(Role.COUNSELLOR, offices=[o])
            fill = rng.randint(0, 40)
            n = 40
            top = round(n * (0.9 - 0.004 * fill) + rng.uniform(-1.5, 1.5))
            TailoringFigure.objects.create(
                month=M,
                family="choices",
                level="counsellor",
                staff=s,
                office=o,
                contributors=1,
                counts={"n": n, "top": top, "fill_n": fill},
                hidden=True,
            )
    survey_services.load_item_bank(user=None)
    survey = survey_services.create_survey(
        user=caseload["analyst"].user, name="U", item_keys=["ind_tailored"], background=["caseload"]
    )
    wave = survey_services.open_wave(
        user=caseload["analyst"].user,
        survey=survey,
        label="Vår",
        office_ids=[o.pk for o in offices],
        opens_at=at(1),
        closes_at=at(30),
    )
    Response.objects.bulk_create(
        [Response(wave=wave, office=o, answers={"ind_tailored": 3}) for o in offices for _ in range(5)]
    )
    res = selectors.beside_survey(caseload["analyst"].user, wave.pk)
    assert res.model is not None and res.model.n == 48
    row = res.model.fixed.iloc[1]
    assert row["B"] == pytest.approx(-0.16, abs=0.04) and row["p"] < 0.001
