"""Tasks under the KVP rule on the person page and in the task writes (issue 17, decision 0040).

A task made while a KVP period the reader does not follow held the client is the KVP's: the
person page's task list leaves it out, opening it answers exactly as a missing task (404), and
marking it done, opening it again or handing it on is refused as if it did not exist, audited as a
refusal, with nothing changed. The followers see and act on it. Generated over every task time
(before, on the boundaries of and inside an ended and an open KVP) and every reader.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import KvpPeriod
from skreddersy.core import clock
from skreddersy.core.audit import DENIED
from skreddersy.core.errors import Hidden, NotFound
from skreddersy.core.models import AuditEntry
from skreddersy.followup import selectors, services
from skreddersy.followup.models import Task
from tests import factories as f

NOW = dt.datetime(2026, 6, 10, 11, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
ENDED = (NOW - 50 * DAY, NOW - 30 * DAY)
OPEN_FROM = NOW - 20 * DAY
TIMES = [NOW - 60 * DAY, ENDED[0], NOW - 40 * DAY, ENDED[1], NOW - 25 * DAY, OPEN_FROM, NOW - 5 * DAY]


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _hidden(reader: str, followers: dict, at: dt.datetime) -> bool:
    """The rule as decision 0040 states it, from first principles."""
    for state, who in followers.items():
        if who is None or reader in who:
            continue
        if state == "open":
            return True  # an open KVP the reader does not follow holds every row of the client
        if state == "ended" and ENDED[0] <= at < ENDED[1]:
            return True
    return False


followers_st = st.one_of(st.none(), st.sets(st.sampled_from(("m1", "m2")), min_size=1))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ended=followers_st, open_=followers_st, at=st.sampled_from(range(len(TIMES))),
       reader=st.sampled_from(("state", "m1", "m2")), action=st.sampled_from(("done", "reassign")))
def test_a_kvp_task_is_the_followers_alone(ended, open_, at, reader, action):
    with f.rolled_back():
        office = f.office(f.county())
        people = {
            "state": f.staff("counsellor", offices=[office], employer="state"),
            "m1": f.staff("counsellor", offices=[office], employer="municipal"),
            "m2": f.staff("counsellor", offices=[office], employer="municipal"),
        }
        c = f.client(office, people["state"])
        period = c.periods.get()
        for who, start, end in ((ended, *ENDED), (open_, OPEN_FROM, None)):
            if who is None:
                continue
            k = KvpPeriod.objects.create(client=c, period=period, office=office, start=start, end=end,
                                         start_reason="Vedtak om KVP", started_by=people[sorted(who)[0]].user)
            k.followers.set([people[x] for x in who])
        task = Task.objects.create(client=c, owner=people["state"], title="Ring arbeidsgiver", created_at=TIMES[at],
                                   deadline=NOW + 3 * DAY)
        user = f.fresh_user(people[reader])
        hidden = _hidden(reader, {"ended": ended, "open": open_}, TIMES[at])

        listed = [t.pk for t in selectors.tasks(user=user, client_id=c.pk)]
        assert listed == ([] if hidden else [task.pk])
        if not hidden:
            assert selectors.get_task(user=user, task_id=task.pk).pk == task.pk
            return
        # answered exactly as a task that does not exist
        with pytest.raises(Hidden) as seen:
            selectors.get_task(user=user, task_id=task.pk)
        with pytest.raises(NotFound) as missing:
            selectors.get_task(user=user, task_id=task.pk + 10_000)
        assert (seen.value.status, seen.value.message) == (missing.value.status, missing.value.message)
        denied_before = AuditEntry.objects.filter(client_id=c.pk, action=DENIED).count()
        with pytest.raises(Hidden):
            if action == "done":
                services.complete_task(user=user, task=task.pk)
            else:
                services.reassign_task(user=user, task=task.pk, to=people["m1"].pk, note="")
        task.refresh_from_db()
        assert (task.status, task.owner_id) == (Task.Status.OPEN, people["state"].pk)  # nothing changed
        assert AuditEntry.objects.filter(client_id=c.pk, action=DENIED).count() == denied_before + 1
