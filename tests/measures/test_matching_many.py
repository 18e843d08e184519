"""Re-ranking many clients at once (matrix blocks) gives exactly the single-client ranking."""

import random

from skreddersy.measures import matching
from skreddersy.measures.models import NEED_GROUP_ORDER, PRIORITY_GROUP_ORDER
from tests.measures.conftest import offering


def test_top_k_many_equals_rank_for_every_client(world):
    rng = random.Random(4)
    types = list(world["types"].values())
    offices = [world["bergen"], world["voss"]]
    for i in range(80):
        offering(rng.choice(types), rng.sample(offices, rng.randint(1, 2)), title=f"T{i}",
                 language=rng.choice(["nb", "nb", "ar", "en"]), lat=60 + rng.random(), lon=5 + rng.random() * 2,
                 status=rng.choice(["open"] * 5 + ["closed"]), is_digital=rng.random() < 0.1,
                 priority_groups=rng.choice([[], [], ["youth"]]), max_age=rng.choice([None, None, 29]))
    idx = matching.build_index(world["county"].pk)
    domains = idx.domain_keys
    profiles = []
    for cid in range(1, 61):
        profiles.append(matching.ClientProfile(
            client_id=cid, office_id=rng.choice(offices).pk, need_group=rng.choice(NEED_GROUP_ORDER + [""]), age=rng.randint(18, 66),
            priority_groups=frozenset(rng.sample(PRIORITY_GROUP_ORDER, rng.randint(0, 2))),
            severity={d: rng.randint(1, 3) for d in rng.sample(domains, rng.randint(0, 5))},
            wanted_domains=frozenset(rng.sample(domains, rng.randint(0, 2))),
            preferred_types=frozenset(rng.sample(idx.type_codes, rng.randint(0, 1))),
            max_travel_km=rng.choice([None, 20, 60]), language=rng.choice(["nb", "ar"]), needs_interpreter=rng.random() < 0.3,
            latitude=rng.choice([None, 60.4, 60.6]), longitude=5.5,
        ))
    many = matching.top_k_many(idx, profiles, k=10, chunk=7)
    for p in profiles:
        single = [r.offering_id for r in matching.rank(idx, p, limit=10, explain_rows=False).rows]
        assert many[p.client_id] == single, p.client_id
    assert any(many.values())
