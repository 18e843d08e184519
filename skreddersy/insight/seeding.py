"""Demo and national data for insight: the item bank, a survey with the published study's items,
a closed wave with anonymous responses for the seeded offices (enough per office for n >= 5
aggregates), and an open wave with invitations so a demo user can answer.

Answers come from the synthetic generator (so the demo data carry the published structure:
performance management and workload inhibit tailoring, knowing the measures promotes it).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from skreddersy.core import reference
from skreddersy.insight import synthetic
from skreddersy.insight.io import age_band_of
from skreddersy.insight.models import Invitation, Item, Response, Survey, SurveyItem, Wave
from skreddersy.insight.services import default_analysis_spec, load_item_bank
from skreddersy.insight.tokens import new_token, token_hash

SURVEY_NAME = "Arbeidshverdagen i Nav-kontoret"
STUDY_ITEMS = ["ind_tailored", "pm_fill_slots", "pm_slot_access", "dcsq_time", "dcsq_conflict", "dcsq_load",
               "know_measures", "req_effective"]
EXTRA_ITEMS = ["resources_enough", "documentation_time", "income_support_time", "pace_too_much", "alloc_no_outcome"]
CASELOAD_KEYS = ["lt25", "25_50", "51_75", "76_100", "101_125", "126_150", "gt150"]
MIN_PER_OFFICE = 30  # closed wave: at least this many per office (small offices: paper answers imported)


def _invitations(ctx, wave, office_ids, used_share: float) -> dict[int, int]:
    """Invite every staff member serving the offices (once, for their first office). Returns the
    number of spent invitations per office."""
    first: dict[int, int] = {}
    for staff_id, offices in sorted(ctx.staff_offices.items()):
        chosen = [o for o in offices if o in office_ids]
        if chosen:
            first[staff_id] = min(chosen, key=office_ids.index)
    rows, used = [], {}
    for staff_id, office_id in first.items():
        ctx.rng.getrandbits(128)  # the draw the old derived token used: keeps the seeded data as before
        is_used = ctx.rng.random() < used_share
        used[office_id] = used.get(office_id, 0) + int(is_used)
        # a random token nobody keeps (as in services.open_wave): the invited person asks for a
        # fresh one from their own page
        rows.append(Invitation(wave=wave, staff_id=staff_id, office_id=office_id,
                               token_hash=token_hash(new_token()), used=is_used))
    Invitation.objects.bulk_create(rows, batch_size=ctx.batch)
    return used


def _responses(ctx, wave, per_office: dict[int, tuple[int, int]], extra_items: list[str]) -> int:
    """per_office: office -> (web answers, imported answers)."""
    total = sum(a + b for a, b in per_office.values())
    if total == 0:
        return 0
    study = reference.published_study()
    data = synthetic.generate(study, n=max(total, 60), n_offices=max(2, len(per_office)),
                              seed=ctx.rng.randrange(2**31), max_iterations=25)
    items = data.items.sample(frac=1.0, random_state=ctx.rng.randrange(2**31)).reset_index(drop=True)
    np_rng = np.random.default_rng(ctx.rng.randrange(2**31))
    extra_scales = {i.key: (i.scale.min_value, i.scale.max_value) for i in Item.objects.filter(key__in=extra_items)
                    .select_related("scale")}
    rows, i = [], 0
    advance = ctx.progress("innsikt: svar", total)
    for office_id, (web, imported) in sorted(per_office.items()):
        for k in range(web + imported):
            r = items.iloc[i % len(items)]
            i += 1
            answers = {key: int(r[key]) for key in STUDY_ITEMS}
            workload = float(np.mean([3 - r["dcsq_time"], 3 - r["dcsq_conflict"], r["dcsq_load"]]))
            for key, (lo, hi) in extra_scales.items():
                centre = lo + (hi - lo) * (0.35 + 0.2 * workload / 3)
                answers[key] = int(np.clip(round(centre + np_rng.normal(0, (hi - lo) / 4)), lo, hi))
            if np_rng.random() < 0.03:  # some leave a question unanswered
                answers.pop(STUDY_ITEMS[int(np_rng.integers(len(STUDY_ITEMS)))], None)
            age = int(r["age"])
            is_import = k >= web
            rows.append(Response(
                wave=wave, office_id=office_id, source="import" if is_import else "web",
                external_ref=f"P{wave.pk}-{office_id}-{k}" if is_import else "",
                caseload=CASELOAD_KEYS[int(r["caseload"])], employer="state" if r["employer"] == 1 else "municipal",
                gender="man" if r["gender"] == 1 else "woman", age_band=age_band_of(age), age=age if is_import else None,
                role="counsellor" if np_rng.random() < 0.85 else "adviser", answers=answers,
            ))
            if len(rows) >= ctx.batch:
                Response.objects.bulk_create(rows)
                advance(len(rows))
                rows = []
    if rows:
        Response.objects.bulk_create(rows)
        advance(len(rows))
    return total


def seed(ctx) -> None:
    _seed_survey(ctx)
    _seed_tailoring(ctx)


def _seed_tailoring(ctx) -> None:
    """Issue 15: measure choices behind the referrals, the calibration lab's demo rounds, and the
    first computation of the tailoring indicators."""
    from skreddersy.insight.calibration import seeding as calibration_seeding
    from skreddersy.insight.tailoring import seeding as tailoring_seeding
    from skreddersy.insight.tailoring import services as tailoring_services

    tailoring_seeding.seed_choices(seed=ctx.rng.randint(0, 10**6), batch=ctx.batch)
    calibration_seeding.seed(ctx)
    tailoring_services.refresh_indicators(today=ctx.now.date())


def _seed_survey(ctx) -> None:
    load_item_bank(user=None)
    keys = STUDY_ITEMS + [k for k in EXTRA_ITEMS if Item.objects.filter(key=k).exists()]
    survey, created = Survey.objects.get_or_create(name=SURVEY_NAME, defaults={
        "intro": "Undersøkelsen handler om hvordan du velger aktivitetskrav, og om arbeidsbelastningen din. "
                 "Det tar om lag fem minutter.",
        "background": ["caseload", "employer", "role", "gender", "age_band"],
        "analysis_spec": default_analysis_spec(keys)})
    if created:
        items = {i.key: i for i in Item.objects.filter(key__in=keys)}
        SurveyItem.objects.bulk_create([SurveyItem(survey=survey, item=items[k], position=n) for n, k in enumerate(keys)])
    if Wave.objects.filter(survey=survey).exists():
        return
    office_ids = list(ctx.office_ids if not ctx.national else ctx.office_ids[:108])
    if not office_ids:
        return
    now = ctx.now
    closed = Wave.objects.create(survey=survey, label="Høsten 2025", opens_at=now - dt.timedelta(days=70),
                                 closes_at=now - dt.timedelta(days=40))
    closed.offices.set(office_ids)
    used = _invitations(ctx, closed, office_ids, used_share=0.7)
    per_office = {}
    for o in office_ids:
        web = used.get(o, 0)
        per_office[o] = (web, max(0, MIN_PER_OFFICE - web))  # small offices: paper answers imported
    _responses(ctx, closed, per_office, keys[len(STUDY_ITEMS):])
    opened = Wave.objects.create(survey=survey, label="Våren 2026", opens_at=now - dt.timedelta(days=3),
                                 closes_at=now + dt.timedelta(days=25))
    opened.offices.set(office_ids)
    used_open = _invitations(ctx, opened, office_ids, used_share=0.3)
    _responses(ctx, opened, {o: (used_open.get(o, 0), 0) for o in office_ids}, keys[len(STUDY_ITEMS):])
    # the demo logins must be able to answer: their invitations to the open wave stay unused
    demo_users = [u for u, _p, _d in ctx.demo_logins]
    if demo_users:
        spent = list(Invitation.objects.filter(wave=opened, used=True, staff__user__username__in=demo_users)
                     .values_list("pk", "office_id"))
        Invitation.objects.filter(pk__in=[pk for pk, _o in spent]).update(used=False)
        for _pk, office_id in spent:  # keep each office's count honest: drop one (unlinked) web answer there
            rid = Response.objects.filter(wave=opened, office_id=office_id, source="web").values_list("id", flat=True)[:1]
            Response.objects.filter(id__in=list(rid)).delete()
