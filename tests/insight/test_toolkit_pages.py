"""Toolkit pages and API: the calculator, the table checker, a wave's representativeness and
weights; who may use them; bad input named, no number shown; small cells never exported."""

from __future__ import annotations

import io

import pandas as pd
import pyreadstat
import pytest
from django.urls import reverse

from skreddersy.core.models import AuditEntry

CALC = "insight_toolkit_calculator"
CHECK = "insight_toolkit_checker"


@pytest.fixture
def analyst_client(client, people):
    client.force_login(people["analyst"].user)
    return client


def test_calculator_shows_welch_with_rounding_range(analyst_client):
    r = analyst_client.post(reverse(CALC), {"test": "welch", "mean1": "3,2", "sd1": "1,1", "n1": "60", "mean2": "2,8",
                                            "sd2": "1,3", "n2": "62", "decimals": "1"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Welchs t" in html and "Avrundet til 1 desimaler" in html


@pytest.mark.parametrize("data,field", [
    ({"test": "welch", "mean1": "3", "sd1": "-1", "n1": "10", "mean2": "2", "sd2": "1", "n2": "10"}, "sd1"),
    ({"test": "proportions", "p1": "1,2", "n1": "10", "p2": "0,5", "n2": "10"}, "p1"),
    ({"test": "chi2", "table": "1 2\n3 4", "n": "11"}, "n"),
])
def test_calculator_bad_input_names_the_field_and_shows_no_number(analyst_client, data, field):
    r = analyst_client.post(reverse(CALC), data)
    assert r.status_code == 422
    form = r.context["form"]
    assert field in form.errors
    assert r.context["results"] is None


def test_calculator_reads_a_pasted_table(analyst_client):
    from scipy import stats

    r = analyst_client.post(reverse(CALC), {"test": "student", "groups_table": "Statlig 3,21 1,02 61\nKommunal 2,80 0,98 61"})
    assert r.status_code == 200
    res = r.context["results"][0]
    ref = stats.ttest_ind_from_stats(3.21, 1.02, 61, 2.80, 0.98, 61, equal_var=True)
    assert res.statistic == pytest.approx(ref.statistic)
    three = analyst_client.post(reverse(CALC), {"test": "welch", "groups_table": "a 1 1 10\nb 2 1 10\nc 3 1 10"})
    assert three.context["results"][0].test == "anova"
    bad = analyst_client.post(reverse(CALC), {"test": "welch", "groups_table": "a 1 1 10\nb to 1 10"})
    assert bad.status_code == 422 and "Linje 2" in str(bad.context["form"].errors["groups_table"])


def test_calculator_exports_csv_and_sav(analyst_client):
    data = {"test": "chi2", "table": "20 30\n35 15"}
    csv = analyst_client.post(reverse(CALC), data | {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert {"Pearsons χ²", "Pearsons χ² med Yates' korreksjon"} <= set(frame["test"])
    sav = analyst_client.post(reverse(CALC), data | {"format": "sav"})
    path = io.BytesIO(sav.content)
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".sav") as fh:
        fh.write(path.getvalue())
        fh.flush()
        df, meta = pyreadstat.read_sav(fh.name)
    assert meta.column_names_to_labels["ci_low"].startswith("Nedre grense")


def test_checker_page_flags_a_wrong_p(analyst_client):
    r = analyst_client.post(reverse(CHECK), {"text": "t(45) = 2,10, p = ,041\nt(120) = 2.31, p = .01"})
    assert r.status_code == 200
    report = r.context["report"]
    assert [bool(x.flags) for x in report.results] == [False, True]


def test_checker_unreadable_text_names_the_line(analyst_client):
    r = analyst_client.post(reverse(CHECK), {"text": "Innledning\np = .03 og ingenting annet"})
    assert r.status_code == 422
    assert "Linje 2" in str(r.context["form"].errors["text"])


def test_counsellors_cannot_use_the_toolkit(client, people):
    client.force_login(people["counsellors_a"][0].user)
    assert client.get(reverse(CALC)).status_code == 403
    assert client.post("/api/v1/innsikt/verktoy/kontroll", {"text": "t(4) = 2.0, p = .1"},
                       content_type="application/json").status_code == 403


def test_api_calculator_and_checker(analyst_client):
    r = analyst_client.post("/api/v1/innsikt/verktoy/tester", {"test": "anova", "means": [2.1, 2.5, 2.9],
                                                                "sds": [1, 1.1, 0.9], "ns": [40, 50, 45], "decimals": 1},
                            content_type="application/json")
    assert r.status_code == 200
    res = r.json()["results"][0]
    assert res["statistic_name"] == "F" and res["rounding"]["statistic"][0] < res["statistic"]
    bad = analyst_client.post("/api/v1/innsikt/verktoy/tester", {"test": "anova", "means": [2.1, 2.5], "sds": [1, -1],
                                                                  "ns": [40, 50]}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "sds[2]"
    chk = analyst_client.post("/api/v1/innsikt/verktoy/kontroll", {"text": "F(3, 1373) = 27.1, p < .001"},
                              content_type="application/json")
    assert chk.json()["checked"] == 1 and chk.json()["flagged"] == 0


# --- a wave -------------------------------------------------------------------------------------

def test_representativeness_for_an_analyst(analyst_client, wave, people, filler):
    for s in people["counsellors_a"][:3]:
        s.employer = "municipal"
        s.save()
    filler(wave, people["a"], 30, seed=1)
    filler(wave, people["b"], 12, seed=2)
    r = analyst_client.get(reverse("insight_toolkit_representativeness", args=[wave.pk]))
    assert r.status_code == 200
    result = r.context["result"]
    assert result.n == 42
    assert {t.variable for t in result.tests} >= {"employer", "size_band", "county"}, result.notes
    employer = next(t for t in result.tests if t.variable == "employer")
    assert employer.reference_name == "invitert" and employer.p is not None
    assert AuditEntry.objects.filter(what="innsikt: representativitet").exists()


def test_leader_sees_only_own_office_and_no_weights(client, wave, people, filler):
    filler(wave, people["a"], 30, seed=1)
    filler(wave, people["b"], 12, seed=2)
    client.force_login(people["leader_a"].user)
    r = client.get(reverse("insight_toolkit_representativeness", args=[wave.pk]))
    assert r.status_code == 200
    assert r.context["result"].n == 30 and not r.context["can_weight"]
    api = client.post(f"/api/v1/innsikt/verktoy/runder/{wave.pk}/vekter", {"variables": ["employer"]},
                      content_type="application/json")
    assert api.status_code == 403


def test_weights_on_the_page_and_export_never_reveals_small_cells(analyst_client, wave, people, filler):
    filler(wave, people["a"], 30, seed=1)
    filler(wave, people["b"], 12, seed=2)
    query = "?variables=size_band&variables=employer&national=gender+woman+0,6%0Agender+man+0,4"
    r = analyst_client.get(reverse("insight_toolkit_representativeness", args=[wave.pk]) + query)
    assert r.status_code == 200, r.context["form"].errors
    rep = r.context["weighted"]
    assert rep is not None and rep.weights.max_margin_error < 1e-6
    exp = analyst_client.get(reverse("insight_toolkit_weights_export", args=[wave.pk, "csv"]) + query)
    frame = pd.read_csv(io.BytesIO(exp.content), encoding="utf-8-sig")
    assert len(frame) == 42
    cells = rep.weights.cell_sizes
    assert frame["weight"].isna().sum() == (cells < 5).sum()


def test_weights_for_gender_need_national_shares(analyst_client, wave, people, filler):
    filler(wave, people["a"], 30, seed=1)
    r = analyst_client.get(reverse("insight_toolkit_representativeness", args=[wave.pk]) + "?variables=gender")
    assert r.status_code == 422 and r.context["weighted"] is None
    assert "national" in r.context["form"].errors


def test_national_shares_that_do_not_add_up_are_refused(analyst_client, wave, people, filler):
    filler(wave, people["a"], 30, seed=1)
    r = analyst_client.get(reverse("insight_toolkit_representativeness", args=[wave.pk])
                           + "?variables=gender&national=gender+woman+0,6%0Agender+man+0,6")
    assert r.status_code == 422
    assert "summerer" in str(r.context["form"].errors["national"])


def test_representativeness_export_hides_small_groups(client, wave, people, filler):
    filler(wave, people["a"], 30, seed=1)
    filler(wave, people["b"], 12, seed=2)
    client.force_login(people["analyst"].user)
    r = client.get(reverse("insight_toolkit_representativeness_export", args=[wave.pk, "csv"]))
    assert r.status_code == 200
    frame = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")
    assert set(frame["variable"]) >= {"size_band", "county"}
    assert frame.loc[frame["hidden"] == 1, "respondents"].isna().all()
    assert (frame["respondents"].dropna() >= 5).all()
    sav = client.get(reverse("insight_toolkit_representativeness_export", args=[wave.pk, "sav"]))
    assert sav.status_code == 200 and sav.content[:4] == b"$FL2"


def test_calculator_tells_a_published_value_within_rounding_from_a_real_disagreement(analyst_client):
    base = {"test": "student", "mean1": "3,21", "sd1": "1,02", "n1": "61", "mean2": "2,80", "sd2": "0,98", "n2": "61",
            "decimals": "2"}
    inside = analyst_client.post(reverse(CALC), base | {"published": "2,25"})
    assert inside.context["verdicts"][0]["within"] is True
    outside = analyst_client.post(reverse(CALC), base | {"published": "2,9"})
    assert outside.context["verdicts"][0]["within"] is False
    assert "reell uoverensstemmelse" in outside.content.decode()


def test_leader_of_another_office_is_refused_a_wave(client, wave, people, filler):
    from tests import factories as f

    other = f.office(f.county("03"), name="Nav Gamma")
    leader = f.staff("office_leader", offices=[other])
    client.force_login(leader.user)
    r = client.get(reverse("insight_toolkit_representativeness", args=[wave.pk]))
    assert r.status_code == 403
    assert client.get(reverse("insight_toolkit_weights_export", args=[wave.pk, "csv"]) + "?variables=employer"
                      ).status_code == 403
