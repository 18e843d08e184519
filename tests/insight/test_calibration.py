"""Calibration lab: building a round, answering it anonymously with a receipt, results only after
the round is sealed, offices under five hidden (with a complement), bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.core.models import AuditEntry, Role
from skreddersy.insight.calibration import selectors, services
from skreddersy.insight.calibration.vignettes import DEMO_VIGNETTES
from skreddersy.insight.models import CalibrationAnswerSet, CalibrationInvitation, Vignette
from tests import factories as f


@pytest.fixture
def lab(db):
    county = f.county("46")
    a, b, c = f.office(county, name="Nav A"), f.office(county, name="Nav B"), f.office(county, name="Nav C")
    people = {
        "a": a,
        "b": b,
        "c": c,
        "analyst": f.staff(Role.ANALYST),
        "leader_a": f.staff(Role.OFFICE_LEADER, offices=[a]),
        "leader_c": f.staff(Role.OFFICE_LEADER, offices=[c]),
        "ca": [f.staff(Role.COUNSELLOR, offices=[a]) for _ in range(6)],
        "cb": [f.staff(Role.COUNSELLOR, offices=[b]) for _ in range(6)],
        "cc": [f.staff(Role.COUNSELLOR, offices=[c]) for _ in range(2)],
    }
    now = clock.now()
    people["round"] = services.create_round(
        user=people["analyst"].user,
        title="Runde",
        office_ids=[a.pk, b.pk, c.pk],
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        vignettes=DEMO_VIGNETTES,
    )
    return people


def answers_for(rnd, need_group="SITUASJONSBESTEMT_INNSATS"):
    return {
        str(v.pk): {
            "need_group": need_group,
            "main_goal": "SKAFFE_ARBEID",
            "requirement": "none",
            "measure_type": "none",
        }
        for v in Vignette.objects.filter(round=rnd)
    }


def test_answers_are_anonymous_and_the_receipt_shows_them(lab):
    rnd = lab["round"]
    me = lab["ca"][0]
    before = set(AuditEntry.objects.values_list("id", flat=True))
    receipt = services.submit_answers(user=me.user, round_id=rnd.pk, answers=answers_for(rnd))
    stored = CalibrationAnswerSet.objects.get(round=rnd)
    # nothing on the answer set leads to the person or the invitation; the receipt is not stored
    fields = {fld.name for fld in CalibrationAnswerSet._meta.get_fields()}
    assert fields == {"id", "round", "office", "received_on", "receipt_hash", "answers"}
    assert receipt not in str(stored.__dict__) and stored.receipt_hash != receipt
    assert isinstance(stored.received_on, dt.date) and not isinstance(stored.received_on, dt.datetime)
    assert not {fld.name for fld in CalibrationInvitation._meta.get_fields()} & {
        "answer",
        "receipt_hash",
        "answered_at",
    }
    new = AuditEntry.objects.exclude(id__in=before)
    assert all(e.actor_id is None and e.object_id is None for e in new)
    assert all(e.at.hour == 0 or e.at.minute == 0 for e in new)  # day only (start of day)
    # only the receipt leads back to the answers; before the round closes no distribution
    mine = selectors.receipt(receipt)
    assert mine["released"] is False and mine["rows"][0]["items"][0]["own"] == "Situasjonsbestemt innsats"
    with pytest.raises(Conflict):
        services.submit_answers(user=me.user, round_id=rnd.pk, answers=answers_for(rnd))


def test_results_only_after_sealing_and_offices_under_five_hidden_with_a_complement(lab):
    rnd = lab["round"]
    for s in lab["ca"] + lab["cb"][:5]:
        services.submit_answers(user=s.user, round_id=rnd.pk, answers=answers_for(rnd))
    receipts = [
        services.submit_answers(user=s.user, round_id=rnd.pk, answers=answers_for(rnd, "STANDARD_INNSATS"))
        for s in lab["cc"]
    ]
    with pytest.raises(InvalidInput, match="stengt"):
        selectors.results(lab["analyst"].user, rnd.pk)
    services.close_round(user=lab["analyst"].user, round_id=rnd.pk)
    res = selectors.results(lab["analyst"].user, rnd.pk, bootstrap=200)
    assert res.respondents == 13
    shown = {o["office"].pk: o["n"] for o in res.offices}
    # office C has 2: hidden; a second office is hidden so the round total minus the other cannot give C
    assert shown[lab["c"].pk] is None and sum(n is None for n in shown.values()) == 2
    with pytest.raises(InvalidInput, match="Færre enn 5"):
        selectors.results(lab["analyst"].user, rnd.pk, office_id=lab["c"].pk)
    ng = next(q for q in res.questions if q.key == "need_group")
    assert ng.level == "ordinal" and ng.result.cases == 8 and ng.result.raters == 13
    # the reference need group is set on 7 of 8 vignettes
    assert sum(c.reference is not None for c in ng.result.per_case) == 7
    # a leader of office C sees the round but not office C's own figures
    with pytest.raises(InvalidInput):
        selectors.results(lab["leader_c"].user, rnd.pk, office_id=lab["c"].pk)
    with pytest.raises(AccessDenied):
        selectors.results(lab["leader_c"].user, rnd.pk, office_id=lab["a"].pk)
    # the receipt now shows the holder's answer against the distribution: 2 of 13 chose standard
    mine = selectors.receipt(receipts[0])
    assert mine["released"] is True
    first = mine["rows"][0]["items"][0]
    assert first["own"] == "Standard innsats" and first["same_share"] == pytest.approx(100 * 2 / 13)


def test_fewer_than_two_answers_per_vignette_gives_a_message(lab):
    rnd = lab["round"]
    services.submit_answers(user=lab["ca"][0].user, round_id=rnd.pk, answers=answers_for(rnd))
    services.close_round(user=lab["analyst"].user, round_id=rnd.pk)
    with pytest.raises(InvalidInput):
        selectors.results(lab["analyst"].user, rnd.pk)


def test_bad_rounds_and_answers_are_refused_with_a_reason(lab):
    now = clock.now()
    with pytest.raises(InvalidInput, match="Kasus 1"):
        services.create_round(
            user=lab["analyst"].user,
            title="X",
            office_ids=[lab["a"].pk],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            vignettes=[{"title": "", "situation": "s"}],
        )
    with pytest.raises(InvalidInput, match="need_group"):
        services.create_round(
            user=lab["analyst"].user,
            title="X",
            office_ids=[lab["a"].pk],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            vignettes=[{"title": "t", "situation": "s", "reference": {"need_group": "GRUPPE_X"}}],
        )
    with pytest.raises(AccessDenied):
        services.create_round(
            user=lab["ca"][0].user,
            title="X",
            office_ids=[lab["a"].pk],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            vignettes=DEMO_VIGNETTES,
        )
    with pytest.raises(AccessDenied):
        services.create_round(
            user=lab["leader_a"].user,
            title="X",
            office_ids=[lab["b"].pk],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            vignettes=DEMO_VIGNETTES,
        )
    rnd = lab["round"]
    partial = answers_for(rnd)
    first = next(iter(partial))
    partial[first]["need_group"] = ""
    with pytest.raises(InvalidInput) as exc:
        services.submit_answers(user=lab["ca"][1].user, round_id=rnd.pk, answers=partial)
    assert f"v{first}_need_group" in exc.value.errors
    assert not CalibrationAnswerSet.objects.exists()
    assert not CalibrationInvitation.objects.filter(used=True).exists()


def test_pages(lab, client):
    rnd = lab["round"]
    me = lab["ca"][0]
    client.force_login(me.user)
    r = client.get(f"/innsikt/kalibrering/{rnd.pk}/svar/")
    assert r.status_code == 200 and DEMO_VIGNETTES[0]["title"] in r.content.decode()
    post = {f"v{vid}_{k}": v for vid, a in answers_for(rnd).items() for k, v in a.items()}
    r = client.post(f"/innsikt/kalibrering/{rnd.pk}/svar/", post)
    # the receipt code page is kept by no cache (other directives may stand beside no-store)
    assert r.status_code == 200 and "no-store" in {d.strip() for d in r["Cache-Control"].split(",")}
    code = r.context["code"]
    assert code in r.content.decode()
    r = client.post("/innsikt/kalibrering/kvittering/", {"receipt": code})
    assert r.status_code == 200 and "Situasjonsbestemt innsats" in r.content.decode()
    r = client.post("/innsikt/kalibrering/kvittering/", {"receipt": "feil"})
    assert r.status_code == 404
    client.force_login(lab["analyst"].user)
    r = client.get(f"/innsikt/kalibrering/{rnd.pk}/")
    assert r.status_code == 422 and "stengt" in r.content.decode()
    r = client.get(f"/api/v1/innsikt/kalibrering/{rnd.pk}/resultater")
    assert r.status_code == 422


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_stored_at_sealing_give_the_results_the_answer_sets_give(lab, seed):
    """Results read the counts written when the round was sealed; they are the answer sets'
    counts: the agreement computed here from the answer sets themselves is the same, for the round
    and for an office, and so is a round sealed before counts were stored (counted on the fly,
    then written by the nightly task)."""
    import random

    import numpy as np

    from skreddersy.insight.analysis import agreement
    from skreddersy.insight.calibration import questions
    from skreddersy.insight.models import CalibrationAnswerSet, CalibrationRound

    rnd, rng = lab["round"], random.Random(seed)
    qs = questions.questions()
    for s in lab["ca"] + lab["cb"] + lab["cc"]:
        answers = {
            str(v.pk): {q["key"]: rng.choice(q["choices"][:3])[0] for q in qs}
            for v in Vignette.objects.filter(round=rnd)
        }
        services.submit_answers(user=s.user, round_id=rnd.pk, answers=answers)
    services.close_round(user=lab["analyst"].user, round_id=rnd.pk)
    rnd.refresh_from_db()
    assert rnd.tally is not None

    def expected(office_id=None):
        sets = CalibrationAnswerSet.objects.filter(round=rnd)
        if office_id:
            sets = sets.filter(office_id=office_id)
        vignettes = list(Vignette.objects.filter(round=rnd))
        out = {}
        for q in qs:
            cats = [c for c, _l in q["choices"]]
            m = np.zeros((len(vignettes), len(cats)))
            for a in sets.values_list("answers", flat=True):
                for i, v in enumerate(vignettes):
                    m[i, cats.index(a[str(v.pk)][q["key"]])] += 1
            r = agreement.agreement(m, level=q["level"], categories=cats, bootstrap=0)
            out[q["key"]] = (r.kappa, r.alpha, [c.counts for c in r.per_case])
        return out

    def got(office_id=None):
        res = selectors.results(lab["analyst"].user, rnd.pk, office_id=office_id, bootstrap=0)
        return {q.key: (q.result.kappa, q.result.alpha, [c.counts for c in q.result.per_case]) for q in res.questions}

    def same(a, b):
        assert a.keys() == b.keys()
        for k in a:
            assert a[k][0] == pytest.approx(b[k][0], nan_ok=True) and a[k][1] == pytest.approx(b[k][1], nan_ok=True)
            assert [list(map(int, c)) for c in a[k][2]] == [list(map(int, c)) for c in b[k][2]]

    same(got(), expected())
    res = selectors.results(lab["analyst"].user, rnd.pk, bootstrap=0)
    shown = [o["office"].pk for o in res.offices if o["n"] is not None]
    assert len(shown) == 1  # C (2 answers) and a complement are hidden
    same(got(shown[0]), expected(shown[0]))
    CalibrationRound.objects.filter(pk=rnd.pk).update(tally=None)  # sealed before counts were stored
    same(got(), expected())
    services.seal_due_rounds()
    rnd.refresh_from_db()
    assert rnd.tally is not None
    same(got(shown[0]), expected(shown[0]))
