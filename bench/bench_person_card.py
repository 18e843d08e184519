"""The person-card selector (client, current decision, open plan's open and newest closed
activities, newest journal entries, open tasks) at national scale: p95 ≤ 20 ms and a fixed number
of queries (≤ 9) whatever the history length, the national seed's long histories included."""

import random
import time

from bench.common import peak_rss_mib, seed_national, setup_django, timings


def run(args) -> dict:
    seeded = seed_national(args.db)
    setup_django(seeded["url"])
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from skreddersy.clients.models import Client
    from skreddersy.followup.selectors import person

    def person_card(*, user, client_id):  # the API's card of the one person aggregate
        return person(user=user, client_id=client_id, card=True)

    rng = random.Random(7)
    max_id = Client.objects.order_by("-id").values_list("id", flat=True).first()
    ids = set()
    while len(ids) < (60 if args.quick else 400):
        ids.add(rng.randint(1, max_id))
    clients = list(
        Client.objects.filter(pk__in=ids, counsellor__isnull=False, address_protection="", skjermet=False)
        .select_related("counsellor__user")
    )
    # The clients with the longest journals, to show the query count does not grow with history:
    # the sample's longest and the national seed's tail of long histories (followup.seeding).
    from skreddersy.followup.seeding import long_history_candidates

    longest = list(
        Client.objects.filter(pk__in=ids, counsellor__isnull=False, address_protection="", skjermet=False)
        .annotate(n=Count("journal"))
        .order_by("-n")[:5]
        .select_related("counsellor__user")
    ) + list(Client.objects.filter(pk__in=long_history_candidates()).annotate(n=Count("journal")).select_related("counsellor__user"))
    samples, queries, history = [], [], []
    for c in clients:  # warm-up pass
        person_card(user=c.counsellor.user, client_id=c.pk)
    for c in clients:
        user = c.counsellor.user
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            card = person_card(user=user, client_id=c.pk)
            samples.append(time.perf_counter() - t0)
        queries.append(len(ctx.captured_queries))
        history.append(len(card.journal))
    from skreddersy.policy import access

    longest_q = []
    actor_queries = []
    for c in longest:
        user = c.counsellor.user
        with CaptureQueriesContext(connection) as ctx:
            access.actor(user)  # once per request: the acting user's roles and offices
        actor_queries.append(len(ctx.captured_queries))
        with CaptureQueriesContext(connection) as ctx:
            person_card(user=user, client_id=c.pk)
        longest_q.append({"journal_entries": c.n, "queries": len(ctx.captured_queries)})
    return {
        "scale": "national",
        "clients_in_db": Client.objects.count(),
        "sampled_clients": len(clients),
        "targets": {"p95_ms": 20, "max_queries": 9},
        "latency": timings(samples),
        "queries": {"min": min(queries), "max": max(queries)},
        "longest_histories": longest_q,
        "actor_resolution_queries_per_request": max(actor_queries),
        "peak_rss_mib": peak_rss_mib(),
    }
