"""Demo data for the tailoring indicators: the measure choice behind each seeded referral (its
fit rank, whether the office expected the place filled, the reason for a lower-fit choice), with
more lower-fit choices where the office expects its places filled, as the research found. Called
by ``insight.seeding`` and by the benchmark on a copy of the national data."""

from __future__ import annotations

import random

from skreddersy.measures.models import MatchChoice, Referral

REASONS = [
    "Brukeren ønsker heller dette tiltaket fordi det er nærmere hjemmet.",
    "Kortere ventetid, oppstart neste uke.",
    "Plassene hos denne arrangøren må fylles denne måneden.",
    "Undervisningen er på norsk med tolk, som brukeren trenger.",
    "Tidspunktet passer med barnehagen.",
    "Brukeren har vært der før og vil tilbake.",
    "Reisevei med buss er enklere.",
    "Kontoret har ledige plasser her som skal fylles.",
]


def _in_batches(rows, size: int):
    """``rows`` (ordered by id, id first) read a batch at a time, each batch a statement of its own
    (keyset: id after the last one read). Not one open cursor: the caller writes while it reads, and
    on PostgreSQL a cursor planned while the written table was empty walked every row written since
    for each row it returned (a national seed spent an hour here)."""
    last = 0
    while True:
        chunk = list(rows.filter(id__gt=last)[:size])
        yield from chunk
        if len(chunk) < size:
            return
        last = chunk[-1][0]


def seed_choices(*, seed: int = 15, batch: int = 2000) -> int:
    """A MatchChoice for every referral that has none. Returns the number written."""
    rng = random.Random(seed)
    pressure: dict[int, bool] = {}
    rows = []
    written = 0
    refs = (
        Referral.objects.filter(match_choice__isnull=True)
        .values_list("id", "client_id", "offering_id", "office_id", "created_by_id", "created_at")
        .order_by("id")
    )
    for rid, cid, oid, office_id, user_id, at in _in_batches(refs, batch):
        if office_id not in pressure:
            pressure[office_id] = rng.random() < 0.4
        fill = rng.random() < (0.75 if pressure[office_id] else 0.2)
        lower = rng.random() < (0.45 if fill else 0.22)
        rank = rng.choice((2, 2, 3, 4, 6)) if lower else 1
        reason = rng.choice(REASONS[2:3] + REASONS[7:] if fill and rng.random() < 0.5 else REASONS) if lower else ""
        score = round(rng.uniform(0.3, 0.95), 3)
        rows.append(
            MatchChoice(
                client_id=cid,
                offering_id=oid,
                referral_id=rid,
                chosen_by_id=user_id,
                chosen_at=at,
                fit_rank=rank,
                fit_score=score if rank > 1 else score + 0.05,
                best_offering_id=oid,
                best_score=score + 0.05,
                shown=[],
                reason=reason,
                office_expected_fill=fill,
            )
        )
        if len(rows) >= batch:
            MatchChoice.objects.bulk_create(rows)
            written += len(rows)
            rows = []
    if rows:
        MatchChoice.objects.bulk_create(rows)
        written += len(rows)
    return written
