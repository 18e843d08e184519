"""A list page's reads are audited one entry per client shown, in one statement whatever the
number of clients, with the same fields as a single audited read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skreddersy.core import audit
from skreddersy.core.models import AuditEntry
from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize("n", [0, 1, 250])
def test_one_entry_per_client_in_one_statement(n):
    staff = f.staff("counsellor")
    ids = list(range(10_000, 10_000 + n))
    with CaptureQueriesContext(connection) as ctx:
        audit.record_reads(staff.user, ids, "oversikt", why="test " * 100)
    writes = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(writes) == (1 if n else 0)
    rows = list(AuditEntry.objects.filter(actor=staff.user).order_by("client_id"))
    assert [r.client_id for r in rows] == ids
    assert all((r.action, r.what, r.why, r.object_type, r.object_id) == ("read", "oversikt", ("test " * 100)[:200], "", None)
               for r in rows)
    assert len({r.at for r in rows}) <= 1


@pytest.mark.django_db
def test_entries_match_what_a_single_read_records():
    staff = f.staff("counsellor")
    audit.record(staff.user, 42, audit.READ, "oversikt", why="x")
    audit.record_reads(staff.user, [42], "oversikt", why="x")
    one, many = AuditEntry.objects.filter(client_id=42).order_by("id")
    fields = ("actor_id", "client_id", "action", "what", "why", "object_type", "object_id")
    assert [getattr(one, k) for k in fields] == [getattr(many, k) for k in fields]
    assert abs((many.at - one.at).total_seconds()) < 60
