"""Export to SPSS .sav and back through pyreadstat with variable and value labels intact;
CSV export; re-import of an exported file."""

import io

import pandas as pd
import pyreadstat
import pytest

from skreddersy.insight import io as insight_io
from skreddersy.insight import selectors, services
from skreddersy.insight.io import export_table
from skreddersy.insight.models import Response


def test_sav_round_trip_keeps_data_and_labels(wave, people, filler, tmp_path):
    filler(wave, people["a"], 12)
    frame, ctx = selectors.respondent_data(people["analyst"].user, wave)
    labelled = export_table(wave, frame, ctx)
    content = insight_io.to_sav_bytes(labelled)
    path = tmp_path / "runde.sav"
    path.write_bytes(content)
    df, meta = pyreadstat.read_sav(str(path))
    assert len(df) == 12
    assert meta.column_names_to_labels["ind_tailored"] == (
        "Jeg velger aktivitetskrav som er nøye tilpasset behovet til den enkelte bruker.")
    assert meta.column_names_to_labels["employer"] == "Tilsettingsforhold (1 = statlig)"
    assert meta.variable_value_labels["ind_tailored"][0.0] == "Svært uenig"
    assert meta.variable_value_labels["ind_tailored"][4.0] == "Svært enig"
    assert meta.variable_value_labels["employer"] == {0.0: "Kommunalt tilsatt", 1.0: "Statlig tilsatt"}
    assert meta.variable_value_labels["caseload"][-1.0] == "Ingen"
    exported = labelled.frame.sort_values("respondent").reset_index(drop=True)
    back = df.sort_values("respondent").reset_index(drop=True)
    for col in ("ind_tailored", "dcsq_time", "workload", "employer", "age"):
        pd.testing.assert_series_equal(back[col].astype(float), exported[col].astype(float), check_names=False)
    assert list(back["respondent"]) == list(exported["respondent"])


def test_exported_file_imports_into_another_wave(wave, survey, people, filler):
    filler(wave, people["a"], 9)
    frame, ctx = selectors.respondent_data(people["analyst"].user, wave)
    labelled = export_table(wave, frame, ctx)
    table = labelled.frame.drop(columns=[c for c in ("performance_management", "workload", "office_size")
                                         if c in labelled.frame.columns])
    content = insight_io.to_sav_bytes(insight_io.Labelled(table, labelled.variable_labels, labelled.value_labels))
    import datetime as dt

    from skreddersy.core import clock
    other = services.open_wave(user=people["analyst"].user, survey=survey, label="Kopi", office_ids=[people["a"].pk],
                               opens_at=clock.now() - dt.timedelta(days=1), closes_at=clock.now() + dt.timedelta(days=1))
    n = services.import_file(user=people["analyst"].user, wave=other, content=content, filename="runde.sav")
    assert n == 9
    original = sorted(tuple(sorted(r.answers.items())) for r in Response.objects.filter(wave=wave))
    copied = sorted(tuple(sorted(r.answers.items())) for r in Response.objects.filter(wave=other))
    assert original == copied


def test_csv_export_has_a_header_and_utf8(wave, people, filler):
    filler(wave, people["a"], 6)
    frame, ctx = selectors.respondent_data(people["analyst"].user, wave)
    content = insight_io.to_csv_bytes(export_table(wave, frame, ctx).frame)
    df = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert {"respondent", "office", "ind_tailored", "workload"} <= set(df.columns)
    assert len(df) == 6


@pytest.mark.parametrize("fmt", ["csv", "sav"])
def test_export_views_for_analyst(client, wave, people, filler, fmt):
    filler(wave, people["a"], 6)
    client.force_login(people["analyst"].user)
    resp = client.get(f"/innsikt/runde/{wave.pk}/data.{fmt}")
    assert resp.status_code == 200
    assert resp["Content-Disposition"].endswith(f'.{fmt}"')
