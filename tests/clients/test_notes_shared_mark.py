"""``Client.notes_shared`` (decision 0047): the database marks a client the moment a consent to
share one side's notes with the other is written for them, whoever writes it, in the writer's
transaction. The reader's last contact reads the consents only for marked clients, so a consent
without its mark would hide a contact the reader may see. The class: every way a row reaches the
table (the ORM, a bulk insert, plain SQL, a consent moved to another client or to a notes
category), every category (only the notes categories mark), and the mark is never cleared."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from skreddersy.clients.models import Client, SharingConsent
from skreddersy.core import clock
from skreddersy.core.records import CONSENT_CATEGORIES, NOTE_CATEGORIES, RecordCategory, other_side, side_of
from tests import factories as f


def _consent(c, category, by):
    return SharingConsent(client=c, category=category, recipient_side=other_side(side_of(category)), office=c.office,
                          given_by=by.user, given_at=clock.now())


def _marked(*clients) -> list[bool]:
    return [Client.objects.get(pk=c.pk).notes_shared for c in clients]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("category", [c.value for c in CONSENT_CATEGORIES])
@pytest.mark.parametrize("how", ["create", "bulk_create", "plain_sql", "moved"])
def test_every_way_a_notes_consent_is_written_marks_its_client(how, category):
    office = f.office(f.county())
    staff = f.staff("counsellor", offices=[office], employer="municipal")
    a, b, other = f.client(office, staff), f.client(office, staff), f.client(office, staff)
    with transaction.atomic():
        if how == "create":
            _consent(a, category, staff).save()
        elif how == "bulk_create":
            SharingConsent.objects.bulk_create([_consent(a, category, staff), _consent(b, category, staff)])
        elif how == "plain_sql":
            with connection.cursor() as cur:
                cur.execute("INSERT INTO clients_sharingconsent (client_id, category, recipient_side, office_id, given_at,"
                            " given_by_id, on_paper) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                            [a.pk, category, other_side(side_of(category)), office.pk, clock.now(), staff.user_id, False])
        else:
            c = _consent(other, RecordCategory.FINANCIAL_ASSISTANCE, staff)
            c.save()
            SharingConsent.objects.filter(pk=c.pk).update(client=a, category=category)
        notes = category in NOTE_CATEGORIES
        assert Client.objects.get(pk=a.pk).notes_shared == notes  # inside the writer's own transaction
    want = {"create": [notes, False, False], "bulk_create": [notes, notes, False], "plain_sql": [notes, False, False],
            "moved": [notes, False, False]}[how]
    assert _marked(a, b, other) == want
    SharingConsent.objects.filter(client=a).delete()  # a consent gone leaves the mark (the slower path only)
    assert _marked(a)[0] == notes


@pytest.mark.django_db(transaction=True)
def test_a_consent_rolled_back_leaves_no_mark():
    office = f.office(f.county())
    staff = f.staff("counsellor", offices=[office], employer="municipal")
    c = f.client(office, staff)
    with pytest.raises(RuntimeError), transaction.atomic():
        _consent(c, RecordCategory.STATE_NOTES, staff).save()
        raise RuntimeError("rolled back")
    assert _marked(c) == [False]
