"""The workbench pages and Min side, driven through Django's test client: what a counsellor and a
client can see and do, bad input, and the conflict when two counsellors edit the same activity."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.core import clock
from skreddersy.core.models import AuditEntry
from skreddersy.followup import services
from skreddersy.followup.models import Activity, JournalEntry, Message, NeedsDecision, Task, Thread
from tests import factories as f


@pytest.fixture
def world(db):
    county = f.county("46")
    a = f.office(county, name="Nav Alfa")
    b = f.office(county, name="Nav Beta")
    counsellor = f.staff("counsellor", offices=[a])
    colleague = f.staff("counsellor", offices=[a])
    other_office = f.staff("counsellor", offices=[b])
    leader = f.staff("team_leader", "counsellor", offices=[a])
    approver = f.staff("second_approver", "counsellor", offices=[a])
    analyst = f.staff("analyst", offices=[a])
    young = clock.today().replace(year=clock.today().year - 24)
    c1 = f.client(a, counsellor, login=True, birth_date=young, needs_interpreter=True)
    c2 = f.client(a, counsellor, manual_followup=True)
    c3 = f.client(a, colleague)
    cb = f.client(b, other_office, login=True)
    # some follow-up history for c1
    act = services.add_activity(user=counsellor.user, client=c1, title="Møte på jobbklubb hver tirsdag", type="course",
                                is_requirement=True, legal_basis="folketrygdloven § 11-7",
                                consequence="Hvis du ikke møter uten god grunn, kan AAP stanses for en periode.")
    thread = services.start_thread(user=c1.user, client=c1, subject="Spørsmål", body="Når er neste møte med deg?")
    return {
        "a": a, "b": b, "counsellor": counsellor, "colleague": colleague, "other_office": other_office, "leader": leader,
        "approver": approver, "analyst": analyst, "c1": c1, "c2": c2, "c3": c3, "cb": cb, "activity": act, "thread": thread,
    }


def login(user) -> HttpClient:
    c = HttpClient()
    c.force_login(user)
    return c


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


# --- overview -------------------------------------------------------------------------------------

def test_overview_lists_own_caseload_with_flags_and_counts(world):
    resp = login(world["counsellor"].user).get(reverse("overview"))
    assert resp.status_code == 200
    body = text(resp)
    assert world["c1"].last_name in body and world["c2"].last_name in body
    assert world["c3"].last_name not in body  # a colleague's client
    assert world["c1"].fnr not in body and world["c1"].masked_fnr in body  # masked identity number
    assert "Tolk" in body and "Under 30" in body and "Manuell oppfølging" in body


def test_overview_filters_and_search(world):
    http = login(world["counsellor"].user)
    body = text(http.get(reverse("overview"), {"awaiting": "on"}))
    assert world["c1"].last_name in body and world["c2"].last_name not in body
    body = text(http.get(reverse("overview"), {"manual": "on"}))
    assert world["c2"].last_name in body and world["c1"].last_name not in body
    body = text(http.get(reverse("overview"), {"q": world["c2"].fnr[:6]}))
    assert world["c2"].last_name in body
    body = text(http.get(reverse("overview"), {"q": world["c1"].first_name}))
    assert world["c1"].last_name in body and world["c2"].last_name not in body
    body = text(http.get(reverse("overview"), {"priority": "under30"}))
    assert world["c1"].last_name in body and world["c2"].last_name not in body


def test_overview_bad_filter_values_do_not_500(world):
    http = login(world["counsellor"].user)
    for params in ({"page": "abc"}, {"sort": "drop table"}, {"need_group": "X"}, {"page": "99999"}, {"office": "-1"}):
        assert http.get(reverse("overview"), params).status_code == 200


def test_overview_htmx_returns_the_table_only(world):
    resp = login(world["counsellor"].user).get(reverse("overview"), {"awaiting": "on"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    assert b"<html" not in resp.content and b"overview-results" in resp.content


def test_overview_audits_the_clients_shown_in_one_entry(world):
    before = AuditEntry.objects.filter(what="oversikt").count()
    login(world["counsellor"].user).get(reverse("overview"))
    assert AuditEntry.objects.filter(what="oversikt").count() - before == 1
    entry = AuditEntry.objects.filter(what="oversikt").order_by("-id").first()
    assert set(entry.client_ids) == {world["c1"].pk, world["c2"].pk} and entry.actor_id == world["counsellor"].user.pk
    for c in ("c1", "c2"):
        assert AuditEntry.objects.about(world[c].pk).filter(pk=entry.pk).exists()


def test_leader_sees_whole_office_and_per_counsellor(world):
    http = login(world["leader"].user)
    resp = http.get(reverse("overview"), {"scope": "office"})
    body = text(resp)
    for c in ("c1", "c2", "c3"):
        assert world[c].last_name in body
    assert world["cb"].last_name not in body
    cells = resp.content.decode()
    for who in ("counsellor", "colleague"):  # each row names the client's counsellor
        assert f'data-label="Veileder">{world[who].display_name}</td>' in cells
    body = text(http.get(reverse("overview"), {"scope": "office", "counsellor": world["colleague"].pk}))
    assert world["c3"].last_name in body and world["c1"].last_name not in body


def test_counsellor_cannot_ask_for_office_scope(world):
    body = text(login(world["counsellor"].user).get(reverse("overview"), {"scope": "office"}))
    assert world["c3"].last_name not in body


# --- person page and journal ------------------------------------------------------------------------

def test_person_page_shows_plan_dialogue_tasks_and_journal(world):
    resp = login(world["counsellor"].user).get(reverse("person", args=[world["c1"].pk]))
    assert resp.status_code == 200
    body = text(resp)
    assert "Møte på jobbklubb hver tirsdag" in body
    assert "Hvis du ikke møter uten god grunn" in body
    assert "Når er neste møte med deg?" in body
    assert "Svar på melding innen 48 timer" in body
    assert "Aktivitetskrav lagt til av veileder" in body


def test_journal_filter_partial(world):
    http = login(world["counsellor"].user)
    resp = http.get(reverse("person_journal", args=[world["c1"].pk]), {"type": "message"}, HTTP_HX_REQUEST="true")
    body = text(resp)
    assert "Melding fra bruker" in body and "Aktivitetskrav lagt til" not in body
    # without htmx: redirect to the full page with the filter
    resp = http.get(reverse("person_journal", args=[world["c1"].pk]), {"type": "message"})
    assert resp.status_code == 302 and "type=message" in resp["Location"]


def test_unknown_client_is_404_not_500(world):
    assert login(world["counsellor"].user).get(reverse("person", args=[999999])).status_code == 404


# --- flows ---------------------------------------------------------------------------------------------

def test_add_activity_requirement_needs_basis_and_consequence(world):
    http = login(world["counsellor"].user)
    url = reverse("activity_new", args=[world["c2"].pk])
    resp = http.post(url, {"title": "Jobbsøk", "type": "job_application", "is_requirement": "on", "status": "proposed"})
    assert resp.status_code == 422
    body = text(resp)
    assert "må ha hjemmel" in body and "enkle ord" in body
    assert not Activity.objects.filter(client=world["c2"]).exists()
    resp = http.post(url, {"title": "Søke fem jobber i uka", "type": "job_application", "is_requirement": "on",
                           "status": "proposed", "legal_basis": "folketrygdloven § 11-7",
                           "consequence": "Hvis du ikke søker, kan pengene stanses."})
    assert resp.status_code == 302
    act = Activity.objects.get(client=world["c2"])
    assert act.is_requirement and act.client_approved_at is None and act.status == "proposed"


def test_end_date_before_start_date_is_a_field_error(world):
    resp = login(world["counsellor"].user).post(reverse("activity_new", args=[world["c2"].pk]), {
        "title": "Kurs", "type": "course", "start_date": "2026-05-10", "end_date": "2026-05-01"})
    assert resp.status_code == 422 and "Til-dato kan ikke være før fra-dato" in text(resp)


def test_two_counsellors_editing_same_activity_second_gets_conflict_and_keeps_input(world):
    act = world["activity"]
    first, second = login(world["counsellor"].user), login(world["colleague"].user)
    url = reverse("activity_edit", args=[act.pk])
    base = {"title": act.title, "type": act.type, "status": act.status, "is_requirement": "on",
            "legal_basis": act.legal_basis, "consequence": act.consequence, "version": act.version}
    assert first.post(url, base | {"description": "Endret av første"}).status_code == 302
    resp = second.post(url, base | {"description": "Min lange tekst som ikke må forsvinne"})
    assert resp.status_code == 409
    body = text(resp)
    assert "endret" in body and "Min lange tekst som ikke må forsvinne" in body and "Endret av første" in body
    act.refresh_from_db()
    assert act.description == "Endret av første"
    # saving again (deliberately) with the new version works
    m = re.search(r'name="version" value="(\d+)"', resp.content.decode())
    assert m and int(m.group(1)) == act.version
    assert second.post(url, base | {"description": "Min tekst", "version": m.group(1)}).status_code == 302


def test_log_phone_call_updates_last_contact(world):
    http = login(world["counsellor"].user)
    resp = http.post(reverse("contact_new", args=[world["c2"].pk]), {"channel": "phone", "summary": "Ringte om kurset.",
                                                                    "shared_with_client": "on"})
    assert resp.status_code == 302
    world["c2"].refresh_from_db()
    assert world["c2"].last_contact_at is not None
    resp = http.post(reverse("contact_new", args=[world["c2"].pk]), {"channel": "fax", "summary": ""})
    assert resp.status_code == 422


def test_answer_clears_awaiting_reply_and_closes_task(world):
    t = world["thread"]
    resp = login(world["counsellor"].user).post(reverse("thread_reply", args=[t.pk]), {"body": "Tirsdag kl. 10."})
    assert resp.status_code == 302
    t.refresh_from_db()
    assert not t.awaiting_nav_reply
    assert not Task.objects.filter(client=world["c1"], kind="answer_message", status="open").exists()


def test_mark_no_reply_needed(world):
    t = world["thread"]
    login(world["counsellor"].user).post(reverse("thread_no_reply", args=[t.pk]))
    t.refresh_from_db()
    assert not t.awaiting_nav_reply


def test_route_message(world):
    msg = Message.objects.filter(thread=world["thread"]).first()
    http = login(world["counsellor"].user)
    http.post(reverse("message_route", args=[msg.pk]), {"route": "benefit"})
    msg.refresh_from_db()
    assert msg.route == "benefit"
    http.post(reverse("message_route", args=[msg.pk]), {"route": "nonsense"})
    msg.refresh_from_db()
    assert msg.route == "benefit"


def test_finish_task(world):
    task = Task.objects.get(client=world["c1"], status="open")
    resp = login(world["counsellor"].user).post(reverse("task_done", args=[task.pk]))
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_mapping_saves_new_version_with_both_views(world):
    http = login(world["counsellor"].user)
    resp = http.post(reverse("mapping_edit", args=[world["c1"].pk]), {
        "language__counsellor": "2", "language__client": "1", "language__comment": "Går på kurs", "housing__client": "3"})
    assert resp.status_code == 302
    page = text(http.get(reverse("person", args=[world["c1"].pk])))
    assert "Versjon 1" in page and "Norskferdigheter og språk" in page


def test_decision_flow_with_second_approver(world):
    c = world["c1"]
    http = login(world["counsellor"].user)
    resp = http.post(reverse("assessment_new", args=[c.pk]), {
        "resource_profile": "Lang erfaring fra lager, ryggplager.", "client_self_assessment": "Kan jobbe litt.",
        "reduced_work_capacity": "yes"})
    assert resp.status_code == 302
    wca = c.assessments.get()
    resp = http.post(reverse("decision_new", args=[c.pk]), {
        "need_group": "VARIG_TILPASSET_INNSATS", "main_goal": "OKE_DELTAKELSE", "justification": "",
        "assessment": str(wca.pk), "submit": "1"})
    assert resp.status_code == 422 and "Begrunnelse kreves" in text(resp)
    d = NeedsDecision.objects.get(client=c)  # the draft is kept even though it could not be sent
    assert d.status == "draft"
    resp = http.post(reverse("decision_detail", args=[d.pk]), {
        "need_group": "VARIG_TILPASSET_INNSATS", "main_goal": "OKE_DELTAKELSE", "justification": "",
        "assessment": str(wca.pk), "version": d.version, "submit": "1"})
    assert resp.status_code == 422 and "Begrunnelse kreves" in text(resp)
    version = re.search(r'name="version" value="(\d+)"', resp.content.decode()).group(1)  # as the page carries it
    resp = http.post(reverse("decision_detail", args=[d.pk]), {
        "need_group": "VARIG_TILPASSET_INNSATS", "main_goal": "OKE_DELTAKELSE", "justification": "Varig nedsatt arbeidsevne.",
        "assessment": str(wca.pk), "version": version, "submit": "1"})
    assert resp.status_code == 302
    d.refresh_from_db()
    assert d.status == "awaiting_approval"
    # the drafter cannot approve; the approver sees it in the queue and approves
    resp = http.post(reverse("decision_action", args=[d.pk, "approve"]))
    d.refresh_from_db()
    assert d.status == "awaiting_approval"
    appr = login(world["approver"].user)
    assert c.last_name in text(appr.get(reverse("approval_queue")))
    assert appr.post(reverse("decision_action", args=[d.pk, "approve"])).status_code == 302
    d.refresh_from_db()
    c.refresh_from_db()
    assert d.status == "sent" and d.approver_id == world["approver"].pk and c.need_group == "VARIG_TILPASSET_INNSATS"


def test_approval_queue_only_for_second_approvers(world):
    assert login(world["counsellor"].user).get(reverse("approval_queue")).status_code == 403


def test_export_contains_whole_case_and_is_audited(world):
    c = world["c1"]
    services.log_contact(user=world["counsellor"].user, client=c, channel="sms", summary="Internt: sjekk AAP", shared_with_client=False)
    resp = login(world["counsellor"].user).get(reverse("export_case", args=[c.pk]))
    assert resp.status_code == 200
    body = text(resp)
    for s in ("§ 14 a-vedtak", "Aktivitetsplan", "Dialog", "Journal", "Møte på jobbklubb", "Når er neste møte med deg?",
              "Internt: sjekk AAP", "@media print"):
        assert s in body
    assert c.fnr in body  # the full identity number belongs in a document for an appeal
    assert AuditEntry.objects.filter(client_id=c.pk, what="eksport: hele saken", why="eksport").exists()


# --- Min side (client) ------------------------------------------------------------------------------------

def test_client_sees_own_plan_in_plain_words_but_no_internal_notes(world):
    c = world["c1"]
    services.log_contact(user=world["counsellor"].user, client=c, channel="phone", summary="Delt referat", shared_with_client=True)
    services.log_contact(user=world["counsellor"].user, client=c, channel="phone", summary="HEMMELIG internt", shared_with_client=False)
    body = text(login(c.user).get(reverse("client_home")))
    assert "Møte på jobbklubb" in body and "Hvis du ikke gjør det:" in body
    assert "Delt referat" in body and "HEMMELIG" not in body
    assert "Svar på melding innen 48 timer" not in body  # tasks are Nav's
    assert world["cb"].last_name not in body


def test_client_approves_requirement_and_journal_shows_it(world):
    c, act = world["c1"], world["activity"]
    resp = login(c.user).post(reverse("client_activity_approve", args=[act.pk]), {"version": act.version})
    assert resp.status_code == 302
    act.refresh_from_db()
    assert act.client_approved_at is not None and act.status == "planned"
    assert JournalEntry.objects.filter(client=c, summary__contains="Bruker godtok aktivitetskravet").exists()
    # approving an old version again is refused politely
    resp = login(c.user).post(reverse("client_activity_approve", args=[act.pk]), {"version": "1"}, follow=True)
    assert resp.status_code == 200


def test_client_cannot_approve_another_clients_activity(world):
    other = services.add_activity(user=world["other_office"].user, client=world["cb"], title="X", type="own")
    resp = login(world["c1"].user).post(reverse("client_activity_approve", args=[other.pk]), {"version": other.version})
    assert resp.status_code == 404  # another client's activity answers as a missing one
    other.refresh_from_db()
    assert other.client_approved_at is None


def test_client_adds_own_goal_and_writes_to_counsellor(world):
    c = world["c1"]
    http = login(c.user)
    assert http.post(reverse("client_activity_new"), {"title": "Søke jobb i butikk", "type": "own"}).status_code == 302
    act = Activity.objects.get(client=c, title="Søke jobb i butikk")
    assert act.created_by_role == "client" and act.client_approved_at is not None
    assert http.post(reverse("client_activity_new"), {"title": "", "type": "own"}).status_code == 422
    assert http.post(reverse("client_message_new"), {"subject": "Utbetaling", "body": "Når kommer pengene mine?"}).status_code == 302
    t = Thread.objects.filter(client=c, subject="Utbetaling").get()
    assert t.awaiting_nav_reply and t.messages.get().suggested_route == "benefit"


def test_staff_cannot_use_min_side(world):
    assert login(world["counsellor"].user).get(reverse("client_home")).status_code == 403


# --- logins -----------------------------------------------------------------------------------------------

def test_client_login_only_lets_clients_in(world):
    http = HttpClient()
    resp = http.post(reverse("client_login"), {"username": world["counsellor"].user.username, "password": f.PASSWORD})
    assert resp.status_code == 200 and "_auth_user_id" not in http.session
    resp = http.post(reverse("client_login"), {"username": world["c1"].user.username, "password": f.PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == reverse("client_home")


def test_staff_login_refuses_client_accounts(world):
    http = HttpClient()
    resp = http.post(reverse("login"), {"username": world["c1"].user.username, "password": f.PASSWORD})
    assert resp.status_code == 200 and "_auth_user_id" not in http.session
    assert "Min side" in text(resp)


def test_client_login_is_throttled(world):
    http = HttpClient()
    for _ in range(5):
        http.post(reverse("client_login"), {"username": world["c1"].user.username, "password": "feil-passord"})
    resp = http.post(reverse("client_login"), {"username": world["c1"].user.username, "password": f.PASSWORD})
    assert resp.status_code == 429 and "_auth_user_id" not in http.session


def test_passwords_are_argon2_and_sessions_expire(world, settings):
    assert world["c1"].user.password.startswith("argon2")
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    http = HttpClient()
    http.post(reverse("client_login"), {"username": world["c1"].user.username, "password": f.PASSWORD})
    assert 0 < http.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_english_is_available(world):
    http = login(world["counsellor"].user)
    http.post(reverse("set_language"), {"language": "en", "next": reverse("overview")})
    body = text(http.get(reverse("overview")))
    assert "My overview" in body or "My caseload" in body


def test_deadline_filter(world):
    c2 = world["c2"]
    services.create_task(user=world["counsellor"].user, client=c2, title="Ring bruker", deadline=clock.now() + dt.timedelta(days=3))
    body = text(login(world["counsellor"].user).get(reverse("overview"), {"deadline_7": "on"}))
    assert c2.last_name in body and "Ring bruker" in body


def test_one_bad_filter_value_keeps_the_other_filters(world):
    body = text(login(world["counsellor"].user).get(reverse("overview"), {"manual": "on", "page": "abc"}))
    assert world["c2"].last_name in body and world["c1"].last_name not in body


def test_second_approver_returns_decision_with_reason(world):
    c = world["c1"]
    wca = services.create_assessment(user=world["counsellor"].user, client=c, resource_profile="Ryggplager.",
                                      client_self_assessment="Kan jobbe litt.", reduced_work_capacity=True)
    d = services.draft_decision(user=world["counsellor"].user, client=c, need_group="VARIG_TILPASSET_INNSATS",
                                main_goal="OKE_DELTAKELSE", justification="Varig nedsatt.", assessment=wca)
    d = services.submit_decision(user=world["counsellor"].user, decision=d)
    appr = login(world["approver"].user)
    resp = appr.post(reverse("decision_action", args=[d.pk, "return"]), {"reason": ""})
    d.refresh_from_db()
    assert resp.status_code == 302 and d.status == "awaiting_approval"  # a reason is required
    appr.post(reverse("decision_action", args=[d.pk, "return"]), {"reason": "Begrunnelsen må vise til vurderingen."})
    d.refresh_from_db()
    assert d.status == "draft"
    assert Task.objects.filter(owner=world["counsellor"], decision=d, status="open").exists()
    body = text(login(world["counsellor"].user).get(reverse("person", args=[c.pk])))
    assert "Vedtak returnert fra beslutter" in body


def test_client_pages_in_english(world):
    http = login(world["c1"].user)
    http.post(reverse("set_language"), {"language": "en", "next": reverse("client_home")})
    body = text(http.get(reverse("client_home")))
    assert "Your plan" in body and "I have read the requirement and accept it" in body


def test_client_gives_own_view_of_needs_and_counsellors_view_is_kept(world):
    c = world["c1"]
    login(world["counsellor"].user).post(reverse("mapping_edit", args=[c.pk]), {"housing__counsellor": "2"})
    http = login(c.user)
    assert http.get(reverse("client_mapping")).status_code == 200
    assert http.post(reverse("client_mapping"), {"housing__client": "3", "housing__comment": "Bor hos en venn"}).status_code == 302
    assert http.post(reverse("client_mapping"), {"housing__counsellor": "0", "housing__client": "9"}).status_code == 422
    m = c.mappings.order_by("-version").first()
    e = m.entries.get(domain="housing")
    assert (e.counsellor_severity, e.client_severity, e.comment) == (2, 3, "Bor hos en venn")
