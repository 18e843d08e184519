"""Importing responses from CSV or .sav: bad files name row and column, nothing is half-imported."""

import pytest

from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.insight import services
from skreddersy.insight.models import ImportBatch, Response

HEADER = "respondent,office,ind_tailored,pm_fill_slots,pm_slot_access,dcsq_time,dcsq_conflict,dcsq_load,know_measures,req_effective,employer,caseload,age\n"


def _csv(office, rows):
    return (HEADER + "".join(f"{ref},{office.number},{vals}\n" for ref, vals in rows)).encode()


GOOD = "3,1,2,1,2,2,3,2,1,2,45"


def _import(people, wave, content, name="svar.csv"):
    return services.import_file(user=people["analyst"].user, wave=wave, content=content, filename=name)


def test_good_csv_is_imported(wave, people):
    n = _import(people, wave, _csv(people["a"], [("p1", GOOD), ("p2", "4,0,1,0,1,1,4,3,0,0,33"), ("p3", GOOD.replace("3,1,2", ",1,2", 1))]))
    assert n == 3
    r = Response.objects.get(wave=wave, external_ref="p1")
    assert r.answers["ind_tailored"] == 3 and r.employer == "state" and r.caseload == "51_75" and r.age == 45
    assert r.age_band == "40_49" and r.source == "import"
    assert "ind_tailored" not in Response.objects.get(external_ref="p3").answers  # empty cell = not answered


@pytest.mark.parametrize("content, message", [
    (b"office,ind_tailored\n0001,3\n", "Kolonnen respondent mangler"),
    (HEADER.replace("req_effective", "favourite_colour").encode() + b"p1,X,3\n", "Ukjent kolonne: favourite_colour"),
    (None, "Rad 2, kolonne dcsq_load: 7 er utenfor skalaen 0-3"),
    ("dup", "Rad 3, kolonne respondent: respondenten p1 finnes også i rad 1"),
    ("text", "Rad 1, kolonne know_measures: «mye» er ikke et tall"),
    ("office", "Rad 2, kolonne office: 9999 er ikke et kontor i denne runden"),
    ("code", "Rad 1, kolonne employer: 5 er ikke en gyldig kode"),
])
def test_bad_imports_name_row_and_column_and_import_nothing(wave, people, content, message):
    office = people["a"]
    if content is None:
        content = _csv(office, [("p1", GOOD), ("p2", "3,1,2,1,2,7,3,2,1,2,45")])
    elif content == "dup":
        content = _csv(office, [("p1", GOOD), ("p2", GOOD), ("p1", GOOD)])
    elif content == "text":
        content = _csv(office, [("p1", "3,1,2,1,2,2,mye,2,1,2,45")])
    elif content == "office":
        content = _csv(office, [("p1", GOOD)]) + b"p2,9999," + GOOD.encode() + b"\n"
    elif content == "code":
        content = _csv(office, [("p1", "3,1,2,1,2,2,3,2,5,2,45")])
    with pytest.raises(InvalidInput) as exc:
        _import(people, wave, content)
    assert message in exc.value.message
    assert Response.objects.filter(wave=wave).count() == 0
    assert ImportBatch.objects.count() == 0


def test_respondent_already_imported_is_a_duplicate(wave, people):
    _import(people, wave, _csv(people["a"], [("p1", GOOD)]))
    with pytest.raises(InvalidInput, match="Rad 2, kolonne respondent: respondenten p1 er allerede importert"):
        _import(people, wave, _csv(people["a"], [("p9", GOOD), ("p1", GOOD)]))
    assert Response.objects.filter(wave=wave).count() == 1


def test_unreadable_and_wrong_type_files(wave, people):
    with pytest.raises(InvalidInput, match="CSV-fil"):
        _import(people, wave, b"x", name="svar.xlsx")
    with pytest.raises(InvalidInput, match="SPSS-filen kan ikke leses"):
        _import(people, wave, b"not a sav file", name="svar.sav")
    with pytest.raises(InvalidInput, match="UTF-8"):
        _import(people, wave, "respondent;office\nå;1\n".encode("latin-1"), name="svar.csv")


def test_only_analysts_import(wave, people):
    with pytest.raises(AccessDenied):
        services.import_file(user=people["leader_a"].user, wave=wave, content=_csv(people["a"], [("p1", GOOD)]),
                             filename="svar.csv")


def test_import_view_shows_the_error(client, wave, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["analyst"].user)
    bad = SimpleUploadedFile("svar.csv", _csv(people["a"], [("p1", "3,1,2,1,2,9,3,2,1,2,45")]), content_type="text/csv")
    resp = client.post(f"/innsikt/runde/{wave.pk}/import/", {"file": bad})
    assert resp.status_code == 422
    assert "Rad 1, kolonne dcsq_load" in resp.content.decode()
    good = SimpleUploadedFile("svar.csv", _csv(people["a"], [("p1", GOOD)]), content_type="text/csv")
    resp = client.post(f"/innsikt/runde/{wave.pk}/import/", {"file": good})
    assert resp.status_code == 302
