"""Idempotency keys on the API's unsafe requests: a retry after a dropped connection gets the first
answer and creates nothing twice; the same key with another body is refused; keys are per user and
expire after a day (the housekeeping task deletes them); two requests with one key at the same
moment create one object (real transactions in threads, PostgreSQL and file SQLite)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connections
from django.test import Client as HttpClient

from skreddersy.core.models import IdempotencyKey
from skreddersy.core.tasks import housekeeping
from skreddersy.followup.models import Activity
from tests import factories as f


@pytest.fixture
def case(db):
    a = f.office(f.county("15"))
    own = f.staff("counsellor", offices=[a])
    colleague = f.staff("counsellor", offices=[f.office(a.county)])
    return {"own": own, "colleague": colleague, "client": f.client(a, own)}


def _http(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _post(http, client, body: dict, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return http.post(
        f"/api/v1/clients/{client.pk}/activities", data=json.dumps(body), content_type="application/json", **headers
    )


BODY = {"title": "Jobbsøkerkurs", "type": "course"}


def test_a_retry_gets_the_first_answer_and_creates_nothing(case):
    http = _http(case["own"].user)
    first = _post(http, case["client"], BODY, "retry-1")
    assert first.status_code == 201
    again = _post(http, case["client"], BODY, "retry-1")
    assert again.status_code == 201 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Activity.objects.filter(client=case["client"], title="Jobbsøkerkurs").count() == 1
    # without a key, the same request is a new one
    assert _post(http, case["client"], BODY, None).status_code == 201
    assert Activity.objects.filter(client=case["client"], title="Jobbsøkerkurs").count() == 2


def test_the_same_key_with_another_body_is_refused(case):
    http = _http(case["own"].user)
    assert _post(http, case["client"], BODY, "k-2").status_code == 201
    other = _post(http, case["client"], {**BODY, "title": "Noe annet"}, "k-2")
    assert other.status_code == 422
    data = other.json()
    assert data["code"] == "idempotency" and "annen forespørsel" in data["message"]
    assert data["detail"][0]["field"] == "Idempotency-Key"
    assert not Activity.objects.filter(title="Noe annet").exists()


def test_a_refusal_is_replayed_too(case):
    """A 4xx is the request's answer as well: the retry gets it again, not a second attempt."""
    http = _http(case["own"].user)
    bad = _post(http, case["client"], {"title": " ", "type": "course"}, "k-bad")
    assert bad.status_code == 422
    again = _post(http, case["client"], {"title": " ", "type": "course"}, "k-bad")
    assert again.status_code == 422 and again.content == bad.content and again["Idempotent-Replayed"] == "true"


def test_keys_are_per_user(case):
    """A colleague using the same key string does their own request (and sees nothing of the first)."""
    mine = _post(_http(case["own"].user), case["client"], BODY, "shared")
    theirs = _post(_http(case["colleague"].user), case["client"], BODY, "shared")
    assert mine.status_code == 201 and theirs.status_code == 404  # the colleague does not follow this client
    assert "Idempotent-Replayed" not in theirs
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "nøkkel", "a b"])
def test_a_malformed_key_is_refused(case, key):
    resp = _post(_http(case["own"].user), case["client"], BODY, key)
    assert resp.status_code == 422 and "Idempotency-Key" in resp.json()["message"]
    assert not Activity.objects.filter(title="Jobbsøkerkurs").exists()


def test_keys_expire_after_a_day_and_housekeeping_deletes_them(case):
    http = _http(case["own"].user)
    assert _post(http, case["client"], BODY, "old").status_code == 201
    IdempotencyKey.objects.filter(key="old").update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    # past its lifetime the key is free again: the request is done anew
    assert "Idempotent-Replayed" not in _post(http, case["client"], BODY, "old")
    assert Activity.objects.filter(title="Jobbsøkerkurs").count() == 2
    assert _post(http, case["client"], BODY, "fresh").status_code == 201
    IdempotencyKey.objects.filter(key="old").update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert housekeeping.call()["idempotency_keys"] == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


def test_safe_requests_and_pages_ignore_the_header(case):
    http = _http(case["own"].user)
    resp = http.get(f"/api/v1/clients/{case['client'].pk}/plan", HTTP_IDEMPOTENCY_KEY="g")
    assert resp.status_code == 200 and not IdempotencyKey.objects.exists()


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_create_one_object(rerun_on_file_sqlite):
    if rerun_on_file_sqlite():
        return
    a = f.office(f.county("16"))
    own = f.staff("counsellor", offices=[a])
    client = f.client(a, own)
    n = 4
    barrier = threading.Barrier(n)
    answers: list = []
    lock = threading.Lock()

    def go():
        try:
            http = _http(own.user)
            barrier.wait(timeout=10)
            resp = _post(http, client, BODY, "race")
            out = (resp.status_code, resp.get("Idempotent-Replayed", ""), resp.content)
        except Exception as exc:  # fail loudly below
            out = ("error", type(exc).__name__, str(exc).encode())
        finally:
            connections.close_all()
        with lock:
            answers.append(out)

    threads = [threading.Thread(target=go) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(not t.is_alive() for t in threads), "a request thread hung"
    assert Activity.objects.filter(client=client, title="Jobbsøkerkurs").count() == 1, answers
    statuses = sorted(a[0] for a in answers)
    assert statuses == [201] * n, answers  # one did the work, the others got its answer
    assert sorted(a[1] for a in answers) == ["", "true", "true", "true"]
    assert len({a[2] for a in answers}) == 1
