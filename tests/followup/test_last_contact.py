"""Days since the last contact, as each reader may know it (issue 17, the KVP rule; issue 12, the
state/municipal rule).

"Last contact" is the newest contact with a client (a message from Nav, a meeting note) that the
reader may see. A figure built from every contact would tell a state counsellor of a municipal
note, or of a KVP follower's call, by moving "days since contact", "no contact in 90 days", the
contact standard's red light or the order of the list sorted by contact.

A generic writer, over generated histories (hypothesis), through the services only: contacts
logged on either side, messages started by staff, client questions routed to the municipal services
and answered by either side, KVP periods started and ended with different followers, consents to
share either side's notes given and withdrawn, at moving times. For every reader (a state leader,
two municipal leaders) every figure that carries the last contact equals an oracle computed here
from the rules' text over the rows written: the person card, the overview's row figure, its
"no contact in 90 days" and "over the contact standard" lists, counters and row marker, the
order sorted by contact, and the counsellor's own red lights on the workload page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.clients import contact
from skreddersy.clients.models import Client, KvpPeriod, SharingConsent
from skreddersy.clients.services import update_sharing_consent
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.records import LEGAL_BASIS, RecordCategory, side_of
from skreddersy.followup import lastcontact, overview, periods, selectors, services
from skreddersy.followup.models import MeetingNote, Message, Thread
from skreddersy.workload import selectors as workload
from tests import factories as f

START = dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC)
STAFF = ("state", "m1", "m2")
MUNICIPAL = ("m1", "m2")

step_st = st.one_of(
    # a contact logged by hand: on the writer's own side, or (municipal staff) on the state's
    st.tuples(st.just("note"), st.sampled_from(STAFF), st.booleans()),
    st.tuples(st.just("nav_message"), st.sampled_from(STAFF)),
    # the client asks; routed to the municipal services or not
    st.tuples(st.just("client_asks"), st.booleans()),
    st.tuples(st.just("reply"), st.sampled_from(STAFF)),
    # a KVP: started with these followers when none runs, ended when one runs
    st.tuples(st.just("kvp"), st.frozensets(st.sampled_from(MUNICIPAL), min_size=1)),
    # a consent to share one side's notes with the other: given (True) or withdrawn
    st.tuples(st.just("consent"), st.sampled_from([RecordCategory.MUNICIPAL_NOTES, RecordCategory.STATE_NOTES]),
              st.booleans()),
)
history_st = st.lists(st.tuples(st.integers(0, 1), step_st, st.integers(0, 30)), max_size=9)


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.freeze(None)


def _step(step, client, people, client_user):
    kind = step[0]
    user = lambda who: f.fresh_user(people[who])  # noqa: E731
    if kind == "note":
        _kind, who, state_side = step
        category = RecordCategory.STATE_NOTES if state_side or who == "state" else RecordCategory.MUNICIPAL_NOTES
        services.log_contact(user=user(who), client=client.pk, channel="phone", summary="Ringte", category=category)
    elif kind == "nav_message":
        services.start_thread(user=user(step[1]), client=client.pk, subject="Fra Nav", body="Hei")
    elif kind == "client_asks":
        thread = services.start_thread(user=client_user, client=client.pk, subject="Spørsmål", body="Hjelp")
        if step[1]:
            services.set_message_route(user=user("m1"), message=thread.messages.get().pk, route=Message.Route.MUNICIPAL)
    elif kind == "reply":
        thread = Thread.objects.filter(client=client).order_by("-created_at", "-id").first()
        if thread is not None:
            services.send_message(user=user(step[1]), thread=thread.pk, body="Svar")
    elif kind == "kvp":
        running = periods.open_kvp(client.pk)
        if running is None:
            followers = sorted(step[1])
            periods.start_kvp(user=user(followers[0]), client=client.pk, followers=[people[x].pk for x in followers],
                              reason="Vedtak om KVP")
        else:
            follower = running.followers.order_by("id").first()
            periods.end_kvp(user=f.fresh_user(follower.user), kvp=running.pk, reason="Programmet er fullført")
    elif kind == "consent":
        _kind, category, give = step
        update_sharing_consent(user=client_user, client=client.pk, give=[category] if give else [],
                               withdraw=[] if give else [category])


def _sees(staff, client: Client, category: str, at: dt.datetime, thread_at: dt.datetime | None = None) -> bool:
    """The rules' text: a contact of ``category`` at ``at`` (in a thread started at ``thread_at``)
    is seen by ``staff`` when their side holds it, the law lets both sides see it or the client
    has consented at their office; and no KVP the reader does not follow is open, or held it."""
    side = staff.employer
    if side_of(category) != side and category not in LEGAL_BASIS and not SharingConsent.objects.filter(
            client=client, category=category, recipient_side=side, office=client.office, withdrawn_at__isnull=True).exists():
        return False
    for k in KvpPeriod.objects.filter(client=client).prefetch_related("followers"):
        if staff in k.followers.all():
            continue
        if k.end is None:
            return False
        for t in (at, thread_at):
            if t is not None and k.start <= t < k.end:
                return False
    return True


def _expected(staff, client: Client) -> dt.datetime | None:
    times = [m.sent_at for m in Message.objects.filter(thread__client=client, from_client=False).select_related("thread")
             if _sees(staff, client, m.category, m.sent_at, m.thread.created_at)]
    times += [n.held_at for n in MeetingNote.objects.filter(client=client) if _sees(staff, client, n.category, n.held_at)]
    return max(times, default=None)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=history_st, wait=st.integers(0, 200))
def test_last_contact_is_what_the_reader_may_see(history, wait):
    with f.rolled_back():
        clock.freeze(START)
        office = f.office(f.county())
        people = {
            "state": f.staff("counsellor", "team_leader", offices=[office], employer="state"),
            "m1": f.staff("counsellor", "team_leader", offices=[office], employer="municipal"),
            "m2": f.staff("counsellor", "team_leader", offices=[office], employer="municipal"),
        }
        clients = [f.client(office, people["state"], login=True, need_group="SITUASJONSBESTEMT_INNSATS"),
                   f.client(office, people["m1"], login=True)]
        logins = [f.fresh_user(c.user) for c in clients]
        at = START
        for which, step, days in history:
            at += dt.timedelta(days=days, hours=1)
            clock.freeze(at)
            try:
                _step(step, clients[which], people, logins[which])
            except (AccessDenied, Conflict, InvalidInput, NotFound):
                pass  # not theirs to do (a thread they do not see, a KVP they do not follow): nothing written
        now = at + dt.timedelta(days=wait)
        clock.freeze(now)
        for c in clients:
            c.refresh_from_db()
        standards = overview.contact_standards(Client.objects.filter(office=office))
        days = standards.for_office(office.pk)
        for name, staff in people.items():
            user = f.fresh_user(staff)
            want = {c.pk: _expected(staff, c) for c in clients}
            for c in clients:
                assert selectors.person(user=user, client_id=c.pk, card=True).last_contact == want[c.pk], (name, c.pk)
                assert lastcontact.of_client(user, c) == want[c.pk], (name, c.pk)
            query = dict(scope="office", office_id=office.pk, per_page=50)
            ov = overview.caseload_overview(user=user, query=overview.OverviewQuery(**query, sort="contact"))
            got = {r.client.pk: r for r in ov.rows}
            for pk, last in want.items():
                assert got[pk].days_since_contact == (None if last is None else (now - last).days), (name, pk)
            order = sorted(clients, key=lambda c: (want[c.pk] is not None, want[c.pk] or now, c.sort_key, c.pk))
            assert [r.client.pk for r in ov.rows] == [c.pk for c in order], name
            silent = {pk for pk, last in want.items() if last is None or last < now - dt.timedelta(days=overview.NO_CONTACT_DAYS)}
            listed = overview.caseload_overview(user=user, query=overview.OverviewQuery(**query, status="no_contact_90"))
            assert {r.client.pk for r in listed.rows} == silent, name
            assert ov.counters["no_contact_90"] == len(silent), name

            def past(c, want=want):
                limit = days.get(c.need_group or contact.UNDECIDED_AS)
                return limit is not None and (want[c.pk] is None or want[c.pk] < now - dt.timedelta(days=limit))
            red = {c.pk for c in clients if past(c)}
            assert {pk for pk, r in got.items() if r.over_contact_standard} == red, name
            listed = overview.caseload_overview(user=user, query=overview.OverviewQuery(**query, status="over_contact_standard"))
            assert {r.client.pk for r in listed.rows} == red, name
            assert ov.counters["over_contact_standard"] == len(red), name
            own = {c.pk for c in clients if c.counsellor_id == staff.pk}
            assert {pk for pk, *_ in workload.own_workload(user=user).red_lights} == red & own, name


@pytest.mark.django_db
def test_a_municipal_note_does_not_move_the_state_counsellors_last_contact():
    """The named case: a municipal employee's note, then the state counsellor sees the last contact
    they can see, until the client consents to share municipal notes with the state side."""
    with f.rolled_back():
        clock.freeze(START)
        office = f.office(f.county())
        state = f.staff("counsellor", offices=[office], employer="state")
        municipal = f.staff("counsellor", offices=[office], employer="municipal")
        c = f.client(office, state, login=True)
        services.log_contact(user=f.fresh_user(state), client=c.pk, channel="phone", summary="Ringte")
        clock.freeze(START + dt.timedelta(days=30))
        services.log_contact(user=f.fresh_user(municipal), client=c.pk, channel="meeting", summary="Samtale om økonomi")
        c.refresh_from_db()
        assert c.last_contact_at == START
        assert c.last_municipal_contact_at == START + dt.timedelta(days=30)
        assert selectors.person(user=f.fresh_user(state), client_id=c.pk, card=True).last_contact == START
        assert (selectors.person(user=f.fresh_user(municipal), client_id=c.pk, card=True).last_contact
                == START + dt.timedelta(days=30))
        update_sharing_consent(user=f.fresh_user(c.user), client=c.pk, give=[RecordCategory.MUNICIPAL_NOTES])
        assert (selectors.person(user=f.fresh_user(state), client_id=c.pk, card=True).last_contact
                == START + dt.timedelta(days=30))
