"""Reference data read in the reader's language: need groups, main goals, needs domains and their
severity scale, measure types and fidelity bands carry an English name beside the Norwegian one
(``name_en``), and one helper (``core.reference.localized``) picks the name for the active language."""

import pytest
from django.utils import translation

from skreddersy.clients.models import MainGoal, NeedGroup
from skreddersy.core import reference


def _entries():
    groups = reference.load("innsatsgrupper.json")
    yield from (("need group", g) for g in groups["groups"])
    yield from (("main goal", g) for g in groups["main_goals"])
    yield from (("needs domain", d) for d in reference.load("needs_domains.json")["domains"])
    yield from (("measure type", t) for t in reference.measure_types())
    yield from (("fidelity band", b) for b in reference.ips_fidelity()["bands"])


def test_every_bundled_name_has_english():
    missing = [f"{kind} {e.get('code') or e.get('key')}" for kind, e in _entries() if not e.get("name_en")]
    assert not missing


def test_the_severity_scale_has_english_for_every_step():
    data = reference.load("needs_domains.json")
    assert set(data["severity_scale_en"]) == set(data["severity_scale"])
    with translation.override("en"):
        assert reference.severity_scale()[3] == data["severity_scale_en"]["3"]
    with translation.override("nb"):
        assert reference.severity_scale()[3] == data["severity_scale"]["3"]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_names_follow_the_active_language(lang):
    field = "name_en" if lang == "en" else "name_no"
    with translation.override(lang):
        for _kind, e in _entries():
            assert reference.localized(e) == e[field]
        domains = reference.needs_domains()
        assert domains["mental_health"] == next(
            d[field] for d in reference.load("needs_domains.json")["domains"] if d["key"] == "mental_health"
        )


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_model_choices_and_the_reference_agree(lang):
    """Need groups and main goals are also model choices (translated by the catalogue): a page
    never shows one name in a list and another in a heading."""
    with translation.override(lang):
        for code, label in NeedGroup.choices:
            assert str(label) == reference.need_group_name(code)
        for code, label in MainGoal.choices:
            assert str(label) == reference.main_goal_name(code)


def test_english_keeps_the_norwegian_term_of_art_beside_it():
    with translation.override("en"):
        assert "(standard innsats)" in reference.need_group_name("STANDARD_INNSATS")


def test_a_name_without_english_reads_in_norwegian():
    with translation.override("en"):
        assert reference.localized({"name_no": "Noe nytt"}) == "Noe nytt"
        assert reference.need_group_name("UKJENT") == "UKJENT"


def test_a_measure_type_renamed_by_an_administrator_keeps_its_new_name_in_english():
    code = reference.measure_types()[0]["code"]
    with translation.override("en"):
        assert (
            reference.measure_type_name(code, reference.measure_types()[0]["name_no"])
            == reference.measure_types()[0]["name_en"]
        )
        assert reference.measure_type_name(code, "Lokalt navn") == "Lokalt navn"
    with translation.override("nb"):
        assert reference.measure_type_name(code, "Lokalt navn") == "Lokalt navn"


@pytest.mark.django_db
def test_the_catalogue_filter_names_need_groups_in_english(client, org):
    from django.urls import reverse

    client.force_login(org["counsellor"].user)
    client.cookies["django_language"] = "en"
    resp = client.get(reverse("measure_catalogue"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "All need groups" in html
    assert "Standard assistance (standard innsats)" in html
