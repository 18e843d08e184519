"""The product carries its own reference data, and a malformed override is refused at start-up
with the file and the field named."""

import json
from importlib import resources

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from skreddersy.core import reference

BUNDLED = resources.files("skreddersy.reference")


@pytest.fixture
def override(tmp_path, settings):
    """A copy of the bundled files in a folder of its own, named by REFERENCE_DIR."""
    for name in reference.FILES:
        (tmp_path / name).write_text(BUNDLED.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    settings.REFERENCE_DIR = tmp_path
    reference.reset()
    yield tmp_path
    reference.reset()


def _edit(folder, name, change):
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    change(data)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reference.reset()


def test_bundled_files_load_and_validate(settings):
    settings.REFERENCE_DIR = None
    reference.reset()
    reference.check_all()
    assert "STANDARD_INNSATS" in reference.need_groups()
    assert "SKAFFE_ARBEID" in reference.main_goals()
    assert reference.permanent_groups() == {"GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"}
    assert "mental_health" in reference.needs_domains()
    assert reference.severity_scale()[3]
    assert any(t["code"] == "AVKLARING" for t in reference.measure_types())
    assert reference.published_study()["design"]["analysed_n"] == 1377
    assert reference.instruments()["instruments"]


def test_every_bundled_file_is_in_the_package_and_named_in_its_readme():
    readme = BUNDLED.joinpath("README.md").read_text(encoding="utf-8")
    for name in reference.FILES:
        assert BUNDLED.joinpath(name).is_file()
        assert f"`{name}`" in readme


def test_an_override_with_the_same_content_is_used(override):
    _edit(override, "needs_domains.json", lambda d: d["domains"].append({"key": "transport", "name_no": "Transport"}))
    reference.check_all()
    assert reference.needs_domains()["transport"] == "Transport"


def test_missing_override_file_names_the_file(override):
    (override / "tiltakstyper.json").unlink()
    with pytest.raises(reference.ReferenceInvalid, match="tiltakstyper.json"):
        reference.check_all()


def test_invalid_json_names_file_and_line(override):
    (override / "instruments.json").write_text('{"scales": {', encoding="utf-8")
    reference.reset()
    with pytest.raises(reference.ReferenceInvalid, match=r"instruments.json: not valid JSON at line 1"):
        reference.check_all()


@pytest.mark.parametrize(
    ("name", "change", "field"),
    [
        ("innsatsgrupper.json", lambda d: d["groups"][2].pop("requires_second_approver"), "groups.2.requires_second_approver"),
        ("innsatsgrupper.json", lambda d: d["groups"][0].update(order="first"), "groups.0.order"),
        ("innsatsgrupper.json", lambda d: d.pop("main_goals"), "main_goals"),
        ("needs_domains.json", lambda d: d["domains"][1].update(name_no=7), "domains.1.name_no"),
        ("tiltakstyper.json", lambda d: d["types"][3].update(eligible_groups="VARIG_TILPASSET_INNSATS"), "types.3.eligible_groups"),
        ("tiltakstyper.json", lambda d: d["types"][0]["eligible_groups"].append("SUPER_INNSATS"), "types.0.eligible_groups.5"),
        ("tiltakstyper.json", lambda d: d["types"][1]["addresses"].append("astrology"), "types.1.addresses.2"),
        ("instruments.json", lambda d: d["instruments"][0]["items"][0].update(scale="agree7"), "instruments.0.items.0.scale"),
        ("terum_sadeghi_2021.json", lambda d: d.pop("table_2_standardized_ols"), "table_2_standardized_ols"),
    ],
)
def test_malformed_override_names_file_and_field(override, name, change, field):
    _edit(override, name, change)
    with pytest.raises(reference.ReferenceInvalid) as exc:
        reference.check_all()
    assert name in str(exc.value)
    assert field in str(exc.value)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 4), key=st.sampled_from(["code", "order", "name_no", "requires_reduced_work_capacity", "requires_second_approver"]),
       value=st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=2)))
def test_any_wrong_type_in_a_need_group_is_refused(override, index, key, value):
    """Generated damage to any field of any need group: refused, with that field named, unless
    the value happens to be of the right type."""
    data = json.loads(BUNDLED.joinpath("innsatsgrupper.json").read_text(encoding="utf-8"))
    right_type = {"code": str, "name_no": str, "order": int, "requires_reduced_work_capacity": bool,
                  "requires_second_approver": bool}[key]
    data["groups"][index][key] = value
    (override / "innsatsgrupper.json").write_text(json.dumps(data), encoding="utf-8")
    reference.reset()
    fine = type(value) is right_type and not (right_type is str and value == "")
    if key == "code" and fine:
        fine = value not in {g["code"] for i, g in enumerate(data["groups"]) if i != index}
    if fine:
        reference.load("innsatsgrupper.json")
    else:
        with pytest.raises(reference.ReferenceInvalid, match=rf"innsatsgrupper.json: field groups(\.{index}\.{key})?"):
            reference.load("innsatsgrupper.json")

