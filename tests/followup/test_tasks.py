"""Tasks (oppgaver): owner, deadline, status; internal to Nav."""

import datetime as dt

import pytest

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.followup import selectors, services
from skreddersy.followup.models import JournalEntry, Task
from tests import factories as f


@pytest.fixture
def desk(org):
    client = f.client(org["a"], org["counsellor"], login=True)
    return {"nav": f.fresh_user(org["counsellor"]), "me": f.fresh_user(client.user), "client": client,
            "staff": org["counsellor"]}


def _new(desk, **kw):
    return services.create_task(user=desk["nav"], client=desk["client"], title=kw.pop("title", "Ring bruker"),
                                deadline=kw.pop("deadline", clock.now() + dt.timedelta(days=1)), **kw)


def test_task_defaults_to_the_acting_counsellor_and_is_open(desk):
    t = _new(desk)
    assert t.owner_id == desk["staff"].pk and t.status == Task.Status.OPEN
    assert [x.pk for x in selectors.tasks(user=desk["nav"], client_id=desk["client"].pk)] == [t.pk]


def test_tasks_are_listed_by_deadline(desk):
    late = _new(desk, title="Senere", deadline=clock.now() + dt.timedelta(days=9))
    soon = _new(desk, title="Snart", deadline=clock.now() + dt.timedelta(hours=2))
    assert [x.pk for x in selectors.tasks(user=desk["nav"], client_id=desk["client"].pk)] == [soon.pk, late.pk]


@pytest.mark.parametrize("kw,field", [({"title": " "}, "title"), ({"deadline": None}, "deadline"), ({"kind": "nap"}, "kind")])
def test_bad_tasks_are_refused(desk, kw, field):
    with pytest.raises(InvalidInput) as exc:
        _new(desk, **kw)
    assert field in exc.value.errors
    assert not Task.objects.exists() and not JournalEntry.objects.filter(kind="task").exists()


def test_complete_once(desk):
    t = _new(desk)
    done = services.complete_task(user=desk["nav"], task=t)
    assert done.status == Task.Status.DONE and done.done_at is not None
    assert selectors.tasks(user=desk["nav"], client_id=desk["client"].pk) == []
    assert [x.pk for x in selectors.tasks(user=desk["nav"], client_id=desk["client"].pk, include_closed=True)] == [t.pk]
    with pytest.raises(Conflict):
        services.complete_task(user=desk["nav"], task=Task.objects.get(pk=t.pk))
    with pytest.raises(Conflict):
        services.complete_task(user=desk["nav"], task=t)  # a stale copy that still says open


def test_tasks_are_internal(desk):
    t = _new(desk)
    assert selectors.tasks(user=desk["me"], client_id=desk["client"].pk) == []
    with pytest.raises(NotFound):
        selectors.get_task(user=desk["me"], task_id=t.pk)
    with pytest.raises(AccessDenied):
        services.create_task(user=desk["me"], client=desk["client"], title="x", deadline=clock.now())
    with pytest.raises(AccessDenied):
        services.complete_task(user=desk["me"], task=t)
    assert Task.objects.get(pk=t.pk).status == Task.Status.OPEN
