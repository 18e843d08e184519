"""Item bank from the reference (verbatim), analyst edits, surveys and waves, reports and PDF."""

import datetime as dt

import pytest

from skreddersy.core import clock, reference
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.insight import services
from skreddersy.insight.models import IndexDefinition, Invitation, Item

from .conftest import close


def test_item_bank_is_verbatim_and_idempotent(bank):
    ref = reference.instruments()
    for inst in ref["instruments"]:
        for it in inst["items"]:
            item = Item.objects.get(key=it["key"])
            assert item.text == it["text"]
            assert item.reverse == bool(it.get("reverse"))
    workload = IndexDefinition.objects.get(key="workload")
    assert sorted(workload.items.values_list("key", flat=True)) == ["dcsq_conflict", "dcsq_load", "dcsq_time"]
    assert workload.published_alpha == 0.718 and workload.min_answered == 2
    assert Item.objects.get(key="dcsq_time").scale.labels["0"] == "Aldri/nesten aldri"
    before = Item.objects.count()
    services.load_item_bank(user=None)
    assert Item.objects.count() == before


def test_analyst_edits_an_item_others_cannot(bank, people, client):
    item = Item.objects.get(key="know_measures")
    services.update_item(user=people["analyst"].user, item=item, text="Ny ordlyd her", reverse=False)
    assert Item.objects.get(key="know_measures").text == "Ny ordlyd her"
    with pytest.raises(AccessDenied):
        services.update_item(user=people["leader_a"].user, item=item, text="x y z", reverse=True)
    with pytest.raises(InvalidInput):
        services.update_item(user=people["analyst"].user, item=item, text="", reverse=True)
    client.force_login(people["analyst"].user)
    resp = client.post("/innsikt/pastander/know_measures/", {"text": "Tredje ordlyd", "note": ""})
    assert resp.status_code == 302
    client.force_login(people["leader_a"].user)
    assert client.get("/innsikt/pastander/know_measures/").status_code == 403
    assert client.get("/innsikt/pastander/").status_code == 200


def test_wave_invites_each_staff_member_once(survey, people):
    now = clock.now()
    wave = services.open_wave(user=people["analyst"].user, survey=survey, label="R",
                              office_ids=[people["a"].pk, people["b"].pk], opens_at=now, closes_at=now + dt.timedelta(days=2))
    assert Invitation.objects.filter(wave=wave).count() == 7 + 4  # office A: 6 + leader; B: 3 + leader
    with pytest.raises(InvalidInput, match="stenge etter"):
        services.open_wave(user=people["analyst"].user, survey=survey, label="R", office_ids=[people["a"].pk],
                           opens_at=now, closes_at=now)
    with pytest.raises(AccessDenied):
        services.open_wave(user=people["leader_a"].user, survey=survey, label="R", office_ids=[people["a"].pk],
                           opens_at=now, closes_at=now + dt.timedelta(days=1))


def test_survey_and_wave_pages(client, bank, people):
    client.force_login(people["analyst"].user)
    resp = client.post("/innsikt/undersokelse/ny/", {"name": "Test", "items": ["ind_tailored", "know_measures"],
                                                      "background": ["employer"]})
    assert resp.status_code == 302
    survey_id = int(resp.url.rstrip("/").split("/")[-2])
    resp = client.post(f"/innsikt/undersokelse/{survey_id}/ny-runde/", {
        "label": "Vår", "offices": [people["a"].pk], "opens_at": "2026-01-01T08:00", "closes_at": "2026-01-02T08:00"})
    assert resp.status_code == 302
    resp = client.post("/innsikt/undersokelse/ny/", {"name": "", "items": []})
    assert resp.status_code == 200 and "app-error" in resp.content.decode()


def test_analyst_report_html_pdf_and_results(client, wave, people, filler):
    filler(wave, people["a"], 40)
    filler(wave, people["b"], 25, seed=3)
    client.force_login(people["analyst"].user)
    html = client.get(f"/innsikt/runde/{wave.pk}/").content.decode()
    for text in ("Svarfordeling", "Hierarkisk regresjon", "Flernivåmodell", "Cronbachs alpha", "Kontor sammenlignet",
                 "Statlig og kommunalt"):
        assert text in html, text
    assert html.count("<svg") >= 3
    pdf = client.get(f"/innsikt/runde/{wave.pk}/rapport.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    csv = client.get(f"/innsikt/runde/{wave.pk}/resultater.csv").content.decode("utf-8-sig")
    assert "regresjon" in csv and "adj_r2" in csv
    sav = client.get(f"/innsikt/runde/{wave.pk}/resultater.sav")
    assert sav.status_code == 200 and len(sav.content) > 100


def test_replication_page(client, people):
    client.force_login(people["analyst"].user)
    html = client.get("/innsikt/replikasjon/terum-sadeghi-2021/").content.decode()
    assert "Del a" in html and "Del b" in html and "feil fortegn" in html and "<svg" in html
    client.force_login(people["counsellors_a"][0].user)
    assert client.get("/innsikt/replikasjon/terum-sadeghi-2021/").status_code == 403


def test_analyst_edits_an_index(bank, people):
    index = IndexDefinition.objects.get(key="workload")
    services.update_index(user=people["analyst"].user, index=index, label="Arbeidsbelastning (DCSQ)",
                          item_keys=["dcsq_time", "dcsq_load"], min_answered=2)
    assert sorted(index.items.values_list("key", flat=True)) == ["dcsq_load", "dcsq_time"]
    with pytest.raises(InvalidInput, match="mellom 1 og 2"):
        services.update_index(user=people["analyst"].user, index=index, label="x", item_keys=["dcsq_time", "dcsq_load"],
                              min_answered=3)
    with pytest.raises(InvalidInput, match="samme svarskala"):
        services.update_index(user=people["analyst"].user, index=index, label="x",
                              item_keys=["dcsq_time", "know_measures"], min_answered=1)


def test_wave_to_wave_comparison_in_the_report(client, survey, wave, people, filler):
    filler(wave, people["a"], 20)
    services.close_wave(user=people["analyst"].user, wave=wave)
    now = clock.now()
    later = services.open_wave(user=people["analyst"].user, survey=survey, label="Våren", office_ids=[people["a"].pk],
                               opens_at=now + dt.timedelta(seconds=1), closes_at=now + dt.timedelta(days=5))
    filler(later, people["a"], 20, seed=4)
    close(later)  # a leader sees an office's results once the wave has closed
    client.force_login(people["leader_a"].user)
    html = client.get(f"/innsikt/runde/{later.pk}/").content.decode()
    assert "Endring fra forrige runde" in html


def test_analyst_edits_an_index_over_the_api(client, bank, people):
    url = "/api/v1/innsikt/indekser/workload"
    body = {"label": "Arbeidsbelastning (DCSQ)", "items": ["dcsq_time", "dcsq_load"], "min_answered": 2}
    client.force_login(people["leader_a"].user)
    assert client.put(url, body, content_type="application/json").status_code == 403
    client.force_login(people["analyst"].user)
    r = client.put(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"key": "workload", "label": "Arbeidsbelastning (DCSQ)",
                                                 "items": ["dcsq_load", "dcsq_time"], "min_answered": 2}
    r = client.put(url, {**body, "min_answered": 3}, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "min_answered"
    assert client.put("/api/v1/innsikt/indekser/finnes-ikke", body, content_type="application/json").status_code == 404
    assert sorted(IndexDefinition.objects.get(key="workload").items.values_list("key", flat=True)) == ["dcsq_load", "dcsq_time"]
