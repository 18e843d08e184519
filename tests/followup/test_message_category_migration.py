"""Migration followup.0012 makes every message already routed to the municipal services, and its
journal lines, the municipality's (decision 0044); every other message stays the follow-up's."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from skreddersy.core import fnr

BEFORE = [("followup", "0011_merge_language_needs")]
AFTER = [("followup", "0012_message_category")]


@pytest.mark.django_db(transaction=True)
def test_messages_already_routed_to_the_municipality_become_municipal_notes():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    County, Office, Client, User, Thread, Message, JournalEntry = (old.get_model(*m) for m in (
        ("core", "County"), ("core", "Office"), ("clients", "Client"), ("core", "User"), ("followup", "Thread"),
        ("followup", "Message"), ("followup", "JournalEntry")))
    county = County.objects.create(code="46", name="Vestland")
    office = Office.objects.create(number="4601", name="Nav Bergenhus", county=county, municipality="Bergen",
                                   size_band="large")
    born = dt.date(1980, 1, 1)
    client = Client.objects.create(fnr=fnr.synthetic(born, random.Random(2)), first_name="Kari", last_name="Berg",
                                   birth_date=born, municipality="Bergen", office=office)
    sender = User.objects.create(username="bruker.migrering", kind="client")
    thread = Thread.objects.create(client=client, subject="Spørsmål", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ids = {}
    for route in ("", "followup", "benefit", "municipal"):
        m = Message.objects.create(thread=thread, sender=sender, from_client=True, body="tekst", route=route,
                                   sent_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
        JournalEntry.objects.create(client=client, kind="message", summary="Melding fra bruker: Spørsmål",
                                    object_type="Message", object_id=m.pk, at=m.sent_at)
        ids[route] = m.pk
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        got = dict(new.get_model("followup", "Message").objects.values_list("route", "category"))
        assert got == {"": "followup", "followup": "followup", "benefit": "followup", "municipal": "municipal_notes"}
        lines = dict(new.get_model("followup", "JournalEntry").objects.values_list("object_id", "category"))
        assert lines == {pk: ("municipal_notes" if route == "municipal" else "followup") for route, pk in ids.items()}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
