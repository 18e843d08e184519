"""Dialogue messages routed to the municipal services are municipal records (issue 12, "state and
municipal records"; decision 0044): a message the client addressed to the municipality (for
example about financial assistance) is the municipality's under sosialtjenesteloven § 44, so a
state-employed reader without the client's consent to share municipal notes with the state at
the client's office sees neither its content nor that it exists: not in the dialogue, its count
of older messages, the journal, the export, nor by its id, as for the other municipal records.

The class, not the case: a generated matrix of reader (state or municipal employee, the client
themself) x consent (none, given, withdrawn, given at another office) x route (none, follow-up,
benefit, municipal, and routed back), read through every selector that shows messages, against
an oracle written here from the rule's text."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import SharingConsent
from skreddersy.core import clock
from skreddersy.core.errors import NotFound
from skreddersy.core.models import Role
from skreddersy.core.records import RecordCategory
from skreddersy.followup import selectors, services
from skreddersy.followup.models import JournalEntry, Message
from tests import factories as f

SECRET = "Jeg trenger penger til husleie denne måneden"
PLAIN = "Når er neste møte?"


def oracle(reader: str, consent: str, routes: tuple[str, ...]) -> bool:
    """Whether ``reader`` sees the message whose routes were set in order (the last one holds),
    from the rule's text: a message routed to the municipal services is the municipality's; the
    municipality's own staff and the client see it; state staff only with an active consent to
    share municipal notes with the state at the client's office."""
    municipal = bool(routes) and routes[-1] == Message.Route.MUNICIPAL
    if not municipal or reader in ("municipal", "self"):
        return True
    return consent == "active"


def _consent(client, state: str, elsewhere, by):
    if state == "none":
        return
    SharingConsent.objects.create(
        client=client, category=RecordCategory.MUNICIPAL_NOTES, recipient_side="state",
        office=elsewhere if state == "elsewhere" else client.office, given_by=by,
        withdrawn_at=clock.now() if state == "withdrawn" else None, withdrawn_by=by if state == "withdrawn" else None,
    )


def _seen(user, client, msg: Message, plain: Message, *, is_nav: bool) -> dict[str, bool]:
    """Whether each way of reading the dialogue shows ``msg`` to ``user`` (``plain``, an ordinary
    message after it in the same thread, is always there: the thread itself is not hidden)."""
    out = {}
    threads = selectors.threads(user=user, client_id=client.pk)
    (t,) = [t for t in threads if t.pk == msg.thread_id]
    shown = [m.pk for m in t.recent_messages]
    assert plain.pk in shown
    out["threads"] = msg.pk in shown
    out["older_count"] = t.older_count + len(shown) == 2  # the count does not give the hidden one away
    t1 = selectors.threads(user=user, client_id=client.pk, messages=1)
    (t1,) = [t for t in t1 if t.pk == msg.thread_id]
    out["older_count_1"] = t1.older_count == 1  # one shown (the newest), one older: only if seen
    _thread, page = selectors.thread_messages(user=user, thread_id=msg.thread_id)
    out["thread_messages"] = msg.pk in [m.pk for m in page.items]
    out["card"] = msg.pk in [m.pk for m in selectors.thread_card(user=user, thread_id=msg.thread_id).recent_messages]
    p = selectors.person(user=user, client_id=client.pk, focus={"message": msg.pk})
    out["person"] = any(msg.pk == m.pk for th in (p.awaiting + p.threads) for m in th.recent_messages)
    lines = [e for e in selectors.full_journal(user=user, client_id=client.pk)
             if e.object_type == "Message" and e.object_id == msg.pk]
    out["journal"] = bool(lines)
    if is_nav:
        try:
            selectors.get_message(user=user, message_id=msg.pk)
            out["by_id"] = True
        except NotFound:
            out["by_id"] = False
        rec = selectors.case_record(user=user, client_id=client.pk)
        out["export"] = any(m.pk == msg.pk for th in rec.threads for m in th.messages.all())
        out["export_journal"] = any(e.object_type == "Message" and e.object_id == msg.pk for e in rec.journal)
    return out


routes = st.lists(st.sampled_from(Message.Route.values), max_size=3).map(tuple)


def _office_pair(org):
    """A state and a municipal counsellor at office A, and a client there with a login."""
    state = f.staff(Role.COUNSELLOR, offices=[org["a"]], employer="state")
    municipal = f.staff(Role.COUNSELLOR, offices=[org["a"]], employer="municipal")
    client = f.client(org["a"], state, login=True)
    return state, municipal, client, f.fresh_user(client.user)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reader=st.sampled_from(["state", "municipal", "self"]),
       consent=st.sampled_from(["none", "active", "withdrawn", "elsewhere"]), routes=routes,
       router=st.sampled_from(["state", "municipal"]))
def test_access_matrix_employer_consent_and_route(org, reader, consent, routes, router):
    with f.rolled_back():
        state, municipal, client, client_user = _office_pair(org)
        thread = services.start_thread(user=client_user, client=client.pk, subject="Spørsmål", body=SECRET)
        msg = thread.messages.get()
        for route in routes:
            # whoever routes must still see it: the municipal side may always; state staff while they see it
            by = municipal if router == "municipal" or Message.objects.get(pk=msg.pk).route == "municipal" else state
            services.set_message_route(user=f.fresh_user(by), message=msg.pk, route=route)
        # an ordinary message after it: a state employee's reply is always the joint follow-up's
        plain = services.send_message(user=f.fresh_user(state), thread=thread.pk, body=PLAIN)
        _consent(client, consent, org["b"], client.user)
        user = {"state": lambda: f.fresh_user(state), "municipal": lambda: f.fresh_user(municipal),
                "self": lambda: f.fresh_user(client.user)}[reader]()
        expected = oracle(reader, consent, routes)
        got = _seen(user, client, msg, plain, is_nav=reader != "self")
        assert got == {k: expected for k in got}, (reader, consent, routes, got)
        # the row carries its side, and its journal lines the same
        msg.refresh_from_db()
        assert msg.category == (RecordCategory.MUNICIPAL_NOTES if routes and routes[-1] == "municipal"
                                else RecordCategory.FOLLOWUP)
        assert set(JournalEntry.objects.filter(object_type="Message", object_id=msg.pk)
                   .values_list("category", flat=True)) == {msg.category}


@pytest.fixture
def routed(org):
    state = org["counsellor"]
    municipal = f.staff(Role.COUNSELLOR, offices=[org["a"]], employer="municipal")
    client = f.client(org["a"], state, login=True)
    thread = services.start_thread(user=f.fresh_user(client.user), client=client.pk, subject="Penger", body=SECRET)
    msg = thread.messages.get()
    services.set_message_route(user=f.fresh_user(state), message=msg.pk, route=Message.Route.MUNICIPAL)
    return {"state": state, "municipal": municipal, "client": client, "thread": thread, "msg": msg}


def test_a_state_reader_cannot_route_back_what_they_cannot_see(routed):
    with pytest.raises(NotFound):
        services.set_message_route(user=f.fresh_user(routed["state"]), message=routed["msg"].pk, route="followup")
    assert Message.objects.get(pk=routed["msg"].pk).route == "municipal"
    # the municipal side may, and then the message is the joint follow-up's again
    services.set_message_route(user=f.fresh_user(routed["municipal"]), message=routed["msg"].pk, route="followup")
    got = selectors.thread_messages(user=f.fresh_user(routed["state"]), thread_id=routed["thread"].pk)[1].items
    assert routed["msg"].pk in [m.pk for m in got]


def test_the_dialogue_page_shows_a_state_reader_no_content(routed):
    http = HttpClient()
    for who, shown in ((routed["state"], False), (routed["municipal"], True)):
        http.force_login(who.user)
        page = http.get(f"/bruker/{routed['client'].pk}/").content.decode()
        assert (SECRET in page) == shown


def test_the_database_keeps_the_category_with_the_route(routed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=routed["msg"].pk).update(category=RecordCategory.FOLLOWUP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=routed["msg"].pk).update(route="followup")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replier=st.sampled_from(["state", "municipal"]),
       client_routes=st.lists(st.sampled_from(["", *Message.Route.values]), min_size=1, max_size=3))
def test_a_reply_is_held_by_the_side_that_holds_what_it_answers(org, replier, client_routes):
    """A municipal employee's reply to the client's newest message, routed to the municipal services,
    is the municipality's record (decision 0044): state staff without consent see neither it nor
    its journal line. A state employee's reply, or a reply to a message routed elsewhere, is the
    joint follow-up's. The class: any sequence of client messages and routes, either employer."""
    with f.rolled_back():
        state, municipal, client, client_user = _office_pair(org)
        thread = services.start_thread(user=client_user, client=client.pk, subject="Spørsmål", body=PLAIN)
        for i, route in enumerate(client_routes):
            msg = thread.messages.get() if i == 0 else services.send_message(user=client_user, thread=thread.pk,
                                                                             body=f"{PLAIN} {i}")
            if route:
                services.set_message_route(user=f.fresh_user(municipal), message=msg.pk, route=route)
        by = {"state": state, "municipal": municipal}[replier]
        reply = services.send_message(user=f.fresh_user(by), thread=thread.pk, body="Svar fra Nav")
        municipal_reply = replier == "municipal" and client_routes[-1] == Message.Route.MUNICIPAL
        reply.refresh_from_db()
        assert reply.category == (RecordCategory.MUNICIPAL_NOTES if municipal_reply else RecordCategory.FOLLOWUP)
        assert set(JournalEntry.objects.filter(object_type="Message", object_id=reply.pk)
                   .values_list("category", flat=True)) == {reply.category}
        _thread, page = selectors.thread_messages(user=f.fresh_user(state), thread_id=thread.pk)
        assert (reply.pk in [m.pk for m in page.items]) == (not municipal_reply)
        _thread, page = selectors.thread_messages(user=f.fresh_user(municipal), thread_id=thread.pk)
        assert reply.pk in [m.pk for m in page.items]
        _thread, page = selectors.thread_messages(user=client_user, thread_id=thread.pk)
        assert reply.pk in [m.pk for m in page.items]  # the client sees all of their own dialogue
