"""A page view is one audit entry holding the clients it showed, written by one statement
whatever the number of clients, with the same fields (who, when, what, why, outcome) as a single
audited read; "who has seen client X" finds every entry that covers X, newest first."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from skreddersy.core import audit, clock
from skreddersy.core.models import AuditEntry
from tests import factories as f


def _covers(entry: AuditEntry) -> set[int]:
    return ({entry.client_id} if entry.client_id is not None else set()) | set(entry.client_ids or [])


@pytest.mark.django_db
@pytest.mark.parametrize("n", [0, 1, 2, 250])
def test_one_entry_per_page_view_in_one_statement(n):
    staff = f.staff("counsellor")
    ids = list(range(10_000, 10_000 + n))
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        audit.record_reads(staff.user, reversed(ids), "oversikt", why="test " * 100)
    writes = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(writes) == (1 if n else 0)
    assert AuditEntry.objects.count() - before == (1 if n else 0)
    rows = list(AuditEntry.objects.filter(actor=staff.user))
    assert len(rows) == (1 if n else 0)
    for r in rows:
        assert _covers(r) == set(ids)
        assert (r.action, r.what, r.why, r.object_type, r.object_id) == ("read", "oversikt", ("test " * 100)[:200], "", None)


@pytest.mark.django_db
def test_a_one_client_page_is_the_same_entry_as_a_single_read():
    staff = f.staff("counsellor")
    audit.record(staff.user, 42, audit.READ, "oversikt", why="x")
    audit.record_reads(staff.user, [42], "oversikt", why="x")
    one, many = AuditEntry.objects.filter(client_id=42).order_by("id")
    fields = ("actor_id", "client_id", "client_ids", "action", "what", "why", "object_type", "object_id")
    assert [getattr(one, k) for k in fields] == [getattr(many, k) for k in fields]
    assert abs((many.at - one.at).total_seconds()) < 60


@pytest.mark.django_db
def test_who_has_seen_a_client_matches_an_independent_scan():
    """Random page views, single reads, writes and denials by several staff; for every client
    the lookup returns exactly the entries that cover it (by a plain scan of all entries here),
    newest first, and pages through them without gaps or repeats."""
    rng = random.Random(12)
    actors = [f.staff("counsellor").user for _ in range(3)]
    clients = list(range(500, 540))
    start = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    try:
        for i in range(120):
            clock.freeze(start + dt.timedelta(minutes=rng.choice([i, i, i - 1])))  # ties in time, too
            who = rng.choice(actors)
            kind = rng.random()
            if kind < 0.6:
                audit.record_reads(who, rng.sample(clients, rng.randint(1, 30)), "oversikt", why=f"side {i}")
            elif kind < 0.8:
                audit.record(who, rng.choice(clients), audit.READ, "personkort")
            elif kind < 0.9:
                audit.record(who, rng.choice(clients), audit.WRITE, "notat")
            else:
                audit.record(who, rng.choice(clients), audit.DENIED, "personkort", why="ingen tilgang")
    finally:
        clock.freeze(None)
    everything = list(AuditEntry.objects.order_by("-at", "-id"))
    for c in clients + [999]:
        expected = [e.pk for e in everything if c in _covers(e)]
        assert [e.pk for e in audit.entries_about(c, limit=10_000)] == expected
        assert sorted(AuditEntry.objects.about(c).values_list("pk", flat=True)) == sorted(expected)
        paged = [e.pk for off in range(0, len(expected) + 7, 7) for e in audit.entries_about(c, limit=7, offset=off)]
        assert paged == expected
        for e in audit.entries_about(c, limit=3):
            assert e.actor_id in {a.pk for a in actors} and e.what and e.action in {"read", "write", "denied"}


class TestWhoHasSeenAcrossTimeWindows(HypothesisTestCase):
    """On PostgreSQL the lookup reads the last month, the last year and the rest in turn and stops
    when the page is full (audit.SEEN_WINDOWS_DAYS). Whatever the spread of entries over time,
    entries exactly on a window's edge included, and whatever the page asked for, the answer is the
    same as a plain newest-first scan of every entry that covers the client."""

    @settings(max_examples=25, deadline=None)
    @given(
        ages=st.lists(
            st.one_of(
                st.integers(min_value=-86_400, max_value=4 * 366 * 86_400),  # seconds before now (a little after, too)
                st.sampled_from([d * 86_400 + e for d in audit.SEEN_WINDOWS_DAYS for e in (-1, 0, 1)]),
            ),
            min_size=0,
            max_size=40,
        ),
        limit=st.integers(min_value=1, max_value=12),
        offset=st.integers(min_value=0, max_value=45),
    )
    def test_pages_equal_a_plain_scan(self, ages, limit, offset):
        actor = f.staff("counsellor").user
        now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
        target, other = 7_000_001, 7_000_002
        try:
            for i, age in enumerate(ages):
                clock.freeze(now - dt.timedelta(seconds=age))
                if i % 3 == 0:
                    audit.record(actor, target, audit.READ, "personkort")
                elif i % 3 == 1:
                    audit.record_reads(actor, [other, target], "oversikt")
                else:
                    audit.record_reads(actor, [other, 7_000_003], "oversikt")  # not the client
            clock.freeze(now)
            expected = [e.pk for e in AuditEntry.objects.order_by("-at", "-id") if target in _covers(e)]
            got = [e.pk for e in audit.entries_about(target, limit=limit, offset=offset)]
            assert got == expected[offset:offset + limit]
        finally:
            clock.freeze(None)
