"""Service refusals in the reader's language (issue 19) from measures and the analysis tools: English
for an English reader, bokmål unchanged, nynorsk for a client who reads nynorsk. The walk over the
source that finds bare literals in every app is in test_service_error_text.py."""

from __future__ import annotations

import pytest
from django.utils import translation

from skreddersy.core.errors import InvalidInput
from tests import factories as f

# --- real refusals in the reader's language ----------------------------------------------------------

@pytest.fixture
def people(db):
    office = f.office(f.county("46"), name="Nav Voss")
    counsellor = f.staff("counsellor", offices=[office])
    client = f.client(office, counsellor, login=True, written_standard="nn")
    return {"office": office, "counsellor": counsellor, "client": client}


def test_a_refusal_from_measures_is_english_for_an_english_reader(people):
    from skreddersy.measures import services

    with translation.override("en"), pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=people["counsellor"].user, client=people["client"], wanted_domains=["ikke_et_omrade"],
                                 preferred_types=[], max_travel_km=5000)
    assert exc.value.message == "The wishes cannot be saved."
    assert exc.value.errors["max_travel_km"] == "Travel distance must be between 1 and 1000 km."
    assert exc.value.errors["wanted_domains"] == "Unknown need domain: ikke_et_omrade."
    body = exc.value.as_dict()
    assert body["message"] == "The wishes cannot be saved."
    assert {"field": "max_travel_km", "reason": "Travel distance must be between 1 and 1000 km."} in body["detail"]


def test_the_same_refusal_stays_bokmal_for_a_bokmal_reader(people):
    from skreddersy.measures import services

    with translation.override("nb"), pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=people["counsellor"].user, client=people["client"], wanted_domains=[],
                                 preferred_types=[], max_travel_km=5000)
    assert exc.value.message == "Ønskene kan ikke lagres."
    assert exc.value.errors == {"max_travel_km": "Reiseavstand må være mellom 1 og 1000 km."}


def test_refusals_from_the_analysis_tools_are_english_for_an_english_reader():
    from skreddersy.insight.analysis import AnalysisError, summary_tests
    from skreddersy.insight.toolkit import selectors

    with translation.override("en"):
        with pytest.raises(AnalysisError) as exc:
            summary_tests.t_test(3.2, -1.1, 60, 2.8, 1.3, 62)
        assert exc.value.message == "sd1: a standard deviation cannot be negative (-1.1)."
        with pytest.raises(InvalidInput) as exc:
            selectors.parse_national("gender woman 0,62\ngender\n")
        assert exc.value.message == "Line 2: write “variable category proportion”, for example “gender woman 0.62”."


def test_a_client_reads_a_refusal_of_their_own_wishes_in_nynorsk(people):
    from skreddersy.measures import services

    client_user = f.fresh_user(people["client"].user)
    with translation.override("nn"), pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=client_user, client=people["client"], wanted_domains=[], preferred_types=[],
                                 note="x" * 501)
    assert exc.value.message == "Ønska kan ikkje lagrast."
    assert exc.value.errors == {"note": "Merknaden kan vere høgst 500 teikn."}
