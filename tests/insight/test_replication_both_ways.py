"""The replication both ways (appendix matrix as printed and as corrected), its .sav with every
label and measurement level, and the page computed once until its inputs change."""

from __future__ import annotations

import pyreadstat
import pytest
from django.core.management import call_command
from django.urls import reverse

from skreddersy.insight import replication

LIKERT = ["ind_tailored", "dcsq_time", "dcsq_conflict", "dcsq_load", "pm_fill_slots", "pm_slot_access",
          "know_measures", "req_effective"]


@pytest.fixture(scope="module")
def both():
    return replication.cached(seed=2021), replication.cached(seed=2021, matrix="corrected")


def test_corrected_matrix_gives_data_with_the_corrected_sign(both):
    printed, corrected = both
    mp = printed.misprint
    assert mp is not None
    a, b = mp["a"], mp["b"]
    assert printed.synthetic.achieved.loc[a, b] * mp["printed"] > 0
    assert corrected.synthetic.achieved.loc[a, b] * mp["printed"] < 0
    assert corrected.matrix == "corrected" and printed.matrix == "printed"
    # Table 2's coefficients are reproduced better from data built on the corrected matrix
    flagged_t2 = [len([r for r in rep.flagged if r.part == "b" and r.section.startswith("Tabell 2")]) for rep in both]
    assert flagged_t2[1] < flagged_t2[0]


def test_cache_reuses_until_inputs_change(both):
    assert replication.cached(seed=2021) is both[0]
    assert replication.inputs_key(2021) != replication.inputs_key(2022)


def test_replication_page_shows_both(client, people, both):
    client.force_login(people["analyst"].user)
    r = client.get(reverse("insight_replication"))
    assert r.status_code == 200
    assert reverse("insight_replication_corrected") in r.content.decode()  # loaded after the page shows
    frag = client.get(reverse("insight_replication_corrected"))
    assert frag.status_code == 200
    assert "Del b med den korrigerte matrisen" in frag.content.decode()
    assert frag.context["corrected"] is both[1]


def test_sav_from_replicate_command_has_every_label_and_level(tmp_path, both):
    path = tmp_path / "x.sav"
    call_command("replicate", "terum-sadeghi-2021", "--data", str(path))
    df, meta = pyreadstat.read_sav(str(path))
    labels = meta.column_names_to_labels
    assert all(labels.get(c) and labels[c] != c for c in df.columns), [c for c in df.columns if labels.get(c) in (None, c)]
    vl = meta.variable_value_labels
    for col in [*LIKERT, "gender", "office_size", "employer", "caseload"]:
        assert vl.get(col), col
    measure = meta.variable_measure
    assert measure["gender"] == "nominal" and measure["employer"] == "nominal" and measure["office"] == "nominal"
    assert all(measure[c] == "ordinal" for c in LIKERT)
    assert measure["office_size"] == "ordinal" and measure["caseload"] == "ordinal"
    assert measure["age"] == "scale" and measure["workload"] == "scale"
