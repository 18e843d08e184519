"""Audit: every selector and service that touches a client leaves an entry (reads count too), and a
refused write (bad input, stale version, no access) leaves its audit entry and nothing else."""

import datetime as dt
import inspect

import pytest
from django.apps import apps

from skreddersy.clients import selectors as client_selectors
from skreddersy.clients import services as client_services
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, ServiceError
from skreddersy.core.models import AuditEntry
from skreddersy.followup import meetings, notices, ratings, selectors, services
from skreddersy.followup.models import Message
from tests import factories as f

A = AuditEntry.Action


@pytest.fixture
def env(org):
    client = f.client(org["a"], org["counsellor"], login=True)
    approver = f.staff("second_approver", offices=[org["a"]])
    e = {
        "nav": f.fresh_user(org["counsellor"]),
        "approver": f.fresh_user(approver),
        "outsider": f.fresh_user(f.staff("counsellor", "second_approver", offices=[org["b"]])),
        "me": f.fresh_user(client.user),
        "stranger": f.fresh_user(f.client(org["a"], login=True).user),
        "client": client,
        "office": org["a"],
    }
    return e


# --- objects the calls need ----------------------------------------------------------------------

def _wca(e):
    return services.create_assessment(user=e["nav"], client=e["client"], resource_profile="r", client_self_assessment="s",
                                      reduced_work_capacity=True)


def _draft(e, group="SITUASJONSBESTEMT_INNSATS", goal="SKAFFE_ARBEID", justification="b", **kw):
    return services.draft_decision(user=e["nav"], client=e["client"], need_group=group, main_goal=goal,
                                   justification=justification, **kw)


def _awaiting(e):
    d = _draft(e, "VARIG_TILPASSET_INNSATS", "OKE_DELTAKELSE", assessment=_wca(e))
    return services.submit_decision(user=e["nav"], decision=d)


def _sent(e):
    return services.submit_decision(user=e["nav"], decision=_draft(e))


def _language_mark(e):
    return services.mark_language_need(user=e["nav"], client=e["client"], subject="decision", need="translation")


def _activity(e):
    return services.add_activity(user=e["nav"], client=e["client"], title="Kurs", type="course")


def _thread(e):
    return services.start_thread(user=e["me"], client=e["client"], subject="Hei", body="Et spørsmål")


def _task(e):
    return services.create_task(user=e["nav"], client=e["client"], title="Ring", deadline=clock.now() + dt.timedelta(days=1))


def _requirement(e):
    return services.add_activity(user=e["nav"], client=e["client"], title="Jobbklubb", type="course", is_requirement=True,
                                 legal_basis="folketrygdloven § 11-7", consequence="AAP kan bli redusert.")


def _notice(e):
    return notices.send_notice(user=e["nav"], activity=_requirement(e), text="Tekst",
                               deadline=clock.today() + dt.timedelta(days=14))


def _answered(e):
    return notices.respond_to_notice(user=e["me"], notice=_notice(e), response="Jeg var syk.")


def _stale_activity(e):
    act = _activity(e)
    v = act.version
    services.update_activity(user=e["nav"], activity=act, expected_version=v, title="Kurs 2")
    return act, v


def _stale_draft(e):
    d = _draft(e)
    v = d.version
    services.update_draft(user=e["nav"], decision=d, expected_version=v, justification="ny")
    return d, v


def _done_task(e):
    t = _task(e)
    services.complete_task(user=e["nav"], task=t)
    return t


# Each service: (name, who acts, prepare(e) -> kwargs for a good call, bad variants [(prepare -> kwargs)]).
# The actor key names the user in env; "nav" is the client's counsellor, "me" the client.
SERVICES = {
    "update_client": (client_services.update_client, "nav", lambda e: dict(client=e["client"], first_name="Kari"),
                      [lambda e: dict(client=e["client"], skjermet=True), lambda e: dict(client=e["client"], first_name=" ")]),
    "create_assessment": (services.create_assessment, "nav",
                          lambda e: dict(client=e["client"], resource_profile="r", client_self_assessment="s", reduced_work_capacity=False),
                          [lambda e: dict(client=e["client"], resource_profile=" ", client_self_assessment="s", reduced_work_capacity=False)]),
    "draft_decision": (services.draft_decision, "nav",
                       lambda e: dict(client=e["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID"),
                       [lambda e: dict(client=e["client"], need_group="NOPE", main_goal="SKAFFE_ARBEID"),
                        lambda e: (_draft(e), dict(client=e["client"], need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID"))[1]]),
    "update_draft": (services.update_draft, "nav",
                     lambda e: (lambda d: dict(decision=d, expected_version=d.version, justification="endret"))(_draft(e)),
                     [lambda e: (lambda dv: dict(decision=dv[0], expected_version=dv[1], justification="x"))(_stale_draft(e)),
                      lambda e: (lambda d: dict(decision=d, expected_version=d.version, need_group="NOPE"))(_draft(e))]),
    "submit_decision": (services.submit_decision, "nav",
                        lambda e: dict(decision=_draft(e)),
                        [lambda e: dict(decision=_draft(e, justification="")),
                         lambda e: dict(decision=_sent(e))]),
    "approve_decision": (services.approve_decision, "approver",
                         lambda e: dict(decision=_awaiting(e)),
                         [lambda e: dict(decision=_draft(e))]),
    "return_decision": (services.return_decision, "approver",
                        lambda e: dict(decision=_awaiting(e), reason="Utdyp begrunnelsen."),
                        [lambda e: dict(decision=_awaiting(e), reason=" ")]),
    "discard_draft": (services.discard_draft, "nav",
                      lambda e: dict(decision=_draft(e)),
                      [lambda e: dict(decision=_sent(e))]),
    "add_activity": (services.add_activity, "nav",
                     lambda e: dict(client=e["client"], title="Kurs", type="course"),
                     [lambda e: dict(client=e["client"], title=" ", type="course"),
                      lambda e: dict(client=e["client"], title="Krav", type="course", is_requirement=True)]),
    "update_activity": (services.update_activity, "nav",
                        lambda e: (lambda a: dict(activity=a, expected_version=a.version, status="ongoing"))(_activity(e)),
                        [lambda e: (lambda av: dict(activity=av[0], expected_version=av[1], status="done"))(_stale_activity(e)),
                         lambda e: (lambda a: dict(activity=a, expected_version=a.version, type="party"))(_activity(e))]),
    "approve_activity": (services.approve_activity, "me",
                         lambda e: (lambda a: dict(activity=a, expected_version=a.version))(_activity(e)),
                         [lambda e: (lambda av: dict(activity=av[0], expected_version=av[1]))(_stale_activity(e))]),
    "disagree_with_activity": (services.disagree_with_activity, "me",
                               lambda e: dict(activity=_activity(e), body="Jeg er ikke enig."),
                               [lambda e: dict(activity=_activity(e), body=" ")]),
    # issue 17: forhåndsorientering, meetings and the client's own ratings (followup/notices.py,
    # meetings.py, ratings.py)
    "send_notice": (notices.send_notice, "nav",
                    lambda e: dict(activity=_requirement(e), text="Tekst", deadline=clock.today() + dt.timedelta(days=14)),
                    [lambda e: dict(activity=_requirement(e), text="Tekst", deadline=clock.today() + dt.timedelta(days=2)),
                     lambda e: dict(activity=_activity(e), text="Tekst", deadline=clock.today() + dt.timedelta(days=14))]),
    "respond_to_notice": (notices.respond_to_notice, "me",
                          lambda e: dict(notice=_notice(e), response="Jeg var syk."),
                          [lambda e: dict(notice=_notice(e), response=" ")]),
    "recommend_sanction": (notices.recommend_sanction, "nav",
                           lambda e: dict(activity=_answered(e).activity_id, reason="Ikke rimelig grunn."),
                           [lambda e: dict(activity=_notice(e).activity_id, reason="Før fristen.")]),
    "book_meeting": (meetings.book_meeting, "nav",
                     lambda e: dict(client=e["client"], starts_at=clock.now() + dt.timedelta(days=1), minutes=30, mode="phone",
                                    agenda="Plan"),
                     [lambda e: dict(client=e["client"], starts_at=clock.now() - dt.timedelta(days=1), minutes=30,
                                     mode="phone", agenda="Plan")]),
    "record_ratings": (ratings.record_ratings, "me",
                       lambda e: dict(client=e["client"], answers={"work_ability": "6"}),
                       [lambda e: dict(client=e["client"], answers={"work_ability": "11"})]),
    "start_thread": (services.start_thread, "me",
                     lambda e: dict(client=e["client"], subject="Spørsmål", body="Hei"),
                     [lambda e: dict(client=e["client"], subject="Spørsmål", body=" ")]),
    "send_message": (services.send_message, "nav",
                     lambda e: dict(thread=_thread(e), body="Svar"),
                     [lambda e: dict(thread=_thread(e), body="")]),
    "mark_no_reply_needed": (services.mark_no_reply_needed, "nav", lambda e: dict(thread=_thread(e)), []),
    # the interpreter or translation mark on a counsellor's text (issue 19)
    "mark_language_need": (services.mark_language_need, "nav",
                           lambda e: dict(client=e["client"], subject="message", need="interpreter"),
                           [lambda e: dict(client=e["client"], subject="message", need="x"),
                            lambda e: dict(client=e["client"], subject="x", need="interpreter")]),
    "language_need_done": (services.language_need_done, "nav", lambda e: dict(mark=_language_mark(e).pk), []),
    "mark_thread_read": (services.mark_thread_read, "nav", lambda e: dict(thread=_thread(e)), []),
    "set_message_route": (services.set_message_route, "nav",
                          lambda e: dict(message=Message.objects.get(thread=_thread(e)), route="benefit"),
                          [lambda e: dict(message=Message.objects.get(thread=_thread(e)), route="moon")]),
    "log_contact": (services.log_contact, "nav",
                    lambda e: dict(client=e["client"], channel="sms", summary="Sendte SMS"),
                    [lambda e: dict(client=e["client"], channel="fax", summary="x")]),
    "create_task": (services.create_task, "nav",
                    lambda e: dict(client=e["client"], title="Ring", deadline=clock.now() + dt.timedelta(days=1)),
                    [lambda e: dict(client=e["client"], title="", deadline=clock.now())]),
    "complete_task": (services.complete_task, "nav", lambda e: dict(task=_task(e)), [lambda e: dict(task=_done_task(e))]),
    "reopen_task": (services.reopen_task, "nav", lambda e: dict(task=_done_task(e)), [lambda e: dict(task=_task(e))]),
    "reassign_task": (services.reassign_task, "nav",
                      lambda e: dict(task=_task(e), to=f.staff("counsellor", offices=[e["office"]]).pk, note="Du tar denne"),
                      [lambda e: dict(task=_task(e), to=e["outsider"].staff.pk, note="Annet kontor")]),
    "set_reminder": (services.set_reminder, "nav",
                     lambda e: dict(client=e["client"], note="Ring om CV", deadline=clock.today() + dt.timedelta(days=3)),
                     [lambda e: dict(client=e["client"], note="Ring", deadline=clock.today() - dt.timedelta(days=1)),
                      lambda e: dict(client=e["client"], note=" ")]),
    "clear_reminder": (services.clear_reminder, "nav", lambda e: dict(client=e["client"]), []),
    "set_category": (services.set_category, "nav",
                     lambda e: dict(clients=[e["client"].pk], colour="green"),
                     [lambda e: dict(clients=[e["client"].pk], colour="pink")]),
    "set_sharing_consent": (client_services.set_sharing_consent, "me",
                            lambda e: dict(client=e["client"], categories=["financial_assistance"]),
                            [lambda e: dict(client=e["client"], categories=["moon"])]),
    "update_sharing_consent": (client_services.update_sharing_consent, "nav",
                               lambda e: dict(client=e["client"], give=["state_notes"]),
                               [lambda e: dict(client=e["client"], give=["everything"]),
                                lambda e: dict(client=e["client"], give=["kvp"], withdraw=["kvp"])]),
    "record_mapping": (client_services.record_mapping, "nav",
                       lambda e: dict(client=e["client"], entries={"language": {"counsellor": 1}}),
                       [lambda e: dict(client=e["client"], entries={"language": {"counsellor": 5}})]),
}

# Each selector: (function, prepare(e) -> kwargs).
SELECTORS = {
    "get_client": (client_selectors.get_client, lambda e: dict(client_id=e["client"].pk, what="test")),
    "mapping_history": (client_selectors.mapping_history, lambda e: dict(client_id=e["client"].pk)),
    "current_mapping": (client_selectors.current_mapping, lambda e: dict(client_id=e["client"].pk)),
    "person": (selectors.person, lambda e: dict(client_id=e["client"].pk)),
    "person_card": (selectors.person, lambda e: dict(client_id=e["client"].pk, card=True)),
    "journal": (selectors.journal, lambda e: dict(client_id=e["client"].pk)),
    "full_journal": (selectors.full_journal, lambda e: dict(client_id=e["client"].pk)),
    "decisions": (selectors.decisions, lambda e: dict(client_id=e["client"].pk)),
    "get_decision": (selectors.get_decision, lambda e: dict(decision_id=_sent(e).pk)),
    "plan": (selectors.plan, lambda e: dict(client_id=e["client"].pk)),
    "get_activity": (selectors.get_activity, lambda e: dict(activity_id=_activity(e).pk)),
    "threads": (selectors.threads, lambda e: dict(client_id=e["client"].pk)),
    "get_thread": (selectors.get_thread, lambda e: dict(thread_id=_thread(e).pk)),
    "meeting_notes": (selectors.meeting_notes, lambda e: dict(client_id=e["client"].pk)),
    "tasks": (selectors.tasks, lambda e: dict(client_id=e["client"].pk)),
    "get_task": (selectors.get_task, lambda e: dict(task_id=_task(e).pk)),
    "decision_form": (selectors.decision_form, lambda e: dict(client_id=e["client"].pk)),
    "decision_page": (selectors.decision_page, lambda e: dict(decision_id=_draft(e).pk)),
    "decision_letter": (selectors.decision_letter, lambda e: dict(decision_id=_sent(e).pk)),
    "get_message": (selectors.get_message, lambda e: dict(message_id=Message.objects.filter(thread=_thread(e)).first().pk)),
    "case_record": (selectors.case_record, lambda e: dict(client_id=e["client"].pk)),
    "mapping_form": (client_selectors.mapping_form, lambda e: dict(client_id=e["client"].pk)),
    "sharing_consent": (client_selectors.sharing_consent, lambda e: dict(client_id=e["client"].pk)),
    "reminder": (selectors.reminder, lambda e: dict(client_id=e["client"].pk)),
    # the person page's "show more" pages: each a read of the client
    "journal_page": (selectors.journal_page, lambda e: dict(client_id=e["client"].pk)),
    "thread_page": (selectors.thread_page, lambda e: dict(client_id=e["client"].pk)),
    "thread_messages": (selectors.thread_messages, lambda e: dict(thread_id=_thread(e).pk)),
    "thread_card": (selectors.thread_card, lambda e: dict(thread_id=_thread(e).pk)),
    "closed_activities": (selectors.closed_activities, lambda e: dict(client_id=e["client"].pk)),
    "plan_page": (selectors.plan_page, lambda e: dict(client_id=e["client"].pk)),
    "notes_page": (selectors.notes_page, lambda e: dict(client_id=e["client"].pk)),
}
# The user's own settings, about no client (saved filters, columns): tested in test_overview_counsellor.py.
OWN_SETTINGS = {"save_filter", "delete_saved_filter", "set_columns"}
# Lists over a caseload, each with its own audit test (test_task_inbox.py).
LIST_SELECTORS = {"task_inbox", "caseload_choices", "saved_filters"}
# Nav's own pages (forms, the export, routing, tasks): the client on their own record is refused,
# and the refusal is audited.
NAV_ONLY = {"decision_form", "decision_page", "get_message", "case_record", "reminder"}


def _data():
    """Every row of every client and follow-up table: a refused write must leave all of it as it was."""
    out = {}
    for label in ("clients", "followup"):
        for model in apps.get_app_config(label).get_models():
            out[model.__name__] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return out


def _entries(client_id):
    return list(AuditEntry.objects.filter(client_id=client_id).order_by("id"))


def _user_functions(module):
    return {n for n, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and not n.startswith("_")
            and "user" in inspect.signature(fn).parameters
            and inspect.signature(fn).parameters["user"].kind == inspect.Parameter.KEYWORD_ONLY}


def test_every_service_and_selector_is_covered_here():
    """A new service or selector taking the acting user must be added to the tables above."""
    services_found = _user_functions(services) | _user_functions(client_services)
    selectors_found = _user_functions(selectors) | _user_functions(client_selectors)
    # registering a new client (about no existing record the user sees): tests/clients/test_registration.py
    registration = {"register_client", "request_registration", "resolve_pending_registration"}
    assert services_found - set(SERVICES) - registration - OWN_SETTINGS == set()
    # approval_queue lists many clients and has its own test below; approvals_waiting is a count
    # with no client in it (tests/followup/test_second_approver.py)
    assert selectors_found - set(SELECTORS) - {"approval_queue", "approvals_waiting"} - LIST_SELECTORS == set()


def test_approval_queue_audits_each_client_shown(env):
    d = _awaiting(env)
    before = _entries(env["client"].pk)
    queue = selectors.approval_queue(user=env["approver"])
    assert [x.pk for x in queue.items] == [d.pk]
    new = _entries(env["client"].pk)[len(before):]
    assert [(x.action, x.actor_id, x.what) for x in new] == [(A.READ, env["approver"].pk, "beslutterkø")]
    with pytest.raises(AccessDenied):
        selectors.approval_queue(user=env["nav"])


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_audits_a_write(env, name):
    fn, who, good, _bad = SERVICES[name]
    kwargs = good(env)
    before = _entries(env["client"].pk)
    fn(user=env[who], **kwargs)
    new = _entries(env["client"].pk)[len(before):]
    assert [(x.action, x.actor_id) for x in new] == [(A.WRITE, env[who].pk)], name
    assert new[0].what and new[0].at is not None


@pytest.mark.parametrize("name", sorted(SERVICES))
@pytest.mark.parametrize("intruder", ["outsider", "stranger"])
def test_service_denied_leaves_a_denied_entry_and_nothing_else(env, name, intruder):
    fn, who, good, _bad = SERVICES[name]
    kwargs = good(env)
    before_entries, before_data = _entries(env["client"].pk), _data()
    with pytest.raises(AccessDenied):
        fn(user=env[intruder], **kwargs)
    new = _entries(env["client"].pk)[len(before_entries):]
    assert [(x.action, x.actor_id) for x in new] == [(A.DENIED, env[intruder].pk)], name
    assert _data() == before_data


BAD = [(name, i) for name in sorted(SERVICES) for i in range(len(SERVICES[name][3]))]


@pytest.mark.parametrize("name,variant", BAD)
def test_service_refused_input_is_audited_and_writes_nothing(env, name, variant):
    fn, who, _good, bad = SERVICES[name]
    kwargs = bad[variant](env)
    before_entries, before_data = _entries(env["client"].pk), _data()
    with pytest.raises(ServiceError) as exc:
        fn(user=env[who], **kwargs)
    new = _entries(env["client"].pk)[len(before_entries):]
    assert len(new) == 1, name
    assert new[0].actor_id == env[who].pk and "avvist" in new[0].why and exc.value.code in new[0].why
    assert _data() == before_data


def test_nav_only_services_refuse_the_client_and_audit(env):
    """The client's own record, but an action only Nav may take."""
    for name in ("create_assessment", "draft_decision", "log_contact", "create_task", "mark_no_reply_needed"):
        fn, _who, good, _bad = SERVICES[name]
        kwargs = good(env)
        before_entries, before_data = _entries(env["client"].pk), _data()
        with pytest.raises(AccessDenied):
            fn(user=env["me"], **kwargs)
        new = _entries(env["client"].pk)[len(before_entries):]
        assert [(x.action, x.actor_id) for x in new] == [(A.DENIED, env["me"].pk)], name
        assert _data() == before_data


@pytest.mark.parametrize("name", sorted(SELECTORS))
@pytest.mark.parametrize("reader", ["nav", "me"])
def test_selector_audits_the_read(env, name, reader):
    fn, prepare = SELECTORS[name]
    kwargs = prepare(env)
    before = _entries(env["client"].pk)
    if name == "get_task" and reader == "me":
        return _assert_task_hidden(env, fn, kwargs)
    if name in NAV_ONLY and reader == "me":
        with pytest.raises(AccessDenied):
            fn(user=env[reader], **kwargs)
        new = _entries(env["client"].pk)[len(before):]
        assert [(x.action, x.actor_id) for x in new] == [(A.DENIED, env[reader].pk)], name
        return
    fn(user=env[reader], **kwargs)
    new = _entries(env["client"].pk)[len(before):]
    assert [(x.action, x.actor_id) for x in new] == [(A.READ, env[reader].pk)], name


def _assert_task_hidden(env, fn, kwargs):
    """Tasks are internal: the client gets 'not found' and nothing is shown (so nothing to audit as read)."""
    from skreddersy.core.errors import NotFound

    before = _entries(env["client"].pk)
    with pytest.raises(NotFound):
        fn(user=env["me"], **kwargs)
    assert [x.action for x in _entries(env["client"].pk)[len(before):]] != [A.READ]


@pytest.mark.parametrize("name", sorted(SELECTORS))
@pytest.mark.parametrize("intruder", ["outsider", "stranger"])
def test_selector_denied_is_audited(env, name, intruder):
    fn, prepare = SELECTORS[name]
    kwargs = prepare(env)
    before = _entries(env["client"].pk)
    if name == "get_task" and intruder == "stranger":
        from skreddersy.core.errors import NotFound

        with pytest.raises(NotFound):  # clients never learn that a task exists
            fn(user=env[intruder], **kwargs)
        return
    with pytest.raises(AccessDenied):
        fn(user=env[intruder], **kwargs)
    new = _entries(env["client"].pk)[len(before):]
    assert [(x.action, x.actor_id) for x in new] == [(A.DENIED, env[intruder].pk)], name


def test_audit_entries_cannot_be_changed_or_deleted(env):
    selectors.person(user=env["nav"], client_id=env["client"].pk, card=True)
    entry = AuditEntry.objects.filter(client_id=env["client"].pk).first()
    entry.why = "skjult"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).why != "skjult"


def test_audit_never_stores_names_or_numbers(env):
    selectors.person(user=env["nav"], client_id=env["client"].pk, card=True)
    services.add_activity(user=env["nav"], client=env["client"], title="Kurs", type="course")
    c = env["client"]
    for x in AuditEntry.objects.filter(client_id=c.pk):
        text = f"{x.what} {x.why} {x.object_type}"
        assert c.fnr not in text and c.first_name not in text and c.last_name not in text


def test_audit_log_refuses_bulk_update_and_delete(env):
    from django.core.exceptions import ValidationError

    selectors.person(user=env["nav"], client_id=env["client"].pk, card=True)
    qs = AuditEntry.objects.filter(client_id=env["client"].pk)
    n = qs.count()
    with pytest.raises(ValidationError):
        qs.update(why="skjult")
    with pytest.raises(ValidationError):
        qs.delete()
    assert qs.count() == n and not qs.filter(why="skjult").exists()
