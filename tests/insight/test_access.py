"""Who sees what: analysts everything pseudonymised, leaders their own office's aggregates,
other staff nothing of other people's answers."""

import pytest

from skreddersy.core.errors import AccessDenied
from skreddersy.insight import selectors
from skreddersy.policy import access

from .conftest import close


def test_access_rules(people):
    analyst, leader, counsellor = people["analyst"].user, people["leader_a"].user, people["counsellors_a"][0].user
    a, b = people["a"].pk, people["b"].pk
    assert access.can_see_respondent_data(analyst) and access.can_manage_surveys(analyst)
    assert access.can_see_survey_aggregates(analyst, None) and access.can_see_survey_aggregates(analyst, b)
    assert access.can_see_survey_aggregates(leader, a) and not access.can_see_survey_aggregates(leader, b)
    assert not access.can_see_survey_aggregates(leader, None) and not access.can_see_respondent_data(leader)
    for fn in (access.can_see_insight, access.can_see_respondent_data, access.can_manage_surveys):
        assert not fn(counsellor)
    assert not access.can_see_survey_aggregates(counsellor, a)
    assert not access.can_see_respondent_data(people["admin"].user)


def test_pages_per_role(client, wave, people, filler):
    filler(wave, people["a"], 6)
    w = wave.pk
    cases = [
        (people["analyst"], f"/innsikt/runde/{w}/", 200),
        (people["analyst"], f"/innsikt/runde/{w}/respondenter/", 200),
        (people["leader_a"], f"/innsikt/runde/{w}/?kontor={people['a'].pk}", 200),
        (people["leader_a"], f"/innsikt/runde/{w}/?kontor={people['b'].pk}", 403),
        (people["leader_a"], f"/innsikt/runde/{w}/respondenter/", 403),
        (people["leader_a"], f"/innsikt/runde/{w}/data.csv", 403),
        (people["leader_a"], f"/innsikt/runde/{w}/import/", 403),
        (people["counsellors_a"][0], f"/innsikt/runde/{w}/", 403),
        (people["counsellors_a"][0], f"/innsikt/runde/{w}/rapport.pdf", 403),
        (people["counsellors_a"][0], f"/innsikt/runde/{w}/data.sav", 403),
        (people["counsellors_a"][0], "/innsikt/undersokelse/ny/", 403),
        (people["admin"], f"/innsikt/runde/{w}/respondenter/", 403),
    ]
    for staff, url, status in cases:
        client.force_login(staff.user)
        assert client.get(url).status_code == status, (staff.user.username, url)


def test_api_per_role(client, wave, people, filler):
    filler(wave, people["a"], 6)
    client.force_login(people["counsellors_a"][0].user)
    assert client.get(f"/api/v1/innsikt/runder/{wave.pk}/rapport").status_code == 403
    assert client.get(f"/api/v1/innsikt/runder/{wave.pk}/svarprosent").status_code == 403
    client.force_login(people["leader_a"].user)
    assert client.get(f"/api/v1/innsikt/runder/{wave.pk}/rapport").status_code == 403  # must name an office
    open_wave = client.get(f"/api/v1/innsikt/runder/{wave.pk}/rapport?kontor={people['a'].pk}")
    assert open_wave.status_code == 200 and open_wave.json()["suppressed"] is True  # nothing while the wave is open
    close(wave)
    ok = client.get(f"/api/v1/innsikt/runder/{wave.pk}/rapport?kontor={people['a'].pk}")
    assert ok.status_code == 200 and ok.json()["n"] == 6
    rates = client.get(f"/api/v1/innsikt/runder/{wave.pk}/svarprosent").json()
    assert [r["office"] for r in rates] == ["Nav Alfa"]
    client.force_login(people["analyst"].user)
    full = client.get(f"/api/v1/innsikt/runder/{wave.pk}/rapport").json()
    assert full["n"] == 6 and full["descriptives"]["rows"]
    # six answers cannot carry nine predictors: a clear message instead of a model (and no 500)
    assert full["regression"] is None and "forklaringsvariabler krever minst" in full["errors"]["regression"]


def test_response_rates_are_counts_per_office(wave, people, filler):
    from skreddersy.insight import services

    from .conftest import token_of

    services.submit_response(token=token_of(wave, people["counsellors_a"][0]), answers={"ind_tailored": 2}, background={})
    rates = {r.office.name: r for r in selectors.response_rates(people["analyst"].user, wave)}
    assert rates["Nav Alfa"].invited == 7  # six counsellors and the leader
    # while the wave is open the count moves in steps of five: one answer shows as "fewer than 5"
    assert rates["Nav Alfa"].answered == 0 and rates["Nav Beta"].answered == 0
    close(wave)
    rates = {r.office.name: r for r in selectors.response_rates(people["analyst"].user, wave)}
    assert rates["Nav Alfa"].answered == 1 and rates["Nav Beta"].answered == 0
    with pytest.raises(AccessDenied):
        selectors.respondent_data(people["leader_a"].user, wave)
