"""What the KVP rule (access.kvp_filter, issue 17 part 5) costs on the person page and the journal's
"show more" for a client with a long history (5,000 journal entries, 1,000 messages, 300
activities), through the whole Django stack: without the rule (``kvp_filter`` answering "all
rows", as before the rule existed), with the rule and no KVP, and during an open KVP as read by a
follower (sees everything) and by a state counsellor (sees no plan, note or dialogue). The
variants are measured interleaved, in the same minutes, so the machine's load hits them alike.

Runs on a demo database of its own (``skr_bench_kvp``: seeded here when empty), not on the
national one: the rule's cost is per client, not per database size.
"""

from __future__ import annotations

import datetime as dt
import time

from bench.common import db_url, ensure_database, manage, peak_rss_mib, setup_django, timings


def run(args) -> dict:
    url = db_url(args.db, "skr_bench_kvp")
    ensure_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "seed", "--scale", "demo", "--seed", "1", "--if-empty", "--no-progress")
    setup_django(url)
    from django.db import connection, transaction
    from django.db.models import Q
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from skreddersy.clients.models import Client, FollowUpPeriod, KvpPeriod
    from skreddersy.core.models import Role, StaffMember
    from skreddersy.followup.models import JournalEntry
    from skreddersy.followup.seeding import seed_long_histories
    from skreddersy.policy import access

    now = timezone.now().astimezone(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        written = seed_long_histories(now=now, sizes=[(5000, 1000, 300)])
    client = Client.objects.filter(pk__in=written).first() or max(
        Client.objects.filter(counsellor__isnull=False, address_protection="", skjermet=False)[:2000],
        key=lambda c: JournalEntry.objects.filter(client_id=c.pk).count(),
    )
    state = (StaffMember.objects.filter(employer="state", roles__role=Role.COUNSELLOR, memberships__office_id=client.office_id,
                                        clearance_skjermet=False).first())
    municipal = (StaffMember.objects.filter(employer="municipal", roles__role=Role.COUNSELLOR,
                                            memberships__office_id=client.office_id).first())
    KvpPeriod.objects.filter(client=client).delete()
    n = 10 if getattr(args, "quick", False) else 40
    after = JournalEntry.objects.filter(client_id=client.pk).order_by("-at", "-id").values_list("pk", flat=True)[9]
    urls = {"html": f"/bruker/{client.pk}/", "journal_more_htmx": f"/bruker/{client.pk}/journal/?etter={after}"}

    def http_for(staff):
        h = HttpClient()
        h.force_login(staff.user)
        return h

    readers = {"state": http_for(state), "municipal": http_for(municipal)}
    real_filter = access.kvp_filter

    def variant_setup(name: str):
        access.kvp_filter = (lambda user, client, *, at: Q()) if name == "without_rule" else real_filter
        kvp = KvpPeriod.objects.filter(client=client, end__isnull=True).first()
        if name.startswith("open_kvp") and kvp is None:
            kvp = KvpPeriod.objects.create(client=client, period=FollowUpPeriod.objects.filter(client=client).first(),
                                           office_id=client.office_id, start=now - dt.timedelta(days=60),
                                           start_reason="bench", started_by=municipal.user)
            kvp.followers.set([municipal])
        elif not name.startswith("open_kvp") and kvp is not None:
            kvp.delete()

    variants = {
        "without_rule": "state",
        "rule_no_kvp": "state",
        "open_kvp_follower": "municipal",
        "open_kvp_state_counsellor": "state",
    }
    samples = {v: {k: [] for k in urls} for v in variants}
    queries = {}
    try:
        for rnd in range(n):
            for v, who in variants.items():
                variant_setup(v)
                http = readers[who]
                for key, url in urls.items():
                    headers = {"HX-Request": "true"} if key != "html" else {}
                    if rnd == 0:
                        for _ in range(2):
                            assert http.get(url, headers=headers).status_code == 200
                        with CaptureQueriesContext(connection) as ctx:
                            http.get(url, headers=headers)
                        queries[f"{v}.{key}"] = len(ctx.captured_queries)
                    t0 = time.perf_counter()
                    resp = http.get(url, headers=headers)
                    samples[v][key].append(time.perf_counter() - t0)
                    assert resp.status_code == 200
    finally:
        access.kvp_filter = real_filter
        KvpPeriod.objects.filter(client=client, start_reason="bench").delete()
    return {
        "scale": "demo + one long history",
        "client_history": {"journal": JournalEntry.objects.filter(client_id=client.pk).count()},
        "note": "under load: the machine is shared; variants interleaved in the same minutes",
        "results": {v: {k: timings(s) for k, s in per.items()} for v, per in samples.items()},
        "queries": queries,
        "peak_rss_mib": peak_rss_mib(),
    }
