"""The client's own ratings over time: the job-seeker items of the item bank (``instruments.json``,
instrument ``jobseeker_outcomes``: work ability now, job self-efficacy, expected return to work),
answered on Min side at the start of a follow-up period and at 3, 12 and 18 months.

Answering is voluntary and never used in a benefit decision (the page says so). The person page
shows the trend and flags a client whose own rating of their work ability disagrees with the
conclusion of the work capacity assessment (high while it concludes reduced capacity, or the
reverse). Analysts see the ratings only aggregated by occasion and item, without any identifier,
and no figure for fewer than ``MIN_GROUP`` answers.

Services (writes) and selectors (reads) of this one concept, held to the same layering as
``services.py`` and ``selectors.py`` (.importlinter).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Avg, Count, StdDev
from django.utils import translation
from django.utils.translation import gettext as _

from skreddersy import journal
from skreddersy.clients.models import Client, FollowUpPeriod
from skreddersy.clients.selectors import get_client
from skreddersy.clients.services import load_client
from skreddersy.core import clock, reference, stored_text
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.shapes import Shape
from skreddersy.followup.models import SelfRating, WorkCapacityAssessment
from skreddersy.policy import access

INSTRUMENT = "jobseeker_outcomes"
# (key, months after the period's start, label)
OCCASIONS = (
    ("start", 0, translation.gettext_lazy("Ved start")),
    ("m3", 3, translation.gettext_lazy("Etter 3 måneder")),
    ("m12", 12, translation.gettext_lazy("Etter 12 måneder")),
    ("m18", 18, translation.gettext_lazy("Etter 18 måneder")),
)
OCCASION_LABELS = {k: label for k, _, label in OCCASIONS}


DONT_KNOW = "vet_ikke"
MIN_GROUP = 5  # no figure for a group smaller than this (DESIGN.md, privacy patterns)
# Work ability 0-10: "high" at 7 or more, "low" at 3 or less (the flag against the assessment)
HIGH, LOW = 7, 3


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    low: int
    high: int
    options: tuple[str, ...] = ()  # an ordinal item: the value is the option's index
    extra_option: str = ""  # "vet ikke/usikker": stored as ``dont_know``
    anchors: dict = field(default_factory=dict)

    @property
    def points(self) -> list[int]:
        return list(range(self.low, self.high + 1))


def items() -> list[Item]:
    """The job-seeker items, each on its own scale as the item bank defines it, worded in nynorsk
    when the active language is nynorsk (the item bank's ``*_nn``: the product's own translation
    for clients who read nynorsk) and in the bank's bokmål otherwise."""
    bank = reference.instruments()
    inst = next(i for i in bank["instruments"] if i["key"] == INSTRUMENT)
    nn = translation.get_language() == "nn"

    def word(it, key):
        return it.get(key + "_nn", it.get(key + "_no")) if nn else it.get(key + "_no")

    out = []
    for it in inst["items"]:
        text = it.get("text_nn", it["text"]) if nn else it["text"]
        if "options_no" in it:
            options = word(it, "options")
            out.append(Item(it["key"], text, 0, len(options) - 1, tuple(options), word(it, "extra_option") or "", {}))
        else:
            points = bank["scales"][it["scale"]]["points"]
            out.append(Item(it["key"], text, min(points), max(points), (), "", word(it, "anchors") or {}))
    return out


def efficacy_items() -> list[str]:
    bank = reference.instruments()
    inst = next(i for i in bank["instruments"] if i["key"] == INSTRUMENT)
    return next(ix["items"] for ix in inst["indices"] if ix["key"] == "job_self_efficacy")


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def occasion_on(period_start: dt.date, today: dt.date) -> tuple[str, dt.date] | None:
    """The occasion open on ``today`` (the newest whose date has come) and its date."""
    current = None
    for key, months, _label in OCCASIONS:
        when = _add_months(period_start, months)
        if when <= today:
            current = (key, when)
    return current


def _open_period(client_id: int) -> FollowUpPeriod | None:
    return FollowUpPeriod.objects.filter(client_id=client_id, end__isnull=True).order_by("-start").first()


# --- writes -------------------------------------------------------------------------------------


def _parse(item: Item, raw) -> tuple[int | None, bool] | None:
    """(value, dont_know) for one answer, None if left blank; InvalidInput naming the item's scale."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str) and raw.strip() == DONT_KNOW:
        if not item.extra_option:
            raise InvalidInput(
                _("Svaret kan ikke lagres."), errors={item.key: _("Dette spørsmålet har ikke «vet ikke» som svar.")}
            )
        return None, True
    try:
        value = int(raw.strip()) if isinstance(raw, str) else int(raw)
        if isinstance(raw, float) and raw != value:
            raise ValueError
    except (TypeError, ValueError):
        value = None
    if value is None or not item.low <= value <= item.high:
        if item.options:
            msg = f"Velg ett av de {len(item.options)} svaralternativene" + (
                f" eller «{item.extra_option}»." if item.extra_option else "."
            )
        else:
            msg = f"Svaret må være et helt tall fra {item.low} til {item.high}."
        raise InvalidInput(_("Svaret kan ikke lagres."), errors={item.key: msg})
    return value, False


def record_ratings(*, user, client: Client | int, answers: dict) -> list[SelfRating]:
    """The client's answers for the occasion open now (answering again the same occasion replaces
    the answers given). Every answer is checked against its item's scale first: one outside it is
    a message naming the item and nothing is saved."""
    client = load_client(client)
    with audited_write(user, client.pk, "egenvurdering") as a:
        access.require_client_self(user, client, what="egenvurdering")
        period = _open_period(client.pk)
        if period is None:
            raise InvalidInput(
                _("Du har ingen oppfølgingsperiode hos Nav nå, så det er ingenting å svare på."), field="period"
            )
        occ = occasion_on(period.start, clock.today())
        if occ is None:
            raise InvalidInput(_("Oppfølgingsperioden din har ikke startet ennå."), field="period")
        known = {i.key: i for i in items()}
        unknown = sorted(set(answers) - set(known))
        if unknown:
            raise InvalidInput(_("Ukjente spørsmål."), errors={k: "ukjent spørsmål" for k in unknown})
        parsed, errors = {}, {}
        for key, item in known.items():
            try:
                p = _parse(item, answers.get(key))
            except InvalidInput as exc:
                errors.update(exc.errors)
                continue
            if p is not None:
                parsed[key] = p
        if errors:
            raise InvalidInput(_("Noen svar er utenfor skalaen. Ingenting er lagret."), errors=errors)
        if not parsed:
            raise InvalidInput(
                _("Du har ikke svart på noe. Det er frivillig å svare; trykk «Avbryt» hvis du ikke vil."), field="answers"
            )
        now = clock.now()
        SelfRating.objects.filter(period=period, occasion=occ[0]).delete()
        rows = SelfRating.objects.bulk_create(
            [
                SelfRating(
                    client=client, period=period, occasion=occ[0], item=k, value=v, dont_know=dk, answered_at=now
                )
                for k, (v, dk) in parsed.items()
            ]
        )
        journal.append(
            client_id=client.pk,
            kind=journal.Kind.MAPPING,
            actor=user,
            at=now,
            summary=f"Bruker svarte på egenvurdering ({stored_text.bokmal(OCCASION_LABELS[occ[0]]).lower()}, {len(rows)} spørsmål)",
        )
        a["obj"] = None
    return rows


# --- reads ----------------------------------------------------------------------------------------


@dataclass
class Point:
    occasion: str
    label: str
    answered_at: dt.datetime
    values: dict  # item -> value (None for "vet ikke")

    @property
    def work_ability(self) -> int | None:
        return self.values.get("work_ability")

    @property
    def efficacy(self) -> float | None:
        vals = [self.values.get(k) for k in efficacy_items()]
        return round(sum(vals) / len(vals), 1) if vals and all(v is not None for v in vals) else None

    @property
    def return_label(self) -> str:
        if "return_expectation" not in self.values:
            return ""
        item = next(i for i in items() if i.key == "return_expectation")
        v = self.values["return_expectation"]
        return item.extra_option if v is None else item.options[v]


@dataclass
class Trend:
    points: list[Point]
    flag: str  # "" or why the client's own rating and the assessment disagree
    open_occasion: str = ""  # the occasion the client may answer now ("" if none)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def disagreement(work_ability: int | None, reduced: bool | None) -> str:
    """The flag: the client rates their work ability high while the assessment concludes reduced
    capacity, or low while it does not."""
    if work_ability is None or reduced is None:
        return ""
    if reduced and work_ability >= HIGH:
        return translation.gettext(
            "Brukeren vurderer egen arbeidsevne som god (%(score)s av 10), mens arbeidsevnevurderingen "
            "konkluderer med nedsatt arbeidsevne."
        ) % {"score": work_ability}
    if not reduced and work_ability <= LOW:
        return translation.gettext(
            "Brukeren vurderer egen arbeidsevne som lav (%(score)s av 10), mens arbeidsevnevurderingen "
            "konkluderer med at arbeidsevnen ikke er nedsatt."
        ) % {"score": work_ability}
    return ""


_RATINGS = Shape("person: ratings", lambda key, client_id: SelfRating.objects.filter(
    client_id=client_id).order_by("answered_at", "id"))


def trend_for(client_id: int, *, is_nav: bool, assessments: list | None = None) -> Trend:
    """The client's ratings by occasion (for the person aggregate, which has checked access and
    audited). For Nav the flag, against the newest of ``assessments`` (the aggregate has them
    loaded already, newest first); for the client the occasion open now instead."""
    rows = _RATINGS.list((), client_id)
    by: dict[tuple, Point] = {}
    for r in rows:
        k = (r.period_id, r.occasion)
        if k not in by:
            by[k] = Point(r.occasion, OCCASION_LABELS.get(r.occasion, r.occasion), r.answered_at, {})
        by[k].values[r.item] = r.value
    points = sorted(by.values(), key=lambda p: p.answered_at)
    if is_nav:
        latest_wa = next((p.work_ability for p in reversed(points) if p.work_ability is not None), None)
        if assessments is None:
            assessments = list(WorkCapacityAssessment.objects.filter(client_id=client_id).order_by("-assessed_at")[:1])
        aev = max(assessments, key=lambda a: a.assessed_at).reduced_work_capacity if assessments else None
        return Trend(points, disagreement(latest_wa, aev))
    period = _open_period(client_id)
    occ = occasion_on(period.start, clock.today()) if period else None
    return Trend(points, "", occ[0] if occ else "")


@dataclass
class RatingForm:
    client: Client
    items: list[Item]
    occasion: str
    occasion_label: str
    current: dict  # item -> value or DONT_KNOW, already given at this occasion


def rating_form(*, user, client_id: int) -> RatingForm:
    """Min side's form for the occasion open now (empty occasion: nothing to answer)."""
    client = get_client(user=user, client_id=client_id, what="egenvurdering")
    access.require_client_self(user, client, what="egenvurdering")
    period = _open_period(client.pk)
    occ = occasion_on(period.start, clock.today()) if period else None
    current = {}
    if occ:
        for r in SelfRating.objects.filter(period=period, occasion=occ[0]):
            current[r.item] = DONT_KNOW if r.dont_know else r.value
    return RatingForm(client, items(), occ[0] if occ else "", OCCASION_LABELS.get(occ[0], "") if occ else "", current)


@dataclass
class Cell:
    occasion: str
    item: str
    n: int | None  # None: suppressed (fewer than MIN_GROUP)
    mean: float | None
    sd: float | None


def aggregates(*, user) -> list[Cell]:
    """For analysts: per occasion and numeric item, the number of answers, mean and standard
    deviation, with no identifier of any client; a cell with fewer than ``MIN_GROUP`` answers shows
    no figure at all (not even its count). Options items and "vet ikke" are not summarised."""
    if not access.is_analyst(user):
        raise AccessDenied(_("Egenvurderingene vises bare samlet, og bare for analytikere."))
    numeric = [i.key for i in items() if not i.options]
    rows = (
        SelfRating.objects.filter(item__in=numeric, dont_know=False)
        .values("occasion", "item")
        .annotate(n=Count("id"), mean=Avg("value"), sd=StdDev("value", sample=True))
    )
    found = {(r["occasion"], r["item"]): r for r in rows}
    cells = []
    for occ, _months, _label in OCCASIONS:
        for item in numeric:
            r = found.get((occ, item))
            if r is None or r["n"] < MIN_GROUP:
                cells.append(Cell(occ, item, None, None, None))
            else:
                sd = r["sd"]
                cells.append(
                    Cell(
                        occ,
                        item,
                        r["n"],
                        round(float(r["mean"]), 2),
                        None if sd is None or math.isnan(sd) else round(float(sd), 2),
                    )
                )
    return cells
