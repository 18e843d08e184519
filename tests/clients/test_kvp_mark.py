"""``Client.kvp`` (decision 0046): the database marks a client the moment a KVP period is written for
them, whoever writes it, in the writer's transaction; lists of many clients read the KVP rule only
for marked clients, so a period without its mark would show rows the rule hides. The class: every
way a row reaches the table (the ORM, a bulk insert, plain SQL, a period moved to another client),
and the mark is never cleared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from skreddersy.clients.models import Client, KvpPeriod
from tests import factories as f

START = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def _period(c, by, **kw):
    return KvpPeriod(client=c, period=c.periods.get(), office=c.office, start=START, start_reason="Vedtak om KVP",
                     started_by=by.user, **kw)


def _marked(*clients) -> list[bool]:
    return [Client.objects.get(pk=c.pk).kvp for c in clients]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["create", "bulk_create", "plain_sql", "moved"])
def test_every_way_a_period_is_written_marks_its_client_in_the_same_transaction(how):
    office = f.office(f.county())
    staff = f.staff("counsellor", offices=[office], employer="municipal")
    a, b, other = f.client(office, staff), f.client(office, staff), f.client(office, staff)
    assert _marked(a, b, other) == [False, False, False]
    with transaction.atomic():
        if how == "create":
            _period(a, staff).save()
        elif how == "bulk_create":
            KvpPeriod.objects.bulk_create([_period(a, staff, end=START + dt.timedelta(days=30)), _period(b, staff)])
        elif how == "plain_sql":
            p = _period(a, staff)
            cols = ["client_id", "period_id", "office_id", "start", "start_reason", "started_by_id"]
            with connection.cursor() as cur:
                cur.execute(f"INSERT INTO clients_kvpperiod ({', '.join(cols)}, end_reason) VALUES (%s, %s, %s, %s, %s, %s, '')",
                            [a.pk, p.period_id, office.pk, START, "Vedtak om KVP", staff.user_id])
        else:
            p = _period(other, staff, end=START + dt.timedelta(days=30))
            p.save()
            KvpPeriod.objects.filter(pk=p.pk).update(client=a, period=a.periods.get())
        # seen inside the writer's own transaction
        assert Client.objects.get(pk=a.pk).kvp
    want = {"create": [True, False, False], "bulk_create": [True, True, False], "plain_sql": [True, False, False],
            "moved": [True, False, True]}[how]
    assert _marked(a, b, other) == want
    # a period deleted leaves the mark (the client only takes the slower path)
    KvpPeriod.objects.filter(client=a).delete()
    assert _marked(a)[0]


@pytest.mark.django_db(transaction=True)
def test_a_period_rolled_back_leaves_no_mark():
    office = f.office(f.county())
    staff = f.staff("counsellor", offices=[office], employer="municipal")
    c = f.client(office, staff)
    with pytest.raises(RuntimeError), transaction.atomic():
        _period(c, staff).save()
        raise RuntimeError("rolled back")
    assert _marked(c) == [False]
