"""``sql.Fragment``: a hand-written condition around a statement's own columns behaves as the ORM's
own expression would, wherever a queryset takes one (filter, negation, conditional count, sort
key, and inside a subquery, where Django renames the tables)."""

from __future__ import annotations

import pytest
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import Client
from skreddersy.core import sql
from skreddersy.core.models import Office
from tests import factories as f


def _older_than(year):
    """Clients born before 1 January of ``year``, as a Fragment on the client's birth date."""
    import datetime as dt

    from django.db import connection

    return sql.Fragment(lambda c: (f"{c['born']} < %s", [sql.time_param(connection, dt.date(year, 1, 1))]),
                        born=F("birth_date"))


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(births=st.lists(st.integers(1950, 2005), min_size=0, max_size=6), year=st.integers(1950, 2006))
def test_a_fragment_selects_what_the_orm_would(births, year):
    import datetime as dt

    with f.rolled_back():
        office = f.office(f.county())
        for y in births:
            f.client(office, None, birth_date=dt.date(y, 6, 1))
        mine = Client.objects.filter(office=office)
        orm = Q(birth_date__lt=dt.date(year, 1, 1))
        want = set(mine.filter(orm).values_list("pk", flat=True))
        assert set(mine.filter(_older_than(year)).values_list("pk", flat=True)) == want
        assert set(mine.filter(~Q(_older_than(year))).values_list("pk", flat=True)) == set(
            mine.exclude(orm).values_list("pk", flat=True))
        got = mine.aggregate(n=Count("pk", filter=Q(_older_than(year))))["n"]
        assert got == len(want)
        # a sort key: the older first, then by id
        order = list(mine.annotate(_o=_older_than(year)).order_by("-_o", "id").values_list("pk", flat=True))
        assert order == sorted(mine.values_list("pk", flat=True), key=lambda pk: (pk not in want, pk))
        # inside a correlated subquery the client table has another alias: the fragment follows it
        offices = Office.objects.filter(pk=office.pk, id__in=Client.objects.filter(_older_than(year)).values("office_id"))
        assert offices.exists() == bool(want)
        has_older = Office.objects.filter(pk=office.pk).annotate(
            _x=Exists(Client.objects.filter(_older_than(year), office_id=OuterRef("pk"))))
        assert has_older.values_list("_x", flat=True).get() == bool(want)


@pytest.mark.django_db
def test_a_fragment_refuses_a_column_that_carries_parameters():
    """The columns are put into the text as they are; an expression with parameters of its own would
    put them out of order, so it is refused rather than run."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    frag = sql.Fragment(lambda c: (f"{c['x']} > 0", []), x=Coalesce(F("pk"), Value(0), output_field=IntegerField()))
    with pytest.raises(ValueError, match="parameters"):
        list(Client.objects.filter(frag))
