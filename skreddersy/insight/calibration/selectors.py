"""Reads of the calibration lab, scoped by the access policy and audited.

Results exist only for a sealed (closed) round: per round, and per office with 5 or more
respondents, the offices' respondent counts suppressed with complements so that no office under
five can be found by subtracting the others from the round (``core.suppression``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from skreddersy.core import audit, clock, suppression
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.lazy import lazy
from skreddersy.core.models import Office
from skreddersy.insight.models import CalibrationAnswerSet, CalibrationInvitation, CalibrationRound, Vignette
from skreddersy.insight.tokens import token_hash
from skreddersy.policy import access

from . import questions, tally

A = lazy("skreddersy.insight.analysis.agreement")  # numpy loads on first use (core/lazy.py)
BOOTSTRAP = 1000


def home(user) -> dict:
    a = access.actor(user)
    now = clock.now()
    to_answer = []
    if a.staff is not None:
        to_answer = [
            inv.round
            for inv in CalibrationInvitation.objects.select_related("round").filter(
                staff=a.staff, used=False, round__opens_at__lte=now, round__closes_at__gt=now, round__sealed=False
            )
        ]
    scope = access.calibration_office_scope(user)
    rounds = []
    if scope is None:
        rounds = list(CalibrationRound.objects.all())
    elif scope:
        rounds = list(CalibrationRound.objects.filter(offices__in=scope).distinct())
    rows = []
    for r in rounds:
        n = CalibrationAnswerSet.objects.filter(round=r).count()
        rows.append({"round": r, "answered": n if r.sealed else n - n % 5, "open": r.is_open(now)})
    return {"to_answer": to_answer, "rounds": rows, "can_build": access.can_build_calibration(user)}


def round_to_answer(user, round_id: int) -> dict:
    a = access.actor(user)
    inv = None
    if a.staff is not None:
        inv = CalibrationInvitation.objects.select_related("round").filter(round_id=round_id, staff=a.staff).first()
    if inv is None:
        raise NotFound(_("Du er ikke invitert til denne runden."))
    return {
        "round": inv.round,
        "used": inv.used,
        "open": inv.round.is_open() and not inv.round.sealed,
        "vignettes": list(Vignette.objects.filter(round=inv.round)),
        "questions": questions.questions(),
    }


def builder_options(user) -> list[tuple[int, str]]:
    if not access.can_build_calibration(user):
        raise AccessDenied(_("Bare analytikere og kontorledere kan lage kalibreringsrunder."))
    qs = Office.objects.order_by("number")
    if not access.is_analyst(user):
        qs = qs.filter(pk__in=access.actor(user).office_ids)
    return [(o.pk, str(o)) for o in qs]


@dataclass
class QuestionResult:
    key: str
    label: str
    level: str
    labels: list[str]
    result: A.Agreement


@dataclass
class RoundResults:
    round: CalibrationRound
    vignettes: list[Vignette]
    respondents: int
    office: Office | None
    questions: list[QuestionResult]
    offices: list[dict] = field(default_factory=list)  # office, n (None: hidden), link allowed

    def to_dict(self) -> dict:
        return {
            "round": self.round.pk,
            "title": self.round.title,
            "office": self.office.pk if self.office else None,
            "respondents": self.respondents,
            "vignettes": [{"id": v.pk, "title": v.title} for v in self.vignettes],
            "offices": [{"office": o["office"].number, "respondents": o["n"]} for o in self.offices],
            "questions": [{"key": q.key, "labels": q.labels, **q.result.to_dict()} for q in self.questions],
        }

    def to_frame(self):
        from skreddersy.core.lazy import pandas as pd

        rows = []
        for q in self.questions:
            for c in q.result.per_case:
                v = self.vignettes[c.index]
                rows.append(
                    {
                        "question": q.key,
                        "vignette": v.title,
                        "answers": c.n,
                        "agreeing_pairs": round(c.agreeing_pairs, 4),
                        "modal": q.labels[c.modal],
                        "modal_share": round(c.modal_share, 4),
                        "distinct": c.distinct,
                        "spread": c.spread,
                        "reference": q.labels[c.reference] if c.reference is not None else "",
                        "reference_share": None if c.reference_share is None else round(c.reference_share, 4),
                        **{f"n_{i + 1}": k for i, k in enumerate(c.counts)},
                    }
                )
        return pd.DataFrame(rows)


def _visible_round(user, round_id: int) -> CalibrationRound:
    rnd = CalibrationRound.objects.filter(pk=round_id).first()
    if rnd is None:
        raise NotFound(_("Fant ikke runden."))
    scope = access.calibration_office_scope(user)
    offices = set(rnd.offices.values_list("id", flat=True))
    if scope is not None and not (scope & offices):
        audit.record(user, None, audit.DENIED, "kalibrering: resultater", why="ikke kontorets leder")
        raise AccessDenied(_("Du kan se resultater for runder ved kontorene du leder."))
    return rnd


def _tally(rnd: CalibrationRound) -> dict:
    """The sealed round's counts (``tally.py``): stored at sealing; counted here for a round
    sealed before counts were stored (the nightly task writes them)."""
    if rnd.tally is not None:
        return rnd.tally
    vignette_ids = list(Vignette.objects.filter(round=rnd).values_list("id", flat=True))
    sets = CalibrationAnswerSet.objects.filter(round=rnd).values_list("office_id", "answers")
    return tally.count(sets.iterator(chunk_size=2000), vignette_ids)


def office_counts(rnd: CalibrationRound, counts: dict[int, int] | None = None) -> tuple[dict[int, int], set[int]]:
    """Answer sets per office, and the offices hidden (under five, or complements)."""
    if counts is None:
        from django.db.models import Count

        counts = dict(
            CalibrationAnswerSet.objects.filter(round=rnd)
            .values_list("office_id")
            .annotate(n=Count("id"))
            .values_list("office_id", "n")
        )
    return counts, suppression.suppressed_groups(counts, total_shown=True, label=str)


def results(user, round_id: int, *, office_id: int | None = None, bootstrap: int = BOOTSTRAP) -> RoundResults:
    rnd = _visible_round(user, round_id)
    if not rnd.sealed:
        raise InvalidInput(
            _("Resultatene vises når runden er stengt, slik at ingen enkeltsvar kan regnes ut."), field="round"
        )
    counted = _tally(rnd)
    counts, hidden = office_counts(rnd, tally.respondents(counted))
    scope = access.calibration_office_scope(user)
    office = None
    if office_id is not None:
        office = Office.objects.filter(pk=office_id).first()
        if office is None or office_id not in counts and not rnd.offices.filter(pk=office_id).exists():
            raise NotFound(_("Kontoret er ikke med i runden."))
        if scope is not None and office_id not in scope:
            raise AccessDenied(_("Du kan se resultater for kontorene du leder."))
        if office_id in hidden or counts.get(office_id, 0) < suppression.MIN_GROUP:
            raise InvalidInput(
                _(
                    "Færre enn %(n)s svar fra kontoret (eller skjult for å verne et annet lite kontor): "
                    "ingen tall vises."
                )
                % {"n": suppression.MIN_GROUP},
                field="office",
            )
    offices_in = None if office_id is None else [office_id]
    n = sum(counts.values()) if office_id is None else counts.get(office_id, 0)
    if office_id is None and 0 < n < suppression.MIN_GROUP:
        raise InvalidInput(
            _("Færre enn %(n)s svar i runden: ingen tall vises.") % {"n": suppression.MIN_GROUP}, field="round"
        )
    vignettes = list(Vignette.objects.filter(round=rnd))
    qresults = [_question(q, vignettes, counted, offices_in, bootstrap) for q in questions.questions()]
    audit.record(user, None, audit.READ, "kalibrering: resultater", obj=rnd)
    offices = [
        {
            "office": o,
            "n": None if o.pk in hidden or counts.get(o.pk, 0) < suppression.MIN_GROUP else counts.get(o.pk, 0),
            "allowed": scope is None or o.pk in scope,
        }
        for o in rnd.offices.order_by("number")
    ]
    return RoundResults(rnd, vignettes, n, office, qresults, offices)


def _question(q: dict, vignettes: list, counted: dict, office_ids: list[int] | None, bootstrap: int) -> QuestionResult:
    from skreddersy.core.lazy import numpy as np

    cats = [c for c, _l in q["choices"]]
    index = {c: i for i, c in enumerate(cats)}
    counts = np.zeros((len(vignettes), len(cats)))
    for row, v in enumerate(vignettes):
        for val, n in tally.distribution(counted, v.pk, q["key"], office_ids).items():
            if val in index:
                counts[row, index[val]] += n
    refs = [index.get((v.reference or {}).get(q["key"])) for v in vignettes]
    res = A.agreement(
        counts,
        level=q["level"],
        categories=cats,
        references=refs if any(r is not None for r in refs) else None,
        bootstrap=bootstrap,
    )
    return QuestionResult(q["key"], str(q["label"]), q["level"], [str(lab) for _c, lab in q["choices"]], res)


def receipt(code: str) -> dict:
    """The answers a receipt stands for, beside the round's distribution once it is sealed. Not
    audited with the receipt (it must not reach any log) and not linked to the login."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_("Skriv inn kvitteringskoden."), field="receipt")
    s = CalibrationAnswerSet.objects.select_related("round").filter(receipt_hash=token_hash(code)).first()
    if s is None:
        raise NotFound(_("Fant ingen svar med denne kvitteringen."))
    rnd = s.round
    vignettes = list(Vignette.objects.filter(round=rnd))
    qs = questions.questions()
    distribution = None
    if rnd.sealed:
        counted = _tally(rnd)
        if sum(tally.respondents(counted).values()) >= suppression.MIN_GROUP:
            distribution = {
                (v.pk, q["key"]): tally.distribution(counted, v.pk, q["key"]) for v in vignettes for q in qs
            }
    rows = []
    for v in vignettes:
        mine = s.answers.get(str(v.pk)) or {}
        items = []
        for q in qs:
            labels = dict(q["choices"])
            own = mine.get(q["key"])
            dist = distribution.get((v.pk, q["key"])) if distribution else None
            total = sum(dist.values()) if dist else 0
            items.append(
                {
                    "question": q["label"],
                    "own": labels.get(own, own),
                    "same_share": (100.0 * dist.get(own, 0) / total) if dist else None,
                    "distribution": [
                        (labels.get(c, c), n, 100.0 * n / total) for c, n in sorted(dist.items(), key=lambda kv: -kv[1])
                    ]
                    if dist
                    else None,
                    "reference": labels.get((v.reference or {}).get(q["key"])) if rnd.sealed else None,
                }
            )
        rows.append({"vignette": v, "items": items})
    return {"round": rnd, "rows": rows, "released": distribution is not None}
