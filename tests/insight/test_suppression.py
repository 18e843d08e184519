"""No breakdown for a group under 5 respondents; a leader sees their office only when n >= 5."""

from hypothesis import given
from hypothesis import strategies as st

from skreddersy.insight.analysis import MIN_GROUP, suppressed_groups

from .conftest import close


@given(st.dictionaries(st.integers(0, 20), st.integers(0, 60), min_size=1, max_size=12))
def test_no_small_group_is_shown_and_none_can_be_found_by_subtraction(counts):
    hidden = suppressed_groups(counts)
    for group, n in counts.items():
        if 0 < n < MIN_GROUP:
            assert group in hidden
    hidden_nonempty = [g for g in hidden if counts[g] > 0]
    # with the total shown, a single hidden group could be recovered: never leave exactly one
    assert len(hidden_nonempty) != 1 or len([g for g, n in counts.items() if n > 0]) == 1


def test_leader_with_fewer_than_five_answers_sees_no_numbers(client, wave, people, filler):
    filler(wave, people["b"], 4)
    client.force_login(people["leader_b"].user)
    resp = client.get(f"/innsikt/runde/{wave.pk}/?kontor={people['b'].pk}")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Færre enn 5 svar" in html
    assert "Deskriptiv statistikk" not in html and "<svg" not in html
    api = client.get(f"/api/v1/innsikt/runder/{wave.pk}/rapport?kontor={people['b'].pk}").json()
    assert api["suppressed"] is True and api["n"] is None and "descriptives" not in api
    assert client.get(f"/innsikt/runde/{wave.pk}/resultater.csv?kontor={people['b'].pk}").status_code == 403


def test_leader_with_five_answers_sees_aggregates_but_no_respondents(client, wave, people, filler):
    filler(wave, people["a"], 5)
    close(wave)  # a leader sees an office's results once the wave has closed
    client.force_login(people["leader_a"].user)
    html = client.get(f"/innsikt/runde/{wave.pk}/").content.decode()
    assert "Deskriptiv statistikk" in html and "<svg" in html
    assert "Antall svar: 5" in html
    assert "Hierarkisk regresjon" not in html  # leaders get aggregates, not models on their staff
    assert f'href="/innsikt/runde/{wave.pk}/respondenter/"' not in html


def test_office_breakdown_hides_small_offices_for_analysts_too(client, wave, people, filler):
    filler(wave, people["a"], 30)
    filler(wave, people["b"], 3, seed=2)
    client.force_login(people["analyst"].user)
    html = client.get(f"/innsikt/runde/{wave.pk}/").content.decode()
    assert "Kontor sammenlignet" in html
    assert "Skjult (færre enn 5 svar" in html
