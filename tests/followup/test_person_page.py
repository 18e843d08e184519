"""The person page built for action (issue 13, part 4): what needs the counsellor first, then the
dialogue, plan, decision, mapping, notes and journal; the measures panel folded; a save confirmed
beside what changed; journal entries linking to what they record; deadlines that read as overdue
once passed; and a page that does not grow with the client's history (a first screen of each
section, the rest a page at a time, every item on exactly one page)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.core.models import AuditEntry
from skreddersy.followup import selectors, services
from skreddersy.followup.models import Activity, ActivityPlan, JournalEntry, MeetingNote, Message, Task, Thread
from skreddersy.followup.templatetags.followup_tags import deadline_phrase
from tests import factories as f

HX = {"HX-Request": "true"}
LONG_REASON = ("Arbeidsevnevurderingen sier ikke hvorfor bruker trenger varig tilpasset innsats. " * 11).strip()


@pytest.fixture
def world(org):
    counsellor = org["counsellor"]
    approver = f.staff("second_approver", offices=[org["a"]])
    c = f.client(org["a"], counsellor, login=True)
    http = HttpClient()
    http.force_login(counsellor.user)
    return {
        "c": c,
        "nav": f.fresh_user(counsellor),
        "counsellor": counsellor,
        "approver": f.fresh_user(approver),
        "http": http,
        "office": org["a"],
    }


def _everything_needs_action(w):
    """A client with a message awaiting Nav's reply, a decision returned by the second approver, a
    task due and an activity requirement the client has not approved, and something in every section."""
    c, nav = w["c"], w["nav"]
    services.start_thread(user=nav, client=c, subject="Gammel samtale", body="Hei fra Nav")
    t = services.start_thread(
        user=f.fresh_user(c.user), client=c, subject="Spørsmål om kurs", body="Kan jeg ta norskkurs?"
    )
    a = services.create_assessment(
        user=nav,
        client=c,
        resource_profile="Ressurser.",
        client_self_assessment="Jeg vil jobbe.",
        reduced_work_capacity=True,
    )
    d = services.draft_decision(
        user=nav,
        client=c,
        need_group="VARIG_TILPASSET_INNSATS",
        main_goal="OKE_DELTAKELSE",
        justification="x",
        assessment=a,
    )
    d = services.submit_decision(user=nav, decision=d)
    services.return_decision(user=w["approver"], decision=d, reason=LONG_REASON)
    services.create_task(user=nav, client=c, title="Ring bruker", deadline=clock.now() + dt.timedelta(days=2))
    req = services.add_activity(
        user=nav,
        client=c,
        title="Delta på jobbklubb",
        type="measure",
        is_requirement=True,
        legal_basis="folketrygdloven § 11-7",
        consequence="Pengene kan stanses.",
    )
    services.log_contact(user=nav, client=c, channel="phone", summary="Snakket om kurs")
    return t, d, req


# --- order: what needs action first ---------------------------------------------------------------------


def test_sections_come_in_the_order_of_the_days_work(world):
    thread, decision, req = _everything_needs_action(world)
    html = world["http"].get(reverse("person", args=[world["c"].pk])).content.decode()
    order = [
        'id="handling"',
        'id="dialog"',
        'id="plan"',
        'id="vedtak"',
        'id="kartlegging"',
        'id="referater"',
        'id="journal"',
    ]
    positions = [html.index(s) for s in order]
    assert positions == sorted(positions)
    action = html[html.index('id="handling"') : html.index('id="dialog"')]
    # inside "needs action": the message to answer, the returned decision, tasks due, requirements
    parts = [f'id="traad-{thread.pk}"', 'id="returnert"', 'id="oppgaver"', 'id="krav-ikke-godtatt"']
    assert [action.index(s) for s in parts] == sorted(action.index(s) for s in parts)
    assert f'id="reply-{thread.pk}"' in action  # the reply box is there, near the top
    assert LONG_REASON in action  # the approver's reason in full, not cut
    assert "Ring bruker" in action and "Delta på jobbklubb" in action
    # the awaiting thread stands once on the page (no second reply box in the dialogue)
    assert html.count(f'id="traad-{thread.pk}"') == 1


def test_measures_panel_is_folded_and_nothing_loads_by_itself_above_the_fold(world):
    from django.urls import NoReverseMatch

    _everything_needs_action(world)
    html = world["http"].get(reverse("person", args=[world["c"].pk])).content.decode()
    assert 'hx-trigger="load"' not in html  # nothing arrives late and moves the page
    try:
        reverse("matching_panel", args=[world["c"].pk])
    except NoReverseMatch:
        pytest.fail("the measures panel's URL is gone")
    panel = re.search(r'<details id="tiltak"[^>]*>', html)
    assert panel and " open" not in panel.group(0) and 'hx-trigger="toggle once"' in panel.group(0)


def test_overview_links_straight_to_the_message_awaiting_a_reply(world):
    _everything_needs_action(world)
    html = world["http"].get("/oversikt/?status=awaiting_nav").content.decode()
    assert f'href="/bruker/{world["c"].pk}/#venter-svar"' in html


# --- saving: the confirmation stands beside what changed ---------------------------------------------


def test_reply_with_htmx_returns_the_thread_with_its_confirmation_focused(world):
    thread, _d, _r = _everything_needs_action(world)
    resp = world["http"].post(reverse("thread_reply", args=[thread.pk]), {"body": "Ja, det kan du."}, headers=HX)
    html = resp.content.decode()
    assert resp.status_code == 200 and html.lstrip().startswith(f'<article class="app-thread" id="traad-{thread.pk}"')
    status = re.search(r'<div class="aksel-alert[^"]*app-saved"[^>]*>', html).group(0)
    assert 'role="status"' in status and "autofocus" in status and 'tabindex="-1"' in status
    assert "Svaret er sendt." in html and "Ja, det kan du." in html
    assert "<script" not in html  # focus by attribute: the CSP forbids inline script
    assert not Thread.objects.get(pk=thread.pk).awaiting_nav_reply


def test_reply_without_htmx_goes_back_to_the_thread_with_the_confirmation_in_it(world):
    thread, _d, _r = _everything_needs_action(world)
    resp = world["http"].post(reverse("thread_reply", args=[thread.pk]), {"body": "Ja."})
    assert resp.status_code == 302 and resp["Location"].endswith(f"#traad-{thread.pk}")
    html = world["http"].get(resp["Location"]).content.decode()
    article = html[html.index(f'id="traad-{thread.pk}"') :]
    article = article[: article.index("</article>")]
    assert "Svaret er sendt." in article
    top = html[: html.index('id="handling"')]
    assert "Svaret er sendt." not in top  # not at the top of the page, far from the thread


def test_empty_reply_with_htmx_shows_the_error_in_the_thread_and_writes_nothing(world):
    thread, _d, _r = _everything_needs_action(world)
    n = Message.objects.count()
    resp = world["http"].post(reverse("thread_reply", args=[thread.pk]), {"body": "  "}, headers=HX)
    html = resp.content.decode()
    assert resp.status_code == 200 and "Skriv et svar før du sender." in html and "app-saved" not in html
    assert Message.objects.count() == n


# --- journal links ----------------------------------------------------------------------------------------


def test_journal_entries_link_to_the_item_they_record(world):
    thread, decision, req = _everything_needs_action(world)
    c, http = world["c"], world["http"]
    links = {}
    for e in JournalEntry.objects.filter(client=c):
        if e.object_type in ("Message", "Activity", "NeedsDecision", "MeetingNote"):
            links[(e.object_type, e.object_id)] = e
    page = reverse("person", args=[c.pk])
    msg = Message.objects.filter(thread=thread).first()
    note = MeetingNote.objects.get(client=c)
    expected = {
        ("Message", msg.pk): f"{page}?melding={msg.pk}#melding-{msg.pk}",
        ("Activity", req.pk): f"{page}?aktivitet={req.pk}#aktivitet-{req.pk}",
        ("NeedsDecision", decision.pk): reverse("decision_detail", args=[decision.pk]),
        ("MeetingNote", note.pk): f"{page}?referat={note.pk}#referat-{note.pk}",
    }
    html = http.get(reverse("person_journal", args=[c.pk]) + "?etter=0", headers=HX).content.decode()
    html += http.get(page).content.decode()
    for key, href in expected.items():
        assert key in links
        assert f'href="{href.replace("&", "&amp;")}"' in html, key


def test_a_journal_link_to_an_old_message_shows_it_though_it_is_not_on_the_first_screen(world):
    c, nav = world["c"], world["nav"]
    old = services.start_thread(user=nav, client=c, subject="Helt først", body="Den aller første meldingen")
    first = Message.objects.get(thread=old)
    for i in range(2 * selectors.THREADS_FIRST):
        services.start_thread(user=nav, client=c, subject=f"Senere {i}", body="Hei")
    Thread.objects.filter(pk=old.pk).update(last_message_at=clock.now() - dt.timedelta(days=300))
    page = reverse("person", args=[c.pk])
    assert f'id="melding-{first.pk}"' not in world["http"].get(page).content.decode()
    html = world["http"].get(f"{page}?melding={first.pk}").content.decode()
    assert f'id="melding-{first.pk}"' in html and "Den aller første meldingen" in html
    # another client's message id shows nothing of theirs
    other = f.client(world["office"], world["counsellor"])
    t2 = services.start_thread(user=nav, client=other, subject="Annen", body="Hemmelig annen bruker")
    m2 = Message.objects.get(thread=t2)
    assert "Hemmelig annen bruker" not in world["http"].get(f"{page}?melding={m2.pk}").content.decode()


def test_a_journal_link_to_a_note_marks_that_note_and_no_other(world):
    _everything_needs_action(world)
    c, http = world["c"], world["http"]
    note = MeetingNote.objects.get(client=c)
    page = reverse("person", args=[c.pk])
    marked = f'class="app-card app-focus" id="referat-{note.pk}"'
    assert marked in http.get(f"{page}?referat={note.pk}").content.decode()
    plain = http.get(page).content.decode()
    assert f'id="referat-{note.pk}"' in plain and "app-focus" not in plain
    # another client's note id marks nothing and shows nothing of theirs
    other = f.client(world["office"], world["counsellor"])
    services.log_contact(user=world["nav"], client=other, channel="phone", summary="Hemmelig referat annen bruker")
    theirs = MeetingNote.objects.get(client=other)
    html = http.get(f"{page}?referat={theirs.pk}").content.decode()
    assert "app-focus" not in html and "Hemmelig referat annen bruker" not in html


# --- overdue reads as overdue --------------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


@given(days=st.integers(min_value=-800, max_value=800), minutes=st.integers(min_value=0, max_value=24 * 60 - 1))
def test_deadline_words_say_passed_exactly_when_passed(days, minutes):
    from django.utils import timezone

    today = timezone.localtime(NOW).date()
    as_date = today + dt.timedelta(days=days)
    words, overdue = deadline_phrase(as_date, now=NOW)
    assert overdue == (days < 0)
    assert ("passert" in words) == overdue and "snart" not in words
    if overdue:
        assert as_date.strftime("%d.%m") in words
    at = timezone.make_aware(dt.datetime.combine(as_date, dt.time()), timezone.get_current_timezone()) + dt.timedelta(
        minutes=minutes
    )
    words, overdue = deadline_phrase(at, now=NOW)
    assert overdue == (at < NOW) and ("passert" in words) == overdue and "snart" not in words


def test_every_deadline_on_the_pages_reads_overdue_once_passed(world):
    c, nav, http = world["c"], world["nav"], world["http"]
    yesterday = clock.now() - dt.timedelta(days=1)
    services.create_task(user=nav, client=c, title="Kall inn", deadline=clock.now() + dt.timedelta(hours=1))
    Task.objects.filter(client=c, title="Kall inn").update(deadline=yesterday)
    type(c).objects.filter(pk=c.pk).update(assessment_due=clock.today() - dt.timedelta(days=3))
    words = deadline_phrase(yesterday)[0]
    assert words.startswith("frist passert")
    for url in (reverse("person", args=[c.pk]), "/oversikt/", "/oppgaver/"):
        html = http.get(url).content.decode()
        assert words in html, url
        assert "snart" not in html.lower(), url


# --- a page that does not grow with the history --------------------------------------------------------------


def _long_history(c, staff, n: int):
    """n journal entries, n messages in threads of 5, n activities (most finished), n notes."""
    user = staff.user
    plan = ActivityPlan.objects.create(client=c)
    t0 = clock.now() - dt.timedelta(days=400)
    Activity.objects.bulk_create(
        Activity(
            plan=plan,
            client=c,
            title=f"A{i}",
            type="own",
            created_by_role="counsellor",
            created_by=user,
            status="done" if i % 4 else "ongoing",
            updated_at=t0 + dt.timedelta(hours=i),
        )
        for i in range(n)
    )
    threads = Thread.objects.bulk_create(
        Thread(client=c, subject=f"T{i}", last_message_at=t0 + dt.timedelta(hours=i), awaiting_nav_reply=i == 0)
        for i in range(max(1, n // 5))
    )
    Message.objects.bulk_create(
        Message(
            thread=threads[i % len(threads)],
            sender=user,
            from_client=i % 2 == 0,
            body=f"M{i}",
            sent_at=t0 + dt.timedelta(minutes=i),
        )
        for i in range(n)
    )
    JournalEntry.objects.bulk_create(
        JournalEntry(client=c, at=t0 + dt.timedelta(minutes=i // 3), kind="note", summary=f"J{i}", actor=user)
        for i in range(n)
    )
    MeetingNote.objects.bulk_create(
        MeetingNote(client=c, channel="sms", summary="x", written_by=staff) for _ in range(n)
    )


@pytest.mark.parametrize("url", ["person", "api"])
def test_queries_are_the_same_for_2_and_500_entries(world, django_assert_num_queries, url):
    staff = world["counsellor"]
    short = f.client(world["office"], staff)
    long = f.client(world["office"], staff)
    _long_history(short, staff, 2)
    _long_history(long, staff, 500)

    def path(c):
        return reverse("person", args=[c.pk]) if url == "person" else f"/api/v1/clients/{c.pk}"

    http = world["http"]
    http.get(path(short))  # warm caches (reference data, session)
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(path(short)).status_code == 200
    with django_assert_num_queries(len(ctx.captured_queries)):
        resp = http.get(path(long))
    assert resp.status_code == 200
    if url == "person":  # a first screen: ten journal lines, not five hundred
        assert resp.content.decode().count('class="app-journal-entry') == selectors.JOURNAL_FIRST


def test_the_page_view_is_one_audit_entry_and_each_page_of_more_a_read_of_the_client(world):
    c = world["c"]
    _long_history(c, world["counsellor"], 60)
    http = world["http"]
    before = AuditEntry.objects.count()
    http.get(reverse("person", args=[c.pk]))
    new = list(AuditEntry.objects.order_by("id"))[before:]
    assert [(e.action, e.client_id, e.what) for e in new] == [("read", c.pk, selectors.PERSON_WHAT)]
    cursor = JournalEntry.objects.filter(client=c).order_by("-at", "-id")[9].pk
    thread = Thread.objects.filter(client=c).first()
    oldest = Message.objects.filter(thread=thread).order_by("sent_at").last()
    for url in (
        reverse("person_journal", args=[c.pk]) + f"?etter={cursor}",
        reverse("person_threads", args=[c.pk]) + f"?etter={thread.pk}",
        reverse("thread_older", args=[thread.pk]) + f"?for={oldest.pk}",
        reverse("person_activities", args=[c.pk]) + "?fra=10",
        reverse("person_notes", args=[c.pk]) + "?fra=5",
        f"/api/v1/clients/{c.pk}/journal?before_id={cursor}",
        f"/api/v1/clients/{c.pk}/messages?limit=3",
        f"/api/v1/threads/{thread.pk}/messages?before_id={oldest.pk}",
    ):
        before = AuditEntry.objects.count()
        assert http.get(url, headers=HX).status_code == 200, url
        new = list(AuditEntry.objects.order_by("id"))[before:]
        assert [(e.action, e.client_id) for e in new] == [("read", c.pk)], url


def _ids(html: str, prefix: str) -> list[int]:
    return [int(x) for x in re.findall(rf'id="{prefix}-(\d+)"', html)]


def test_show_more_pages_through_the_journal_on_the_page(world):
    c = world["c"]
    _long_history(c, world["counsellor"], 130)
    http = world["http"]
    html = http.get(reverse("person", args=[c.pk])).content.decode()
    shown = re.findall(r'<span class="app-journal-text">(J\d+)</span>', html)
    while m := re.search(r'hx-get="([^"]*journal/\?etter=\d+)"', html):
        html = http.get(m.group(1).replace("&amp;", "&"), headers=HX).content.decode()
        shown += re.findall(r'<span class="app-journal-text">(J\d+)</span>', html)
    expected = [e.summary for e in JournalEntry.objects.filter(client=c).order_by("-at", "-id")]
    assert shown == expected


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(
    n=st.integers(min_value=0, max_value=70),
    limit=st.integers(min_value=1, max_value=25),
    ties=st.integers(min_value=1, max_value=5),
    kinds=st.sampled_from([None, ["note"], ["task"]]),
)
def test_journal_pages_hold_every_entry_exactly_once(world, n, limit, ties, kinds):
    c, nav = world["c"], world["nav"]
    JournalEntry.objects.filter(client=c).delete()
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    JournalEntry.objects.bulk_create(  # ``ties`` entries share each timestamp: the id breaks the tie
        JournalEntry(
            client=c, at=t0 + dt.timedelta(minutes=i // ties), kind="note" if i % 3 else "task", summary=str(i)
        )
        for i in range(n)
    )
    seen, cursor = [], None
    while True:
        page = selectors.journal_page(user=nav, client_id=c.pk, kinds=kinds, before_id=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [e.pk for e in page.items]
        if not page.more:
            break
        cursor = page.cursor
    expected = JournalEntry.objects.filter(client=c)
    if kinds:
        expected = expected.filter(kind__in=kinds)
    assert seen == list(expected.order_by("-at", "-id").values_list("pk", flat=True))


@SETTINGS
@given(
    n_threads=st.integers(min_value=0, max_value=30),
    per=st.integers(min_value=1, max_value=12),
    limit=st.integers(min_value=1, max_value=10),
    msg_limit=st.integers(min_value=1, max_value=10),
    awaiting=st.sets(st.integers(min_value=0, max_value=29), max_size=6),
)
def test_dialogue_pages_hold_every_thread_and_message_exactly_once(world, n_threads, per, limit, msg_limit, awaiting):
    c, nav = world["c"], world["nav"]
    Thread.objects.filter(client=c).delete()
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    threads = Thread.objects.bulk_create(  # pairs share a time: the id breaks the tie
        Thread(
            client=c, subject=f"T{i}", last_message_at=t0 + dt.timedelta(hours=i // 2), awaiting_nav_reply=i in awaiting
        )
        for i in range(n_threads)
    )
    Message.objects.bulk_create(
        Message(thread=t, sender=nav, from_client=False, body="x", sent_at=t0 + dt.timedelta(minutes=j // 2))
        for t in threads
        for j in range(per)
    )
    # the person page: awaiting ones at the top, the others on the first screen and then a page at a time
    p = selectors.person(user=nav, client_id=c.pk)
    listed = [t.pk for t in p.awaiting] + [t.pk for t in p.threads]
    cursor, more = p.threads_cursor, p.threads_more
    while more:
        page = selectors.thread_page(user=nav, client_id=c.pk, before_id=cursor, limit=limit)
        listed += [t.pk for t in page.items]
        cursor, more = page.cursor, page.more
    assert sorted(listed) == sorted(t.pk for t in threads) and len(listed) == len(set(listed))
    # one thread's messages: the newest on the card, older ones a page at a time, oldest first
    for t in threads[:3]:
        card = selectors.thread_card(user=nav, thread_id=t.pk)
        shown = [m.pk for m in card.recent_messages]
        cursor = shown[0] if card.older_count else None
        while cursor:
            _t, page = selectors.thread_messages(user=nav, thread_id=t.pk, before_id=cursor, limit=msg_limit)
            shown = [m.pk for m in page.items] + shown
            cursor = page.cursor
        assert shown == list(Message.objects.filter(thread=t).order_by("sent_at", "id").values_list("pk", flat=True))


@SETTINGS
@given(n=st.integers(min_value=0, max_value=60), limit=st.integers(min_value=1, max_value=25))
def test_activity_and_note_pages_hold_every_item_exactly_once(world, n, limit):
    c, nav, staff = world["c"], world["nav"], world["counsellor"]
    Activity.objects.filter(client=c).delete()
    MeetingNote.objects.filter(client=c).delete()
    plan = ActivityPlan.objects.filter(client=c, closed_at__isnull=True).first() or ActivityPlan.objects.create(
        client=c
    )
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    Activity.objects.bulk_create(
        Activity(
            plan=plan,
            client=c,
            title=f"A{i}",
            type="own",
            created_by_role="counsellor",
            created_by=nav,
            status="done" if i % 3 else "planned",
            updated_at=t0 + dt.timedelta(hours=i // 2),
        )
        for i in range(n)
    )
    MeetingNote.objects.bulk_create(
        MeetingNote(client=c, channel="sms", summary=f"N{i}", written_by=staff, held_at=t0 + dt.timedelta(hours=i // 2))
        for i in range(n)
    )
    p = selectors.person(user=nav, client_id=c.pk)
    closed = [a.pk for a in p.closed_activities]
    offset, more = len(closed), p.closed_more
    while more:
        page, offset = selectors.closed_activities(user=nav, client_id=c.pk, offset=offset, limit=limit)
        closed += [a.pk for a in page.items]
        more = page.more
    assert sorted(closed) == sorted(
        Activity.objects.filter(client=c).exclude(status="planned").values_list("pk", flat=True)
    )
    assert len(closed) == len(set(closed))
    notes = [x.pk for x in p.notes]
    offset, more = len(notes), p.notes_more
    while more:
        page, offset = selectors.notes_page(user=nav, client_id=c.pk, offset=offset, limit=limit)
        notes += [x.pk for x in page.items]
        more = page.more
    assert notes == list(MeetingNote.objects.filter(client=c).order_by("-held_at", "-id").values_list("pk", flat=True))


def test_api_pages_follow_the_next_cursor_header(world):
    c = world["c"]
    _long_history(c, world["counsellor"], 120)
    http = world["http"]
    seen, url = [], f"/api/v1/clients/{c.pk}/journal?limit=17"
    while url:
        resp = http.get(url)
        assert resp.status_code == 200
        seen += [e["id"] for e in resp.json()]
        nxt = resp.headers.get("X-Next-Before-Id")
        url = f"/api/v1/clients/{c.pk}/journal?limit=17&before_id={nxt}" if nxt else None
    assert seen == list(JournalEntry.objects.filter(client=c).order_by("-at", "-id").values_list("pk", flat=True))
    assert http.get(f"/api/v1/clients/{c.pk}/journal?limit=0").status_code == 422
    assert http.get(f"/api/v1/clients/{c.pk}/messages?limit=999").status_code == 422
    card = http.get(f"/api/v1/clients/{c.pk}").json()
    assert (
        len(card["journal"]) == selectors.JOURNAL_FIRST and card["journal_next_before_id"] == card["journal"][-1]["id"]
    )
    assert card["more_closed_activities"] is True
