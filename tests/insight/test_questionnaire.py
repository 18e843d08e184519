"""The questionnaire page: Norwegian, accessible markup, save and resume, submit once; the token
leaves the URL at once (a signed cookie on the questionnaire's path carries it)."""

from skreddersy.insight.models import PendingResponse, Response

from .conftest import close, token_of

FORM = "/innsikt/svar/"


def _open_link(client, token):
    """Follow the link with the token: it answers with a redirect to the token-less page."""
    resp = client.get(f"/innsikt/svar/{token}/")
    assert resp.status_code == 302 and resp.url == FORM
    assert token not in resp.url
    assert resp["Referrer-Policy"] == "no-referrer"
    cookie = resp.cookies["innsikt_svar"]
    assert cookie["httponly"] and cookie["path"] == FORM
    return resp


def test_form_is_accessible_and_in_norwegian(client, wave, people):
    _open_link(client, token_of(wave, people["counsellors_a"][0]))
    resp = client.get(FORM)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.count("<fieldset") == 8 + 5  # one per item and per background question
    assert "<legend>Jeg velger aktivitetskrav som er nøye tilpasset behovet til den enkelte bruker.</legend>" in html
    assert 'type="radio" name="q_ind_tailored" value="4"' in html and "Svært enig" in html
    assert 'name="viewport"' in html and "Lagre og fortsett senere" in html
    assert resp["Referrer-Policy"] == "no-referrer"


def test_save_resume_and_submit(client, wave, people):
    _open_link(client, token_of(wave, people["counsellors_a"][0]))
    resp = client.post(FORM, {"q_ind_tailored": "3", "b_employer": "municipal", "action": "save"})
    assert resp.status_code == 302 and resp.url == FORM
    html = client.get(FORM).content.decode()
    assert 'name="q_ind_tailored" value="3" checked' in html
    assert 'name="b_employer" value="municipal" checked' in html
    resp = client.post(FORM, {"q_ind_tailored": "3", "q_dcsq_load": "2", "b_employer": "municipal", "action": "submit"})
    assert resp.status_code == 302 and resp.url == "/innsikt/takk/"
    assert resp.cookies["innsikt_svar"].value == ""  # the cookie is cleared
    # sealed, not yet in the results: released with the office's batch or when the wave closes
    assert Response.objects.count() == 0 and PendingResponse.objects.count() == 1
    close(wave)
    r = Response.objects.get(wave=wave)
    assert r.answers == {"ind_tailored": 3, "dcsq_load": 2} and r.employer == "municipal"
    assert r.office_id == people["a"].pk
    assert PendingResponse.objects.count() == 0


def test_a_used_token_is_refused(client, wave, people):
    token = token_of(wave, people["counsellors_a"][0])
    _open_link(client, token)
    client.post(FORM, {"q_ind_tailored": "3", "action": "submit"})
    _open_link(client, token)
    assert client.get(FORM).status_code == 410


def test_out_of_range_answer_is_a_form_error_not_a_500(client, wave, people):
    _open_link(client, token_of(wave, people["counsellors_a"][0]))
    resp = client.post(FORM, {"q_dcsq_load": "9", "action": "submit"})
    assert resp.status_code == 422
    assert "Svaret må være mellom 0 og 3." in resp.content.decode()
    resp = client.post(FORM, {"action": "submit"})
    assert resp.status_code == 422 and "Svar på minst ett spørsmål" in resp.content.decode()
    assert Response.objects.count() == 0 and PendingResponse.objects.count() == 0


def test_unknown_token_and_no_token_are_404(client, db):
    assert client.get("/innsikt/svar/finnes-ikke/").status_code == 404
    assert client.get(FORM).status_code == 404


def test_my_invitation_is_a_button_that_issues_a_fresh_token(client, wave, people):
    me = people["counsellors_a"][0]
    old = token_of(wave, me)
    client.force_login(me.user)
    html = client.get("/innsikt/").content.decode()
    start = f"/innsikt/svar/start/{wave.pk}/"
    assert f'action="{start}"' in html and old not in html
    assert client.get(start).status_code == 405  # a POST only: a GET (a prefetch, a crawler) issues nothing
    resp = client.post(start)
    assert resp.status_code == 302 and resp.url == FORM
    assert client.get(FORM).status_code == 200
    # the earlier token no longer works: only the newest one does
    assert client.get(f"/innsikt/svar/{old}/").status_code == 404
    # someone who is not invited gets a clear refusal, not a token
    client.force_login(people["analyst"].user)
    assert client.post(start).status_code == 404


def test_api_submit_by_token(client, wave, people):
    token = token_of(wave, people["counsellors_b"][0])
    resp = client.post(f"/api/v1/innsikt/svar/{token}", {"answers": {"ind_tailored": 9}}, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "ind_tailored"
    resp = client.post(f"/api/v1/innsikt/svar/{token}", {"answers": {"ind_tailored": 2}}, content_type="application/json")
    assert resp.status_code == 204
    close(wave)
    assert Response.objects.filter(office=people["b"]).count() == 1
