"""Two referrals racing for the last place cannot both be accepted.

Real transactions in two threads. PostgreSQL: the offering row is locked with SELECT ... FOR
UPDATE, so the second referral waits and then sees the place taken. SQLite: the settings open
every transaction with BEGIN IMMEDIATE, so writers queue. The same test runs on both."""

import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from skreddersy.core.errors import Conflict
from skreddersy.measures import services
from skreddersy.measures.models import MeasureOffering, Referral
from tests import factories as f
from tests.measures.conftest import offering

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]


def race(world, *, waiting_list_limit: int, n: int = 2):
    o = offering(world["types"]["JOBBKLUBB"], [world["bergen"]], capacity=1, waiting_list_limit=waiting_list_limit)
    clients = [f.client(world["bergen"], world["counsellor"], need_group="STANDARD_INNSATS") for _ in range(n)]
    user = world["counsellor"].user
    barrier = threading.Barrier(n)
    results: list = []
    lock = threading.Lock()

    def go(c):
        try:
            barrier.wait(timeout=10)
            r = services.refer(user=user, client=c, offering=o)
            out = r.status
        except Conflict as exc:
            out = f"conflict: {exc.message}"
        except Exception as exc:  # any other failure must fail the test loudly
            out = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=go, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(not t.is_alive() for t in threads), "a referral thread hung"
    o.refresh_from_db()
    return o, sorted(results)


def _rerun_on_a_file_database_if_in_memory(request, tmp_path) -> bool:
    """In-memory SQLite (the default test database) shares one cache between threads and answers
    "table is locked" instead of queueing; production SQLite is a file in WAL mode. So on
    in-memory SQLite this test runs itself again in a subprocess on a file database, and fails
    if that run fails or runs nothing."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return False
    env = {**os.environ, "SKREDDERSY_SQLITE_TEST_NAME": str(tmp_path / "race.sqlite3"), "HYPOTHESIS_PROFILE": "ci"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", f"{__file__}::{request.node.name}", "-rA"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0 and "PASSED" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
    return True


def test_two_referrals_for_the_last_place_without_waiting_list(world, request, tmp_path):
    if _rerun_on_a_file_database_if_in_memory(request, tmp_path):
        return
    o, results = race(world, waiting_list_limit=0)
    assert results[0] == "accepted", results
    assert results[1].startswith("conflict: Tilbudet er fullt") or results[1].startswith("conflict: Den siste plassen"), results
    assert o.occupied == 1
    assert Referral.objects.filter(offering=o, status="accepted").count() == 1


def test_racing_referrals_one_place_one_waiting(world, request, tmp_path):
    if _rerun_on_a_file_database_if_in_memory(request, tmp_path):
        return
    o, results = race(world, waiting_list_limit=5, n=4)
    assert results == ["accepted", "waiting", "waiting", "waiting"], results
    assert o.occupied == 1
    assert MeasureOffering.objects.get(pk=o.pk).occupied == Referral.objects.filter(offering=o, status="accepted").count()
