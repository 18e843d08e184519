"""core.shapes: a statement kept per shape gives what the ORM gives for the same values, and a
build that reads anything but its key and values is caught (the test suite runs with the check on)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core.shapes import Shape, ShapeError
from skreddersy.followup.models import JournalEntry
from tests import factories as f

KINDS = [k for k, _label in JournalEntry.Kind.choices][:4]
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _orm(client_id, kinds, since, until, word):
    qs = JournalEntry.objects.filter(client_id=client_id).select_related("actor")
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    if word is not None:
        qs = qs.filter(Q(summary=word) | Q(object_type=word))
    return qs.order_by("-at", "-id")[:7]


ENTRIES = Shape("test: journal", lambda key, client_id, since, until, word: _orm(client_id, key, since, until, word))


@pytest.fixture
def two_clients(org):
    a = f.client(org["a"], org["counsellor"])
    b = f.client(org["a"], org["counsellor"])
    for i in range(24):
        for c in (a, b):
            JournalEntry.objects.create(client=c, at=T0 + dt.timedelta(hours=7 * i), kind=KINDS[i % len(KINDS)],
                                        summary=f"s{i % 3}", object_type=f"o{i % 2}")
    return a, b


@pytest.mark.django_db
@given(
    which=st.integers(0, 2),
    kinds=st.lists(st.sampled_from(KINDS), max_size=3, unique=True).map(tuple),
    since=st.none() | st.integers(0, 200).map(lambda h: T0 + dt.timedelta(hours=h)),
    until=st.none() | st.integers(0, 200).map(lambda h: T0 + dt.timedelta(hours=h)),
    word=st.none() | st.sampled_from(["s0", "s1", "o1", "nothing"]),
)
def test_a_kept_statement_reads_what_the_orm_reads(two_clients, which, kinds, since, until, word):
    a, b = two_clients
    client_id = (a.pk, b.pk, 10**9)[which]  # the third: an id no row has
    kept = ENTRIES.list(kinds, client_id, since, until, word)
    expected = list(_orm(client_id, kinds, since, until, word))
    assert [(e.pk, e.at, e.kind, e.summary) for e in kept] == [(e.pk, e.at, e.kind, e.summary) for e in expected]
    assert all(e.client_id == client_id for e in kept)


@pytest.mark.django_db
def test_the_same_shape_runs_with_new_values_without_a_new_build(two_clients):
    a, b = two_clients
    built = []

    def build(key, client_id):
        built.append(client_id)
        return JournalEntry.objects.filter(client_id=client_id).order_by("id")

    shape = Shape("test: counting builds", build)
    with override_settings(SKREDDERSY_CHECK_SHAPES=False):
        rows_a = shape.list((), a.pk)
        rows_b = shape.list((), b.pk)
    assert len(built) == 1  # the stand-in build only
    assert {e.client_id for e in rows_a} == {a.pk} and {e.client_id for e in rows_b} == {b.pk}
    assert len(rows_a) == len(rows_b) == 24


@pytest.mark.django_db
def test_a_statement_that_matches_nothing_reads_nothing(two_clients):
    shape = Shape("test: empty", lambda key, client_id: JournalEntry.objects.filter(client_id=client_id, pk__in=[]))
    assert shape.list((), two_clients[0].pk) == []


@pytest.mark.django_db
def test_a_build_that_reads_outside_its_values_is_caught(two_clients):
    """The mistake the design invites: a value taken from outside the arguments is frozen into the
    kept statement. With the check on, the second call with another outside value fails."""
    a, _b = two_clients
    outside = {"kind": KINDS[0]}
    shape = Shape("test: reads outside", lambda key, client_id: JournalEntry.objects.filter(
        client_id=client_id, kind=outside["kind"]))
    shape.list((), a.pk)
    outside["kind"] = KINDS[1]
    with pytest.raises(ShapeError, match="outside the values"):
        shape.list((), a.pk)


@pytest.mark.django_db
def test_a_key_that_does_not_fix_the_text_is_caught(two_clients):
    a, _b = two_clients
    flag = {"on": False}

    def build(key, client_id):
        qs = JournalEntry.objects.filter(client_id=client_id)
        return qs.filter(visible_to_client=True) if flag["on"] else qs

    shape = Shape("test: mis-keyed", build)
    shape.list((), a.pk)
    flag["on"] = True
    with pytest.raises(ShapeError, match="does not fix the statement's text"):
        shape.list((), a.pk)


def test_values_that_change_the_text_must_go_in_the_key():
    shape = Shape("test: bool", lambda key, flag: JournalEntry.objects.filter(visible_to_client=flag))
    with pytest.raises(TypeError, match="key"):
        shape.list((), True)


@pytest.mark.django_db
@pytest.mark.parametrize("client_id", [2**31, 2**62, -(2**40)])
def test_an_id_beyond_a_kept_statement_s_range_takes_the_orm_s_way(two_clients, client_id):
    assert ENTRIES.list((), client_id, None, None, None) == []
    assert list(_orm(client_id, (), None, None, None)) == []


def test_other_kinds_of_value_are_refused():
    with pytest.raises(TypeError, match="int, str, date or datetime"):
        ENTRIES.list((), 1.5, None, None, None)


@pytest.mark.django_db(transaction=True)
def test_a_statement_kept_in_one_thread_runs_on_another_thread_s_connection(org):
    """A threaded server: the statement compiled by one thread runs on each thread's own connection
    (Django refuses a connection shared across threads)."""
    import threading

    from django.db import connection

    a = f.client(org["a"], org["counsellor"])
    JournalEntry.objects.create(client=a, at=T0, kind=KINDS[0], summary="x")
    shape = Shape("test: threads", lambda key, client_id: JournalEntry.objects.filter(client_id=client_id).order_by("id"))
    assert len(shape.list((), a.pk)) == 1
    got, errors = [], []

    def other():
        try:
            got.append(len(shape.list((), a.pk)))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)
        finally:
            connection.close()

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert errors == [] and got == [1]
