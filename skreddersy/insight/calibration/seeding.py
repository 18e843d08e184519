"""Demo data for the calibration lab: a closed, sealed round with the eight demo vignettes and
answers from most invited staff (drawn around the reference answers, two cases split between need
groups), and an open round with the same vignettes that the demo logins can answer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from skreddersy.insight.models import CalibrationAnswerSet, CalibrationInvitation, CalibrationRound, Vignette
from skreddersy.insight.tokens import new_token, token_hash

from . import questions, services
from .vignettes import DEMO_VIGNETTES

SPLIT = {3, 7}  # vignettes written to split counsellors between need groups


def _draw(rng, q: dict, ref: str | None, split: bool) -> str:
    cats = [c for c, _l in q["choices"]]
    if q["key"] == "need_group":
        r = cats.index(ref) if ref in cats else 1
        if split:
            return cats[rng.choice([max(0, r - 1), r + 1 if r + 1 < len(cats) else r, r])]
        return cats[min(len(cats) - 1, max(0, r + rng.choice([-1, 0, 0, 0, 0, 1])))]
    keep = {"main_goal": 0.75, "requirement": 0.55, "measure_type": 0.5}[q["key"]]
    if ref in cats and rng.random() < keep:
        return ref
    return rng.choice(cats[:6])


def seed(ctx) -> None:
    if CalibrationRound.objects.exists() or not ctx.office_ids:
        return
    office_ids = list(ctx.office_ids if not ctx.national else ctx.office_ids[:20])
    now = ctx.now
    closed = CalibrationRound.objects.create(
        title="Kalibrering: innsatsgruppe og aktivitetskrav (demo)",
        intro="Åtte oppdiktede kasus.",
        opens_at=now - dt.timedelta(days=40),
        closes_at=now - dt.timedelta(days=10),
        created_by=None,
    )
    opened = CalibrationRound.objects.create(
        title="Kalibrering: ny runde (demo)",
        intro="Samme kasus, ny runde.",
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=20),
        created_by=None,
    )
    clean = services.validate_vignettes(DEMO_VIGNETTES)
    qs = questions.questions()
    for rnd in (closed, opened):
        rnd.offices.set(office_ids)
        Vignette.objects.bulk_create([Vignette(round=rnd, position=i, **v) for i, v in enumerate(clean)])
    staff_roles = ctx.staff_by_role
    answering = set()
    for role in services.ANSWERING_ROLES:
        answering |= set(staff_roles.get(role, []))
    first = {}
    for staff_id, offices in sorted(ctx.staff_offices.items()):
        chosen = [o for o in offices if o in office_ids]
        if staff_id in answering and chosen:
            first[staff_id] = chosen[0]
    rng = ctx.rng
    vignettes = list(Vignette.objects.filter(round=closed))
    invs, sets = [], []
    for staff_id, office_id in first.items():
        used = rng.random() < 0.8
        invs.append(CalibrationInvitation(round=closed, staff_id=staff_id, office_id=office_id, used=used))
        invs.append(CalibrationInvitation(round=opened, staff_id=staff_id, office_id=office_id, used=False))
        if used:
            answers = {
                str(v.pk): {q["key"]: _draw(rng, q, (v.reference or {}).get(q["key"]), i in SPLIT) for q in qs}
                for i, v in enumerate(vignettes)
            }
            sets.append(
                CalibrationAnswerSet(
                    round=closed,
                    office_id=office_id,
                    answers=answers,
                    received_on=timezone.localdate(closed.closes_at) - dt.timedelta(days=rng.randint(1, 25)),
                    receipt_hash=token_hash(new_token()),
                )
            )
    CalibrationInvitation.objects.bulk_create(invs, batch_size=ctx.batch)
    CalibrationAnswerSet.objects.bulk_create(sets, batch_size=ctx.batch)
    services.seal(closed)
