"""The questionnaire page: Norwegian, accessible markup, save and resume, submit once."""

from skreddersy.insight.models import Response

from .conftest import token_of


def test_form_is_accessible_and_in_norwegian(client, wave, people):
    token = token_of(wave, people["counsellors_a"][0])
    resp = client.get(f"/innsikt/svar/{token}/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count("<fieldset") == 8 + 5  # one per item and per background question
    assert "<legend>Jeg velger aktivitetskrav som er nøye tilpasset behovet til den enkelte bruker.</legend>" in html
    assert 'type="radio" name="q_ind_tailored" value="4"' in html and "Svært enig" in html
    assert 'name="viewport"' in html and "Lagre og fortsett senere" in html
    assert resp["Referrer-Policy"] == "no-referrer"


def test_save_resume_and_submit(client, wave, people):
    token = token_of(wave, people["counsellors_a"][0])
    url = f"/innsikt/svar/{token}/"
    resp = client.post(url, {"q_ind_tailored": "3", "b_employer": "municipal", "action": "save"})
    assert resp.status_code == 302
    html = client.get(url).content.decode()
    assert 'name="q_ind_tailored" value="3" checked' in html
    assert 'name="b_employer" value="municipal" checked' in html
    resp = client.post(url, {"q_ind_tailored": "3", "q_dcsq_load": "2", "b_employer": "municipal", "action": "submit"})
    assert resp.status_code == 302 and resp.url == "/innsikt/takk/"
    r = Response.objects.get(wave=wave)
    assert r.answers == {"ind_tailored": 3, "dcsq_load": 2} and r.employer == "municipal"
    assert r.office_id == people["a"].pk
    assert client.get(url).status_code == 410  # used


def test_out_of_range_answer_is_a_form_error_not_a_500(client, wave, people):
    url = f"/innsikt/svar/{token_of(wave, people['counsellors_a'][0])}/"
    resp = client.post(url, {"q_dcsq_load": "9", "action": "submit"})
    assert resp.status_code == 422
    assert "Svaret må være mellom 0 og 3." in resp.content.decode()
    assert Response.objects.count() == 0
    resp = client.post(url, {"action": "submit"})
    assert resp.status_code == 422 and "Svar på minst ett spørsmål" in resp.content.decode()


def test_unknown_token_is_404(client, db):
    assert client.get("/innsikt/svar/finnes-ikke/").status_code == 404


def test_my_invitation_is_listed_for_the_invited_person_only(client, wave, people):
    client.force_login(people["counsellors_a"][0].user)
    html = client.get("/innsikt/").content.decode()
    assert token_of(wave, people["counsellors_a"][0]) in html
    assert token_of(wave, people["counsellors_a"][1]) not in html


def test_api_submit_by_token(client, wave, people):
    token = token_of(wave, people["counsellors_b"][0])
    resp = client.post(f"/api/v1/innsikt/svar/{token}", {"answers": {"ind_tailored": 9}}, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "ind_tailored"
    resp = client.post(f"/api/v1/innsikt/svar/{token}", {"answers": {"ind_tailored": 2}}, content_type="application/json")
    assert resp.status_code == 204
    assert Response.objects.filter(office=people["b"]).count() == 1
