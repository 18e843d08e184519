"""Migration clients.0003 gives every existing client its Norwegian sort key."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from skreddersy.core import fnr
from skreddersy.core.collation import name_key

BEFORE = [("clients", "0002_initial")]
AFTER = [("clients", "0003_client_sort_key")]


@pytest.mark.django_db(transaction=True)
def test_existing_clients_get_their_sort_key():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    County, Office, Client = (old.get_model(*m) for m in (("core", "County"), ("core", "Office"), ("clients", "Client")))
    county = County.objects.create(code="46", name="Vestland")
    office = Office.objects.create(number="4601", name="Nav Bergenhus", county=county, municipality="Bergen", size_band="large")
    names = [("Ødegård", "Åse"), ("de Vries", "Ola"), ("Aasen", "Kari"), ("Berg", "Per")]
    rng, born = random.Random(1), dt.date(1980, 1, 1)
    numbers = {fnr.synthetic(born, rng) for _ in range(20)}
    for (last, first), number in zip(names, sorted(numbers), strict=False):
        Client.objects.create(fnr=number, first_name=first, last_name=last, birth_date=born, municipality="Bergen",
                              office=office)
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("clients", "Client")
        keys = {c.last_name: bytes(c.sort_key) for c in new.objects.all()}
        assert keys == {last: name_key(last, first) for last, first in names}
        assert [c.last_name for c in new.objects.order_by("sort_key")] == ["Berg", "de Vries", "Ødegård", "Aasen"]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
