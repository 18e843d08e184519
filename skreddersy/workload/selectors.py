"""Every read of the workload pages: the office's workload table (leaders), a counsellor's own
figures, the planner's inputs and preview, the points and the estimates.

Staff figures (DESIGN.md): a leader sees per counsellor only what planning needs (caseload,
modelled workload, overdue items, clients past the contact standard); recorded time (hours by
kind, face-to-face and documentation shares) is shown for the office as a whole when 5 or more
counsellors are in it, and to each counsellor for themself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from skreddersy.clients import contact
from skreddersy.core import audit, clock, collation
from skreddersy.core.errors import AccessDenied, NotFound
from skreddersy.core.models import Office, Role, StaffMember
from skreddersy.followup.models import Task
from skreddersy.policy import access
from skreddersy.timeuse.models import FACE_TO_FACE, Kind, TimeEntry

from . import model, planner
from .estimation import WeightEstimateResult
from .facts import ClientFacts, counsellor_sums, office_facts
from .models import ContactStandard, OfficePoints, StaffTerms, TimeUseWeek, WeightEstimate

RECORDED_DAYS = 28


def require_office_leader(user, office_id: int) -> Office:
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise NotFound(_("Fant ikke kontoret."))
    if not access.can_view_office(user, office.pk):
        audit.record(user, None, audit.DENIED, "arbeidsbelastning: kontor", why="ikke leder ved kontoret")
        raise AccessDenied(_("Arbeidsbelastningen for kontoret er for ledere ved kontoret."))
    return office


def leader_offices(user) -> list[Office]:
    a = access.actor(user)
    if not a.is_leader:
        return []
    return list(Office.objects.filter(pk__in=a.office_ids).order_by("number"))


def points_for(office_id: int) -> tuple[dict[str, float], int]:
    """The office's points (national defaults where it has set none) and their version (0: none set)."""
    row = OfficePoints.objects.filter(office_id=office_id).first()
    points = dict(model.NATIONAL_POINTS)
    if row is None:
        return points, 0
    points.update({k: float(v) for k, v in row.points.items() if k in points})
    return points, row.version


def contact_days_for(office_id: int) -> dict[str, int]:
    days = dict(model.NATIONAL_CONTACT_DAYS)
    days.update({r.need_group: r.max_days for r in ContactStandard.objects.filter(office_id=office_id)})
    return days


def contact_standards(office_ids) -> contact.Standards:
    """The contact standards of the offices ``office_ids`` (ids, or a queryset of them), in one
    statement: the offices that set their own (over the national defaults), and the national
    defaults for every other. The follow-up overview reads them through the hook
    ``followup.overview.register_contact_standards`` (filled in ``WorkloadConfig.ready``)."""
    by_office: dict[int, dict[str, int]] = {}
    rows = ContactStandard.objects.filter(office_id__in=office_ids).values_list("office_id", "need_group", "max_days")
    for office_id, group, days in rows:
        by_office.setdefault(office_id, dict(model.NATIONAL_CONTACT_DAYS))[group] = days
    return contact.Standards(default=dict(model.NATIONAL_CONTACT_DAYS), by_office=by_office)


def latest_estimate(office_id: int | None) -> tuple[WeightEstimateResult | None, dt.datetime | None]:
    row = WeightEstimate.objects.filter(office_id=office_id).order_by("-computed_at", "-id").first()
    if row is None:
        return None, None
    return WeightEstimateResult.from_dict(row.result), row.computed_at


@dataclass
class Terms:
    contracted: float
    fixed: float
    started_on: dt.date | None
    languages: frozenset
    ceiling: float
    new: bool


def _terms(staff_ids, today) -> dict[int, Terms]:
    rows = {t.staff_id: t for t in StaffTerms.objects.filter(staff_id__in=list(staff_ids))}
    out = {}
    for sid in staff_ids:
        t = rows.get(sid)
        contracted = float(t.contracted_hours) if t else model.DEFAULT_CONTRACTED_HOURS
        fixed = float(t.fixed_duty_hours) if t else model.DEFAULT_FIXED_DUTY_HOURS
        started = t.started_on if t else None
        out[sid] = Terms(
            contracted,
            fixed,
            started,
            t.language_set() if t else frozenset(),
            model.ceiling_hours(contracted, started, today),
            model.is_new_staff(started, today),
        )
    return out


def _caseload_minutes(points: dict[str, float], c) -> float:
    """The sum of a caseload's weights from its fact counts (a weight is linear in the facts)."""
    return float(points.get("base", 0.0)) * c.n + sum(
        float(points.get(name, 0.0)) * k for name, k in zip(model.FACTOR_NAMES, c.counts, strict=True)
    )


def _counsellors(office_id: int, holding) -> list[StaffMember]:
    """The office's counsellors and anyone else holding clients there (``holding``: their ids)."""
    holding = {h for h in holding if h}
    staff = list(StaffMember.objects.filter(memberships__office_id=office_id, roles__role=Role.COUNSELLOR).distinct())
    have = {s.pk for s in staff}
    missing = holding - have
    if missing:
        staff += list(StaffMember.objects.filter(pk__in=missing))
    staff.sort(key=lambda s: collation.sort_key(s.display_name))
    return staff


@dataclass
class CounsellorRow:
    staff: StaffMember
    caseload: int
    points_minutes: float
    estimated_minutes: float | None
    terms: Terms
    overdue: int
    red_lights: int
    office_id: int | None = None

    @cached_property  # read several times a row by the page and the plot
    def points_hours(self) -> float:
        return model.minutes_per_month_to_hours_per_week(self.points_minutes) + self.terms.fixed

    @cached_property
    def estimated_hours(self) -> float | None:
        if self.estimated_minutes is None:
            return None
        return model.minutes_per_month_to_hours_per_week(self.estimated_minutes) + self.terms.fixed

    @cached_property
    def over(self) -> float:
        return max(0.0, self.points_hours - self.terms.ceiling)

    @cached_property
    def load_share(self) -> float:
        return self.points_hours / self.terms.ceiling if self.terms.ceiling else 0.0


@dataclass
class RecordedTime:
    """Recorded time over the last four weeks for a group of counsellors (or one, for themself)."""

    n_staff: int
    shown: bool
    by_kind: list[tuple[str, float, float]] = field(
        default_factory=list
    )  # label, hours with client/case, documentation hours
    total_hours: float = 0.0
    documentation_share: float | None = None
    face_to_face_share: float | None = None


@dataclass
class WorkloadPage:
    office: Office
    rows: list[CounsellorRow]
    points: dict[str, float]
    points_version: int
    estimate: WeightEstimateResult | None
    estimated_at: dt.datetime | None
    recorded: RecordedTime
    contact_days: dict[str, int]
    svg: str = ""
    time_use: dict | None = None  # this quarter's time-use week, mean hours by category (5 or more weeks)

    @cached_property
    def over_ceiling(self) -> list[CounsellorRow]:
        return sorted((r for r in self.rows if r.over > 0), key=lambda r: -r.over)

    @property
    def weight_rows(self) -> list[tuple]:
        """(label, office points, estimated weight or None) per fact, base first."""
        est = {w.name: w for w in self.estimate.weights} if self.estimate else {}
        return [(model.FACTOR_LABELS[n], v, est.get(n)) for n, v in self.points.items()]

    @property
    def total_clients(self) -> int:
        return sum(r.caseload for r in self.rows)


def _weights(facts: list[ClientFacts], points: dict[str, float]) -> list[float]:
    import numpy as np

    names = ["base", *model.FACTOR_NAMES]
    vec = np.array([float(points.get(n, 0.0)) for n in names])
    if not facts:
        return []
    x = np.array([f.facts for f in facts], dtype=float)
    return list(vec[0] + x @ vec[1:])


def recorded_time(*, staff_ids, office_id: int | None, now: dt.datetime, shown: bool) -> RecordedTime:
    out = RecordedTime(n_staff=len(staff_ids), shown=shown)
    if not shown or not staff_ids:
        return out
    qs = TimeEntry.objects.filter(staff_id__in=list(staff_ids), at__gte=now - dt.timedelta(days=RECORDED_DAYS))
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    rows = qs.values("kind").annotate(m=Sum("minutes"), d=Sum("documentation_minutes")).order_by("kind")
    labels = dict(Kind.choices)
    total = doc = f2f = 0
    for r in rows:
        m, d = int(r["m"] or 0), int(r["d"] or 0)
        out.by_kind.append((str(labels.get(r["kind"], r["kind"])), m / 60, d / 60))
        total += m + d
        doc += d
        if r["kind"] in FACE_TO_FACE:
            f2f += m
    out.total_hours = total / 60
    if total:
        out.documentation_share = doc / total
        out.face_to_face_share = f2f / total
    return out


def _plot(rows: list[CounsellorRow]) -> str:
    """The office's distribution: each counsellor's modelled workload as a share of their ceiling,
    sorted, with the ceiling as a dashed line. Written as SVG directly (a matplotlib figure costs a
    few hundred milliseconds, the whole page's budget at 5,000 clients)."""
    if not rows:
        return ""
    from django.utils.html import escape

    shares = sorted(r.load_share * 100 for r in rows)
    w, h, left, bottom, top = 640, 220, 48, 28, 10
    ymax = max(125.0, max(shares) * 1.05)
    ymax = float(int((ymax + 24.999) // 25 * 25))
    plot_w, plot_h = w - left - 10, h - bottom - top
    bar = plot_w / len(shares)

    def y(v):
        return top + plot_h * (1 - v / ymax)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" class="app-plot">',
        f"<title>{escape(f'{len(shares)} veiledere, modellert belastning i prosent av taket')}</title>",
    ]
    step = 25 if ymax <= 200 else 50
    for v in range(0, int(ymax) + 1, step):
        parts.append(
            f'<line x1="{left}" x2="{w - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e6e6e6"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">{v}</text>'
        )
    for i, v in enumerate(shares):
        colour = "#c30000" if v > 100 else "#0067c5"
        parts.append(
            f'<rect x="{left + i * bar + bar * 0.1:.1f}" y="{y(v):.1f}" width="{max(1.0, bar * 0.8):.1f}" '
            f'height="{max(0.0, y(0) - y(v)):.1f}" fill="{colour}"><title>{v:.0f} %</title></rect>'
        )
    parts.append(
        f'<line x1="{left}" x2="{w - 10}" y1="{y(100):.1f}" y2="{y(100):.1f}" stroke="#262626" stroke-dasharray="5 4"/>'
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{h - 8}" text-anchor="middle" font-size="11">'
        f"{escape(f'{len(shares)} veiledere sortert etter belastning; stiplet linje: taket (100 %)')}</text>"
    )
    parts.append(
        f'<text x="12" y="{top + plot_h / 2:.1f}" font-size="11" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
        'text-anchor="middle">% av taket</text></svg>'
    )
    return "".join(parts)


@dataclass
class OfficeTable:
    """Each counsellor's row at one office, with what the rows were computed from."""

    rows: list[CounsellorRow]
    points: dict[str, float]
    points_version: int
    estimate: WeightEstimateResult | None
    estimated_at: dt.datetime | None
    contact_days: dict[str, int]


def office_table(office_id: int, *, now: dt.datetime, today: dt.date, user=None) -> OfficeTable:
    """The counsellors' rows of one office (no access check: the callers check it, or are the
    periodic refresh of the stored loads). ``user``: the reader, whose overdue-task counts hold
    only the tasks the KVP rule lets them see (``access.kvp_visible_q``): a state leader learns
    of no KVP from a municipal colleague's overdue tasks."""
    days = contact_days_for(office_id)
    sums = {c.counsellor_id: c for c in counsellor_sums(office_id, today=today, now=now, contact_days=days, user=user)}
    points, version = points_for(office_id)
    estimate, estimated_at = latest_estimate(office_id)
    est_points = estimate.points() if estimate else None
    clipped = {}
    if est_points is not None and model.lowest_weight(est_points) < 0:
        # estimated weights may make some client weigh less than nothing; such a client counts 0,
        # which is not linear in the facts: sum client by client
        for f in office_facts(office_id, today=today, now=now):
            if f.counsellor_id is not None:
                clipped[f.counsellor_id] = clipped.get(f.counsellor_id, 0.0) + max(
                    0.0, model.client_weight(est_points, f.facts)
                )
    staff = _counsellors(office_id, sums)
    ids = [s.pk for s in staff]
    terms = _terms(ids, today)
    by = {}
    for cid, c in sums.items():
        est = None
        if est_points is not None:
            est = clipped.get(cid, 0.0) if clipped else _caseload_minutes(est_points, c)
        by[cid] = (c.n, _caseload_minutes(points, c), est, c.contact_overdue)
    empty = (0, 0.0, 0.0 if est_points is not None else None, 0)
    tasks = Task.objects.all() if user is None else Task.objects.filter(access.kvp_visible_q(user, at="created_at"))
    overdue = dict(
        tasks.filter(owner_id__in=ids, status=Task.Status.OPEN, deadline__lt=now, client__office_id=office_id)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    rows = []
    for s in staff:
        n, w_points, w_est, red = by.get(s.pk, empty)
        rows.append(CounsellorRow(s, n, w_points, w_est, terms[s.pk], overdue.get(s.pk, 0), red, office_id))
    return OfficeTable(rows, points, version, estimate, estimated_at, days)


def workload_page(*, user, office_id: int, plot: bool = True) -> WorkloadPage:
    office = require_office_leader(user, office_id)
    now, today = clock.now(), clock.today()
    t = office_table(office.pk, now=now, today=today, user=user)
    ids = [r.staff.pk for r in t.rows]
    shown = access.sees_team_figures(user, office.pk, len(ids))
    page = WorkloadPage(
        office,
        t.rows,
        t.points,
        t.points_version,
        t.estimate,
        t.estimated_at,
        recorded_time(staff_ids=ids, office_id=office.pk, now=now, shown=shown),
        t.contact_days,
    )
    if plot:
        page.svg = _plot(t.rows)
    page.time_use = _time_use(office.pk, today.year, (today.month - 1) // 3 + 1)
    return page


@dataclass
class OwnWorkload:
    staff: StaffMember
    rows: list[CounsellorRow]  # one per office the counsellor holds clients at
    recorded: RecordedTime
    time_use: list[TimeUseWeek]
    red_lights: list = field(default_factory=list)  # (client id, name, need group label): past the contact standard


def own_workload(*, user) -> OwnWorkload:
    """A counsellor's own figures: their modelled workload at each office and their own recorded time."""
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(_("Bare Nav-ansatte har arbeidsbelastning."))
    now, today = clock.now(), clock.today()
    rows, red = [], []
    terms = _terms([staff.pk], today)[staff.pk]
    for office_id in sorted(access.actor(user).office_ids):
        days = contact_days_for(office_id)
        facts = office_facts(office_id, today=today, now=now, contact_days=days, counsellor_id=staff.pk, user=user)
        if not facts:
            continue
        red += [f.client_id for f in facts if f.contact_overdue]
        points, _v = points_for(office_id)
        est, _at = latest_estimate(office_id)
        wp = _weights(facts, points)
        we = _weights(facts, est.points()) if est else None
        overdue = Task.objects.filter(
            access.kvp_visible_q(user, at="created_at"),
            owner=staff, status=Task.Status.OPEN, deadline__lt=now, client__office_id=office_id,
        ).count()
        rows.append(
            CounsellorRow(
                staff,
                len(facts),
                sum(wp),
                sum(max(0.0, w) for w in we) if we else None,
                terms,
                overdue,
                sum(f.contact_overdue for f in facts),
                office_id,
            )
        )
    red_rows = []
    if red:
        from skreddersy.clients.models import Client, NeedGroup

        labels = dict(NeedGroup.choices)
        red_rows = [
            (pk, f"{last}, {first}", labels.get(group, ""))
            for pk, first, last, group in Client.objects.filter(pk__in=red)
            .order_by("sort_key")
            .values_list("pk", "first_name", "last_name", "need_group")
        ]
        audit.record_reads(user, red, "arbeidsbelastning: rødt lys")
    return OwnWorkload(
        staff,
        rows,
        recorded_time(staff_ids=[staff.pk], office_id=None, now=now, shown=True),
        list(TimeUseWeek.objects.filter(staff=staff).order_by("-year", "-quarter")[:4]),
        red_rows,
    )


# --- the planner ------------------------------------------------------------------------------


@dataclass
class PlannerInput:
    office: Office
    counsellors: list[planner.PlanCounsellor]
    clients: list[planner.PlanClient]
    names: dict[int, str]
    ceilings: dict[int, float]
    fixed: dict[int, float]


def planner_input(*, user, office_id: int, weights: str = "points") -> PlannerInput:
    office = require_office_leader(user, office_id)
    now, today = clock.now(), clock.today()
    facts = office_facts(office.pk, today=today, now=now)
    if weights == "estimated":
        est, _at = latest_estimate(office.pk)
        points = est.points() if est else points_for(office.pk)[0]
    else:
        points = points_for(office.pk)[0]
    staff = _counsellors(office.pk, {f.counsellor_id for f in facts})
    terms = _terms([s.pk for s in staff], today)
    counsellors = [
        planner.PlanCounsellor(
            s.pk,
            s.display_name,
            max(0.0, model.hours_per_week_to_minutes_per_month(terms[s.pk].ceiling - terms[s.pk].fixed)),
            s.clearance_strictly_confidential,
            s.clearance_confidential or s.clearance_strictly_confidential,
            s.clearance_skjermet,
            terms[s.pk].languages,
        )
        for s in staff
    ]
    held = {c.id for c in counsellors}
    w = _weights(facts, points)
    clients = [
        planner.PlanClient(
            f.client_id,
            f.counsellor_id,
            max(0, int(round(w[i]))),
            f.address_protection,
            f.skjermet,
            f.language,
            f.needs_interpreter,
        )
        for i, f in enumerate(facts)
        if f.counsellor_id in held
    ]
    return PlannerInput(
        office,
        counsellors,
        clients,
        {s.pk: s.display_name for s in staff},
        {s.pk: terms[s.pk].ceiling for s in staff},
        {s.pk: terms[s.pk].fixed for s in staff},
    )


@dataclass
class PlanPreview:
    inp: PlannerInput
    plan: planner.Plan | None
    moves: list[tuple[int, int]]
    errors: dict[str, str]
    before: dict[int, float]
    after: dict[int, float]
    client_names: dict[int, str] = field(default_factory=dict)

    def move_rows(self) -> list[dict]:
        reasons = {m.client_id: m.reason for m in self.plan.moves} if self.plan else {}
        return [
            {
                "client_id": cid,
                "client": self.client_names.get(cid, str(cid)),
                "to_id": to,
                "to": self.inp.names.get(to, str(to)),
                "reason": reasons.get(cid, ""),
            }
            for cid, to in self.moves
        ]

    def rows(self):
        out = []
        for c in self.inp.counsellors:
            fixed = self.inp.fixed[c.id]
            b = model.minutes_per_month_to_hours_per_week(self.before[c.id]) + fixed
            a = model.minutes_per_month_to_hours_per_week(self.after[c.id]) + fixed
            out.append(
                {
                    "id": c.id,
                    "name": c.name,
                    "ceiling": self.inp.ceilings[c.id],
                    "before": b,
                    "after": a,
                    "over_before": b > self.inp.ceilings[c.id] + 1e-6,
                    "over_after": a > self.inp.ceilings[c.id] + 1e-6,
                }
            )
        return out


def plan_preview(
    *, user, office_id: int, moves: list[tuple[int, int]], suggest: bool = False, weights: str = "points"
) -> PlanPreview:
    """Workload before and after moves on paper (given by hand, or suggested by the solver)."""
    inp = planner_input(user=user, office_id=office_id, weights=weights)
    plan = None
    errors = planner.check_moves(inp.counsellors, inp.clients, moves) if moves else {}
    if suggest:
        plan = planner.suggest(inp.counsellors, inp.clients)
        moves = [(m.client_id, m.to_id) for m in plan.moves]
        errors = {}
    before = planner.loads(inp.counsellors, inp.clients)
    after = before if errors else planner.apply(inp.counsellors, inp.clients, moves)
    held = {cl.id for cl in inp.clients}
    shown = [cid for cid, _t in moves if cid in held]
    names = {}
    if shown:
        from skreddersy.clients.models import Client

        names = {
            pk: f"{last}, {first}"
            for pk, first, last in Client.objects.filter(pk__in=shown).values_list("pk", "first_name", "last_name")
        }
        audit.record_reads(user, shown, "arbeidsbelastning: planlegging")
    return PlanPreview(inp, plan, moves, errors, before, after, names)


def time_use_aggregate(*, user, office_id: int, year: int, quarter: int) -> dict | None:
    """The office's time-use week for a quarter: mean hours by category, hidden under 5 weeks logged."""
    require_office_leader(user, office_id)
    return _time_use(office_id, year, quarter)


def _time_use(office_id: int, year: int, quarter: int) -> dict:
    weeks = list(
        TimeUseWeek.objects.filter(office_id=office_id, year=year, quarter=quarter).values_list("hours", flat=True)
    )
    from skreddersy.core.suppression import may_show

    if not may_show(len(weeks)):
        return {"n": None, "shown": False, "means": {}}
    cats = [c for c, _l in TimeUseWeek.CATEGORIES]
    labels = dict(TimeUseWeek.CATEGORIES)
    means = {c: sum(float(w.get(c, 0)) for w in weeks) / len(weeks) for c in cats}
    return {"n": len(weeks), "shown": True, "means": means, "rows": [(str(labels[c]), means[c]) for c in cats]}


# --- workload beside the staff survey -----------------------------------------------------------


def survey_comparison(*, user, wave_id: int):
    """Part 6: over offices with 5 or more answers, experienced workload beside modelled workload
    and caseload per counsellor. Analysts and leaders (the insight audience); aggregates over
    offices only, no office's own figures."""
    from skreddersy.insight.models import Wave
    from skreddersy.insight.selectors import wave_frame

    from .survey import compare

    if not access.can_see_insight(user):
        raise AccessDenied(_("Sammenligningen er for analytikere og ledere."))
    wave = Wave.objects.select_related("survey").filter(pk=wave_id).first()
    if wave is None:
        raise NotFound(_("Fant ikke runden."))
    frame = wave_frame(wave)
    if "workload" not in frame.columns or frame.empty:
        from .survey import SurveyComparison

        return wave, SurveyComparison(
            0, 0, 0, message=_("Runden har ikke indeksen for arbeidsbelastning, eller ingen svar.")
        )
    grouped = frame.groupby("office")["workload"].agg(["count", "mean"])
    office_ids = [int(i) for i in grouped.index]
    now, today = clock.now(), clock.today()
    facts = office_facts(None, today=today, now=now, office_ids=office_ids)
    by_office: dict[int, list[ClientFacts]] = defaultdict(list)
    for fct in facts:
        if fct.counsellor_id is not None:
            by_office[fct.office_id].append(fct)
    sums = {}
    for oid, fs in by_office.items():
        sums[oid] = (sum(_weights(fs, points_for(oid)[0])), len(fs), {fct.counsellor_id for fct in fs})
    offices = []
    for oid, row in grouped.iterrows():
        acc = sums.get(int(oid))
        k = len(acc[2]) if acc else 0
        offices.append(
            {
                "office": int(oid),
                "n": int(row["count"]),
                "experienced": float(row["mean"]) if row["count"] else None,
                "modelled": (model.minutes_per_month_to_hours_per_week(acc[0]) / k) if k else None,
                "caseload": (acc[1] / k) if k else None,
            }
        )
    return wave, compare(offices, frame)
