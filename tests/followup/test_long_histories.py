"""The national seed's tail of long client histories (``followup.seeding.seed_long_histories``):
the sizes asked for, every row pointing at its own client, awaiting threads with their answer
tasks, and a second run on the same database writing nothing (it runs on an existing national
data set through ``manage.py seed_long_histories``)."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from skreddersy.core import clock
from skreddersy.followup import seeding
from skreddersy.followup.models import Activity, JournalEntry, MeetingNote, Message, Task, Thread
from tests import factories as f


def test_long_histories_have_their_size_and_a_second_run_writes_nothing(org):
    for _ in range(3):
        f.client(org["a"], org["counsellor"], login=True)
    sizes = [(400, 60, 30), (120, 20, 16)]
    now = clock.now().replace(microsecond=0)
    written = seeding.seed_long_histories(now=now, sizes=sizes)
    assert written == seeding.long_history_candidates(len(sizes)) and len(written) == 2
    for cid, (n_journal, n_msg, n_act) in zip(written, sizes, strict=True):
        assert JournalEntry.objects.filter(client_id=cid).count() == n_journal
        assert Message.objects.filter(thread__client_id=cid).count() == n_msg
        assert Activity.objects.filter(client_id=cid).count() == n_act
        awaiting = Thread.objects.filter(client_id=cid, awaiting_nav_reply=True)
        assert awaiting.count() == 2
        for t in awaiting:  # the newest message is the client's, unread, with an open answer task
            last = Message.objects.filter(thread=t).order_by("-sent_at", "-id").first()
            assert last.from_client and last.read_by_nav_at is None
            assert Task.objects.filter(client_id=cid, message=last, status="open", kind="answer_message").exists()
        # the journal's lines point at this client's own items
        for e in JournalEntry.objects.filter(client_id=cid, object_type="Message")[:50]:
            assert Message.objects.filter(pk=e.object_id, thread__client_id=cid).exists()
        for e in JournalEntry.objects.filter(client_id=cid, object_type="MeetingNote")[:50]:
            assert MeetingNote.objects.filter(pk=e.object_id, client_id=cid).exists()
        assert JournalEntry.objects.filter(client_id=cid, at__gt=now + dt.timedelta(days=1)).count() == 0
    before = JournalEntry.objects.count()
    assert seeding.seed_long_histories(now=now, sizes=sizes) == []
    assert JournalEntry.objects.count() == before


def test_the_command_runs_on_an_existing_database(org, capsys):
    f.client(org["a"], org["counsellor"], login=True)
    call_command("seed_long_histories")
    assert "1 brukere" in capsys.readouterr().out
    call_command("seed_long_histories")
    assert "0 brukere" in capsys.readouterr().out
