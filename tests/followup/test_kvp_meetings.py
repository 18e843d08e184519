"""Meetings during a KVP period (issue 17, decision 0040). A meeting is held by a KVP period when it
was booked inside it or starts inside it ([start, end)); while a KVP is open, every meeting of the
client is held by it. Staff who do not follow that KVP see no such meeting: not on the person page,
not in their møteplan, not among "møter i dag"; its page and its actions (held with a note, no-show,
cancelled) answer exactly as a meeting that does not exist, and the attempt is audited. Its
followers and the client see it as before.

The class, not the case: over generated worlds (clients with KVP periods open or ended, followed
by different municipal staff; meetings booked and starting before, inside, on the edges of and
after them, with any counsellor and any outcome), every staff member's lists are compared with an
oracle written here from the rule's text, and every hidden meeting is probed as an attacker would."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import KvpPeriod
from skreddersy.core import clock
from skreddersy.core.errors import Hidden, InvalidInput, NotFound
from skreddersy.core.models import AuditEntry, Role
from skreddersy.followup import meetings, selectors
from skreddersy.followup.models import Meeting, MeetingNote
from tests import factories as f

W0 = timezone.make_aware(dt.datetime(2026, 10, 19, 0, 0))  # a Monday; the world spans three weeks from it
STEP = dt.timedelta(hours=12)  # a coarse grid, so that times fall on a KVP's start and end often
SLOTS = 42  # three weeks of half days
NOW = W0 + dt.timedelta(days=10, hours=9)  # the clock: a Thursday in the second week
STAFF = ("state_1", "state_2", "municipal_1", "municipal_2", "municipal_3")
MUNICIPAL = tuple(s for s in STAFF if s.startswith("municipal"))


def slot(i: int) -> dt.datetime:
    return W0 + i * STEP


@st.composite
def kvp_history(draw):
    """None, one or two KVP periods one after another; the last may still be open."""
    n = draw(st.integers(0, 2))
    bounds = sorted(draw(st.lists(st.integers(0, SLOTS), min_size=2 * n, max_size=2 * n, unique=True)))
    open_last = n > 0 and draw(st.booleans())
    kvps = []
    for i in range(n):
        followers = draw(st.lists(st.sampled_from(MUNICIPAL), min_size=1, max_size=3, unique=True))
        end = None if (open_last and i == n - 1) else bounds[2 * i + 1]
        kvps.append((bounds[2 * i], end, followers))
    return kvps


meeting_st = st.fixed_dictionaries({
    "times": st.lists(st.integers(0, SLOTS - 1), min_size=2, max_size=2).map(sorted),  # booked, starts
    "offset": st.sampled_from([0, 9 * 60 + 15]),  # minutes after the slot: on a KVP's edge, or in a working day
    "counsellor": st.sampled_from(STAFF),
    "status": st.sampled_from(list(Meeting.Status.values)),
})
client_st = st.fixed_dictionaries({"kvps": kvp_history(), "meetings": st.lists(meeting_st, max_size=5)})


def oracle(staff: str, m: Meeting, kvps: list[KvpPeriod], followers: dict[int, set[str]], staff_pk: int) -> bool:
    """The rule, from its text: a staff member who does not follow a KVP period sees none of the
    client's meetings while it is open, and no meeting booked or starting inside it after it ended,
    except the meetings in their own calendar (decision 0049)."""
    if m.counsellor_id == staff_pk:
        return True
    for k in kvps:
        if staff in followers[k.pk]:
            continue
        if k.end is None:
            return False
        if any(k.start <= t < k.end for t in (m.created_at, m.starts_at)):
            return False
    return True


@pytest.fixture(autouse=True)
def _release_clock():
    yield
    clock.freeze(None)


def _people(office) -> dict:
    return {
        name: f.staff(Role.COUNSELLOR, offices=[office], employer=name.split("_")[0]) for name in STAFF
    }


def _build(office, people, spec) -> tuple:
    c = f.client(office, people["state_1"], login=True)
    period = c.periods.get()
    kvps, followers = [], {}
    for start, end, names in spec["kvps"]:
        k = KvpPeriod.objects.create(
            client=c, period=period, office=office, start=slot(start), end=None if end is None else slot(end),
            start_reason="Vedtak om KVP fattet", started_by=people[names[0]].user,
        )
        k.followers.set([people[n] for n in names])
        kvps.append(k)
        followers[k.pk] = set(names)
    ms = []
    for i, spec_m in enumerate(spec["meetings"]):
        booked, starts = (slot(t) for t in spec_m["times"])
        starts += dt.timedelta(minutes=spec_m.get("offset", 9 * 60) + 15 * i)
        ms.append(Meeting.objects.create(
            client=c, counsellor=people[spec_m["counsellor"]], starts_at=starts, ends_at=starts + dt.timedelta(minutes=45),
            mode="phone", agenda=f"Agenda {i}", status=spec_m["status"], created_by=people["state_1"].user,
            created_at=booked, updated_at=booked,
        ))
    return c, kvps, followers, ms


def _state() -> list:
    return list(Meeting.objects.order_by("pk").values_list("pk", "status", "note_id", "updated_at")) + [
        MeetingNote.objects.count()
    ]


def _missing_id() -> int:
    return (Meeting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.mark.django_db
@settings(max_examples=30)
@given(specs=st.lists(client_st, min_size=1, max_size=3))
def test_every_staff_members_meetings_are_the_oracles(specs):
    with f.rolled_back():
        clock.freeze(NOW)
        office = f.office(f.county())
        people = _people(office)
        world = [_build(office, people, spec) for spec in specs]
        weeks = [W0.date() + dt.timedelta(days=7 * i) for i in range(3)]
        for name, staff in people.items():
            user = f.fresh_user(staff)
            seen_all = set()
            for c, kvps, followers, ms in world:
                want = {m.pk for m in ms if oracle(name, m, kvps, followers, staff.pk)}
                seen_all |= want
                page = selectors.person(user=user, client_id=c.pk)
                assert {m.pk for m in page.meetings} == want, (name, "person page")
            mine = [m for _, _, _, ms in world for m in ms
                    if m.counsellor_id == staff.pk and m.status != "cancelled" and m.pk in seen_all]
            for monday in weeks:
                week = meetings.week(user=user, day=monday)
                shown = [m.pk for _, day_meetings in week.days for m in day_meetings]
                assert sorted(shown) == sorted(
                    m.pk for m in mine if monday <= timezone.localdate(m.starts_at) < monday + dt.timedelta(days=7)
                ), (name, "møteplan", monday)
            today = {m.pk for m in meetings.today_for(user=user)}
            assert today == {m.pk for m in mine if timezone.localdate(m.starts_at) == clock.today()}, (name, "i dag")
            for *_, ms in world:
                for m in ms:
                    if m.pk not in seen_all:
                        _hidden_answers_as_missing(user, m)
                    else:
                        assert meetings.get_meeting(user=user, meeting_id=m.pk).pk == m.pk
        # the client sees all of their own meetings
        for c, _, _, ms in world:
            page = selectors.person(user=f.fresh_user(c.user), client_id=c.pk, why="min side")
            assert {m.pk for m in page.meetings} == {m.pk for m in ms}


def _hidden_answers_as_missing(user, m: Meeting) -> None:
    """Every way of reaching a hidden meeting by its id answers as for an id nobody has, writes
    nothing and is audited as a refusal."""
    missing = _missing_id()
    before, denied = _state(), AuditEntry.objects.filter(actor=user, client_id=m.client_id, action="denied").count()
    calls = (
        lambda pk: meetings.get_meeting(user=user, meeting_id=pk),
        lambda pk: meetings.record_held(user=user, meeting=pk, summary="Vi snakket om planen."),
        lambda pk: meetings.record_outcome(user=user, meeting=pk, status="no_show"),
        lambda pk: meetings.record_outcome(user=user, meeting=pk, status="cancelled"),
        lambda pk: meetings.record_outcome(user=user, meeting=pk, status="nonsense"),
    )
    for call in calls:
        with pytest.raises(Hidden) as hidden:
            call(m.pk)
        with pytest.raises(NotFound) as gone:
            call(missing)
        assert (hidden.value.status, hidden.value.as_dict()) == (gone.value.status, gone.value.as_dict())
    assert _state() == before
    assert AuditEntry.objects.filter(actor=user, client_id=m.client_id, action="denied").count() == denied + len(calls)


# --- over HTTP: byte for byte --------------------------------------------------------------------------------

_CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


def _body(r, pk: int) -> bytes:
    """The answer with the two things that differ by request and not by what exists: the CSRF token
    (a new random mask on every page) and the address asked for (the language form's "next")."""
    return _CSRF.sub(rb"\1TOKEN", r.content).replace(f"/mote/{pk}/".encode(), b"/mote/ID/")


@pytest.mark.django_db
def test_a_hidden_meeting_answers_byte_for_byte_as_a_missing_one(org):
    clock.freeze(NOW)
    office = org["a"]
    people = _people(office)
    spec = {"kvps": [(2, None, ["municipal_1"])],
            "meetings": [{"times": [0, 30], "counsellor": "state_2", "status": "planned"},
                         {"times": [5, 12], "counsellor": "municipal_1", "status": "planned"}]}
    c, kvps, followers, ms = _build(office, people, spec)
    http = HttpClient()
    http.force_login(people["state_1"].user)
    missing = _missing_id()
    before = _state()
    for m in ms:
        requests = (
            lambda pk: http.get(f"/mote/{pk}/"),
            lambda pk: http.post(f"/mote/{pk}/", {"action": "held", "summary": "Vi snakket om planen."}),
            lambda pk: http.post(f"/mote/{pk}/", {"action": "no_show"}),
            lambda pk: http.post(f"/mote/{pk}/avlys/"),
        )
        for request in requests:
            hidden, gone = request(m.pk), request(missing)
            assert hidden.status_code == gone.status_code == 404
            assert _body(hidden, m.pk) == _body(gone, missing)
            assert hidden.headers.get("Content-Type") == gone.headers.get("Content-Type")
    assert _state() == before
    assert AuditEntry.objects.filter(actor=people["state_1"].user, client_id=c.pk, action="denied").count() >= 8
    # the person page and the week show neither of them, nor a count of them
    page = http.get(f"/bruker/{c.pk}/").content.decode()
    assert "Agenda 0" not in page and "Agenda 1" not in page and f"/mote/{ms[0].pk}/" not in page
    week = http.get("/moteplan/?uke=" + timezone.localdate(ms[0].starts_at).isoformat()).content.decode()
    assert "Agenda" not in week and f"/mote/{ms[0].pk}/" not in week
    # the follower sees and acts on both
    follower = HttpClient()
    follower.force_login(people["municipal_1"].user)
    assert follower.get(f"/mote/{ms[1].pk}/").status_code == 200
    r = follower.post(f"/mote/{ms[1].pk}/", {"action": "held", "summary": "Vi snakket om planen."})
    assert r.status_code == 302 and Meeting.objects.get(pk=ms[1].pk).status == "held"


@pytest.mark.django_db
def test_after_the_kvp_ends_only_what_it_held_stays_hidden(org):
    """A meeting booked before a KVP and held after it is seen again; one booked before it but
    starting inside it, or booked inside it for a time after it, is not (its note, or its booking's
    journal line, was written inside). Its counsellor, in whose calendar it is, sees every one."""
    clock.freeze(NOW)
    people = _people(org["a"])
    spec = {"kvps": [(4, 10, ["municipal_2"])],
            "meetings": [{"times": [0, 14], "counsellor": "state_1", "status": "planned"},  # before → after
                         {"times": [0, 6], "counsellor": "state_1", "status": "held"},  # before → inside
                         {"times": [6, 14], "counsellor": "state_1", "status": "planned"},  # inside → after
                         {"times": [4, 4], "counsellor": "state_1", "status": "held"},  # on the start: inside
                         {"times": [10, 10], "counsellor": "state_1", "status": "held"}]}  # on the end: after
    c, kvps, followers, ms = _build(org["a"], people, spec)
    colleague = f.fresh_user(people["state_2"])
    assert {m.pk for m in selectors.person(user=colleague, client_id=c.pk).meetings} == {ms[0].pk, ms[4].pk}
    own = f.fresh_user(people["state_1"])
    assert {m.pk for m in selectors.person(user=own, client_id=c.pk).meetings} == {m.pk for m in ms}
    follower = f.fresh_user(people["municipal_2"])
    assert {m.pk for m in selectors.person(user=follower, client_id=c.pk).meetings} == {m.pk for m in ms}


@pytest.mark.django_db
def test_a_meeting_booked_during_an_open_kvp_stays_in_the_bookers_calendar(org):
    """Decision 0049: a state counsellor who books a meeting with a client while a KVP they do not
    follow is open (nothing tells them of it) keeps the meeting: on the person page, in the møteplan,
    on its page, and its time stays taken (a second booking on top of it is refused as a clash). A
    colleague who does not follow the KVP still sees none of it; the follower sees it."""
    clock.freeze(NOW)
    people = _people(org["a"])
    c, kvps, followers, _ = _build(org["a"], people, {"kvps": [(0, None, ["municipal_1"])], "meetings": []})
    booker = f.fresh_user(people["state_1"])
    starts = NOW + dt.timedelta(days=2)
    m = meetings.book_meeting(user=booker, client=c, starts_at=starts, minutes=45, mode="phone", agenda="Oppfølging")
    assert m.pk in {x.pk for x in selectors.person(user=booker, client_id=c.pk).meetings}
    week = meetings.week(user=booker, day=timezone.localdate(starts))
    assert m.pk in [x.pk for _, ms in week.days for x in ms]
    assert meetings.get_meeting(user=booker, meeting_id=m.pk).pk == m.pk
    other = f.client(org["a"], people["state_1"])
    with pytest.raises(InvalidInput) as clash:
        meetings.book_meeting(user=booker, client=other, starts_at=starts + dt.timedelta(minutes=15), minutes=30,
                              mode="phone", agenda="Oppfølging")
    assert "starts_at" in clash.value.errors
    colleague = f.fresh_user(people["state_2"])
    assert m.pk not in {x.pk for x in selectors.person(user=colleague, client_id=c.pk).meetings}
    with pytest.raises(Hidden):
        meetings.get_meeting(user=colleague, meeting_id=m.pk)
    follower = f.fresh_user(people["municipal_1"])
    assert m.pk in {x.pk for x in selectors.person(user=follower, client_id=c.pk).meetings}


# --- the meeting note on the meeting's page: the notes' rule, whoever sees the meeting ------------------

def note_oracle(reader: str, writer: str, consent: bool, kvp: str, follows: bool) -> bool:
    """From the rules' text: a note is read by its own side, by the other side only with the client's
    consent to share that side's notes, and, written inside a KVP, only by its followers."""
    side_ok = reader.split("_")[0] == writer.split("_")[0] or consent
    kvp_ok = kvp == "none" or follows
    return side_ok and kvp_ok


@pytest.mark.django_db
@settings(max_examples=25)
@given(writer=st.sampled_from(["state_1", "municipal_1"]), reader=st.sampled_from(["state_1", "state_2", "municipal_2"]),
       consent=st.booleans(), kvp=st.sampled_from(["none", "open"]), follows=st.booleans())
def test_a_meeting_page_shows_its_note_only_to_who_may_read_the_note(writer, reader, consent, kvp, follows):
    """The meeting is in state_1's calendar. Whoever may open the meeting page sees its referat only
    when the notes' rule lets them read that note (sosialtjenesteloven § 44 and the KVP rule), as in
    the journal: the meeting being seen is not enough."""
    from skreddersy.clients.models import SharingConsent
    from skreddersy.policy.access import writable_note_categories

    with f.rolled_back():
        clock.freeze(NOW)
        office = f.office(f.county())
        people = _people(office)
        c = f.client(office, people["state_1"], login=True)
        follows = follows and reader.startswith("municipal")
        if kvp == "open":
            k = KvpPeriod.objects.create(client=c, period=c.periods.get(), office=office, start=slot(0),
                                         start_reason="Vedtak om KVP fattet", started_by=people["municipal_1"].user)
            k.followers.set([people["municipal_1"]] + ([people[reader]] if follows else []))
        m = Meeting.objects.create(client=c, counsellor=people["state_1"], starts_at=NOW - dt.timedelta(hours=1),
                                   ends_at=NOW - dt.timedelta(minutes=15), mode="phone", agenda="Agenda",
                                   created_by=people["state_1"].user, created_at=slot(1), updated_at=slot(1))
        if kvp == "open" and writer == "state_1":  # a non-follower may not open it then: write the note as the seed would
            note = MeetingNote.objects.create(client=c, category=writable_note_categories(f.fresh_user(people[writer]))[0],
                                              channel="phone", held_at=m.starts_at, summary="Referatet", written_by=people[writer])
            Meeting.objects.filter(pk=m.pk).update(status="held", note=note)
        else:
            meetings.record_held(user=f.fresh_user(people[writer]), meeting=m.pk, summary="Referatet")
        note = MeetingNote.objects.get()
        if consent:
            SharingConsent.objects.create(client=c, category=note.category, office=office, given_by=c.user,
                                          recipient_side="municipal" if writer.startswith("state") else "state")
        user = f.fresh_user(people[reader])
        try:
            got = meetings.get_meeting(user=user, meeting_id=m.pk)
        except Hidden:
            assert kvp == "open" and not follows and reader != "state_1"
            return
        want = note_oracle(reader, writer, consent, kvp, follows)
        assert (got.shown_note is not None) == want, (writer, reader, consent, kvp, follows)
        http = HttpClient()
        http.force_login(user)
        assert ("Referatet" in http.get(f"/mote/{m.pk}/").content.decode()) == want
