"""The measure-type catalogue: seeded from the shared reference, editable by an administrator,
and imported all-or-nothing with the bad row and field named."""

import json

import pytest
from django.core.management import CommandError, call_command

from skreddersy.core import reference
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.measures import services
from skreddersy.measures.models import MeasureType
from tests import factories as f


def good_row(**over):
    row = {"code": "NYTT_TILTAK", "name_no": "Nytt tiltak", "eligible_groups": ["STANDARD_INNSATS"], "addresses": ["job_search"]}
    row.update(over)
    return row


@pytest.fixture
def admin(db):
    return f.staff("administrator").user


def test_reference_catalogue_imports_every_type_with_groups_and_domains(admin):
    counts = services.import_catalogue(user=admin, data={"types": reference.measure_types()})
    assert counts["created"] == len(reference.measure_types())
    ips = MeasureType.objects.get(code="INDIVIDUELL_JOBBSTOTTE")
    assert "mental_health" in ips.addresses and "STANDARD_INNSATS" not in ips.eligible_groups
    # importing again changes nothing
    assert services.import_catalogue(user=admin, data={"types": reference.measure_types()})["unchanged"] == len(reference.measure_types())
    assert AuditEntry.objects.filter(what="tiltakskatalog: import", action="write").count() == 2


@pytest.mark.parametrize("row, field, words", [
    (good_row(eligible_groups=["GOD_INNSATS"]), "types[1].eligible_groups", "Ukjent innsatsgruppe: GOD_INNSATS"),
    (good_row(addresses=["weather"]), "types[1].addresses", "Ukjent behovsområde: weather"),
    ({k: v for k, v in good_row().items() if k != "name_no"}, "types[1].name_no", "mangler"),
    (good_row(typical_weeks=-3), "types[1].typical_weeks", "helt tall"),
    (good_row(typical_weeks="ti"), "types[1].typical_weeks", "helt tall"),
    (good_row(code="has space"), "types[1].code", "bokstaver"),
    (good_row(colour="blue"), "types[1].colour", "Ukjent felt"),
    (good_row(min_age=40, max_age=20), "types[1].max_age", "lavere enn minstealder"),
    (good_row(code="FIRST"), "types[1].code", "finnes også i rad 0"),
    ("not an object", "types[1]", "objekt"),
])
def test_a_malformed_row_names_row_and_field_and_nothing_is_written(admin, row, field, words):
    data = {"types": [good_row(code="FIRST"), row]}
    with pytest.raises(InvalidInput) as exc:
        services.import_catalogue(user=admin, data=data)
    assert field in exc.value.errors
    assert words in exc.value.errors[field]
    assert field in exc.value.message
    assert not MeasureType.objects.exists()  # the good first row was not written either


def test_import_refuses_non_administrators(db):
    counsellor = f.staff("counsellor").user
    with pytest.raises(AccessDenied):
        services.import_catalogue(user=counsellor, data={"types": [good_row()]})
    assert not MeasureType.objects.exists()


def test_command_imports_reference_and_reports_bad_file_without_writing(db, tmp_path):
    call_command("import_measure_types")
    n = MeasureType.objects.count()
    assert n == len(reference.measure_types())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"types": [good_row(code="ANOTHER"), good_row(code="X2", addresses="job_search")]}), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_measure_types", str(bad))
    assert "types[1].addresses" in str(exc.value)
    assert MeasureType.objects.count() == n
    broken = tmp_path / "broken.json"
    broken.write_text('{"types": [', encoding="utf-8")
    with pytest.raises(CommandError, match="ikke gyldig JSON"):
        call_command("import_measure_types", str(broken))


def test_update_and_deactivate_missing(admin):
    services.import_catalogue(user=admin, data=[good_row(), good_row(code="GAMMELT", name_no="Gammelt")])
    counts = services.import_catalogue(user=admin, data=[good_row(name_no="Nytt navn")], deactivate_missing=True)
    assert counts == {"created": 0, "updated": 1, "unchanged": 0, "deactivated": 1}
    assert MeasureType.objects.get(code="NYTT_TILTAK").name == "Nytt navn"
    assert not MeasureType.objects.get(code="GAMMELT").active


def test_model_clean_uses_the_same_rules_for_the_admin(admin):
    from django.core.exceptions import ValidationError

    t = MeasureType(code="X", name="X", eligible_groups=["NOPE"], addresses=["job_search"])
    with pytest.raises(ValidationError) as exc:
        t.full_clean()
    assert "eligible_groups" in exc.value.message_dict
