"""Review findings: malformed input is a 4xx, not a 500; the respondent export does not keep
the order in which answers were submitted."""

import io

import pandas as pd
import pytest

from skreddersy.core.errors import InvalidInput
from skreddersy.insight import io as insight_io
from skreddersy.insight import selectors, services
from skreddersy.insight.models import ImportBatch, Response, Wave

from .conftest import close, token_of

HEADER = "respondent,office,ind_tailored,pm_fill_slots\n"


@pytest.mark.parametrize("cell", ["nan", "inf", "-inf", "1e400", "NaN"])
def test_import_cell_that_float_reads_but_int_cannot_names_row_and_column(wave, people, cell):
    content = (HEADER + f"p1,{people['a'].number},3,1\np2,{people['a'].number},{cell},1\n").encode()
    with pytest.raises(InvalidInput, match="Rad 2, kolonne ind_tailored") as exc:
        services.import_file(user=people["analyst"].user, wave=wave, content=content, filename="svar.csv")
    assert exc.value.field == "ind_tailored"
    assert not Response.objects.filter(wave=wave).exists() and not ImportBatch.objects.exists()


def test_import_of_an_infinite_number_from_spss_names_row_and_column(wave, people):
    table = pd.DataFrame({"respondent": ["p1"], "office": [float(people["a"].number)], "ind_tailored": [float("inf")]})
    with pytest.raises(InvalidInput, match="Rad 1, kolonne ind_tailored"):
        insight_io.parse_import(table, item_scales={"ind_tailored": (0, 4)},
                                office_numbers={people["a"].number: people["a"].pk})


@pytest.mark.parametrize("kontor", ["²", "١", "𝟙"])
def test_report_with_a_non_ascii_digit_office_is_not_a_500(client, wave, people, filler, kontor):
    filler(wave, people["a"], 6)
    close(wave)  # leaders see results of closed waves
    for who in (people["leader_a"], people["analyst"]):
        client.force_login(who.user)
        for path in (f"/innsikt/runde/{wave.pk}/", f"/innsikt/runde/{wave.pk}/resultater.csv"):
            r = client.get(path, {"kontor": kontor})
            assert r.status_code == 200, (who, path, r.status_code)


@pytest.mark.parametrize("office", ["99999999999999999999", "abc", "²"])
def test_new_wave_with_an_office_id_out_of_range_is_a_form_error(client, survey, people, office):
    client.force_login(people["analyst"].user)
    before = Wave.objects.count()
    r = client.post(f"/innsikt/undersokelse/{survey.pk}/ny-runde/",
                    {"label": "Ny", "offices": [office], "opens_at": "2026-11-25T10:00", "closes_at": "2026-12-25T10:00"})
    assert r.status_code == 200
    assert "offices" in r.context["form"].errors
    assert Wave.objects.count() == before


def test_respondent_export_is_in_pseudonym_order_not_submission_order(client, wave, people):
    staff = people["counsellors_a"] + people["counsellors_b"][:2]  # 8 answers, submitted in a known order
    for i, s in enumerate(staff):
        services.submit_response(token=token_of(wave, s), answers={"ind_tailored": i % 5, "pm_fill_slots": i % 4},
                                 background={})
    close(wave)  # every sealed answer released
    client.force_login(people["analyst"].user)
    r = client.get(f"/innsikt/runde/{wave.pk}/data.csv")
    assert r.status_code == 200
    df = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")
    assert len(df) == len(staff)
    assert list(df["respondent"]) == sorted(df["respondent"])


def _home_queries(client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get("/innsikt/")
    assert r.status_code == 200
    return len(ctx), r


@pytest.mark.parametrize("who", ["analyst", "leader_a"])
def test_insight_home_query_count_does_not_grow_with_the_number_of_waves(client, wave, survey, people, who):
    import datetime as dt

    from skreddersy.core import clock

    user = people[who].user
    services.submit_response(token=token_of(wave, people["counsellors_a"][0]), answers={"ind_tailored": 2}, background={})
    one, r = _home_queries(client, user)
    assert "færre enn 5" in r.content.decode()  # one answer, shown in steps of five while the wave is open
    for i in range(4):
        services.open_wave(user=people["analyst"].user, survey=survey, label=f"Runde {i}", office_ids=[people["a"].pk, people["b"].pk],
                           opens_at=clock.now() - dt.timedelta(days=1), closes_at=clock.now() + dt.timedelta(days=3))
    five, r = _home_queries(client, user)
    assert five == one
    rows = [row for row in r.context["waves"] if row["wave"].pk == wave.pk]
    rates = selectors.response_rates(user, wave)  # the per-wave selector the wave page uses
    assert rows[0]["invited"] == sum(x.invited for x in rates) == (7 if who == "leader_a" else 11)  # a: 6+leader, b: 3+leader
    assert rows[0]["answered"] == 0  # one answer: "fewer than 5" while open
    assert rows[0]["offices"] == (1 if who == "leader_a" else 2)


def test_wave_visibility_is_decided_in_the_access_policy(wave, survey, people):
    """Review finding: the rule 'a leader sees a wave that includes one of their offices' lived in
    the insight selectors; it is policy/access.py's now, and the selectors follow it."""
    import datetime as dt

    from skreddersy.core import clock
    from skreddersy.core.errors import AccessDenied
    from skreddersy.policy import access

    only_b = services.open_wave(user=people["analyst"].user, survey=survey, label="Bare Beta", office_ids=[people["b"].pk],
                                opens_at=clock.now() - dt.timedelta(days=1), closes_at=clock.now() + dt.timedelta(days=3))
    a, b = people["a"].pk, people["b"].pk
    analyst, leader_a, counsellor = people["analyst"].user, people["leader_a"].user, people["counsellors_a"][0].user
    assert access.survey_office_scope(analyst) is None and access.survey_office_scope(leader_a) == {a}
    assert access.survey_office_scope(counsellor) == frozenset()
    assert access.can_see_wave(analyst, [b]) and access.can_see_wave(leader_a, [a, b]) and not access.can_see_wave(leader_a, [b])
    assert not access.can_see_wave(counsellor, [a])
    assert [w.pk for w in selectors.waves_for(leader_a)] == [wave.pk]
    assert {w.pk for w in selectors.waves_for(analyst)} == {wave.pk, only_b.pk}
    with pytest.raises(AccessDenied):
        selectors.wave_for(leader_a, only_b.pk)
    assert selectors.wave_for(people["leader_b"].user, only_b.pk) == only_b
