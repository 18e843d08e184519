"""The monthly refresh of the tailoring indicators: read the operational records of the last
months, count them per counsellor, office and month, decide suppression over the whole country
at once, and store the result in ``TailoringFigure`` (replacing those months in one transaction).

Run by ``manage.py refresh_tailoring`` (nightly in production; the demo seed runs it once). The
pages read only the stored figures, so every page and export sees the same numbers and the same
hidden cells, whatever level it is asked at."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from skreddersy.clients.models import NeedAssessment, NeedsMapping
from skreddersy.core import clock
from skreddersy.core.audit import WRITE, record
from skreddersy.core.lazy import pandas as pd
from skreddersy.core.models import Office, OfficeMembership, StaffMember
from skreddersy.followup.models import Activity, NeedsDecision
from skreddersy.insight.models import TailoringFigure
from skreddersy.insight.tailoring import engine, text
from skreddersy.measures.models import MatchChoice, Referral

DEFAULT_MONTHS = 13  # the running month and the twelve before it


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    k = day.year * 12 + day.month - 1 - back
    return dt.date(k // 12, k % 12 + 1, 1)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _month(at) -> dt.date:
    return engine.month_of(timezone.localtime(at))


def organisation() -> engine.Organisation:
    return engine.Organisation(
        office_county=dict(Office.objects.values_list("id", "county_id")),
        team_of={(s, o): t for s, o, t in OfficeMembership.objects.values_list("staff_id", "office_id", "team_id")},
    )


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def collect(start: dt.datetime, end: dt.datetime) -> dict[str, pd.DataFrame]:
    """Per family, one row per record in [start, end) with its staff member, office, month and
    components (``engine.FAMILIES``)."""
    staff_of_user = dict(StaffMember.objects.values_list("user_id", "id"))
    out: dict[str, pd.DataFrame] = {}

    # measure choices
    rows = []
    for user_id, office_id, at, rank, fill, reason in (
        MatchChoice.objects.filter(chosen_at__gte=start, chosen_at__lt=end)
        .values_list("chosen_by_id", "client__office_id", "chosen_at", "fit_rank", "office_expected_fill", "reason")
        .iterator()
    ):
        staff = staff_of_user.get(user_id)
        if staff is not None:
            rows.append((staff, office_id, _month(at), rank, fill, reason))
    f = _frame(rows, ["staff_id", "office_id", "month", "fit_rank", "office_expected_fill", "reason"])
    out["choices"] = engine.choice_components(f) if rows else f

    out["requirements"] = _requirements(start, end, staff_of_user)

    # plans: plans with activities added in the month, attributed to the client's counsellor
    plans = (
        Activity.objects.filter(created_at__gte=start, created_at__lt=end, client__counsellor__isnull=False)
        .annotate(m=TruncMonth("created_at"))
        .values("plan_id", "client__counsellor_id", "client__office_id", "m")
        .annotate(by_client=Max(Case(When(created_by_role="client", then=1), default=0, output_field=IntegerField())))
        .values_list("client__counsellor_id", "client__office_id", "m", "by_client")
    )
    rows = [
        (s, o, engine.month_of(timezone.localtime(m) if timezone.is_aware(m) else m), 1, c)
        for s, o, m, c in plans.iterator()
    ]
    out["plans"] = _frame(rows, ["staff_id", "office_id", "month", "n", "client_added"])

    # mappings with the client's own view
    client_view = NeedAssessment.objects.filter(mapping_id=OuterRef("pk"), client_severity__isnull=False)
    rows = []
    for user_id, office_id, at, cv in (
        NeedsMapping.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(cv=Exists(client_view))
        .values_list("created_by_id", "client__office_id", "created_at", "cv")
        .iterator()
    ):
        staff = staff_of_user.get(user_id)
        if staff is not None:
            rows.append((staff, office_id, _month(at), 1, int(cv)))
    out["mappings"] = _frame(rows, ["staff_id", "office_id", "month", "n", "client_view"])

    # proposals the client approved
    rows = []
    for user_id, office_id, at, approved in (
        Activity.objects.filter(
            created_at__gte=start, created_at__lt=end, created_by_role="counsellor", client_approved_at__isnull=False
        )
        .values_list("created_by_id", "client__office_id", "created_at", "client_approved_at")
        .iterator()
    ):
        staff = staff_of_user.get(user_id)
        if staff is not None:
            rows.append((staff, office_id, _month(at), 1, max(0.0, (approved - at).total_seconds() / 3600)))
    out["approvals"] = _frame(rows, ["staff_id", "office_id", "month", "n", "hours_sum"])

    out["referrals"] = _referrals(start, end, staff_of_user)
    return out


def _requirements(start, end, staff_of_user) -> pd.DataFrame:
    since = start - text.WINDOW
    reqs = list(
        Activity.objects.filter(is_requirement=True, created_at__gte=since, created_at__lt=end)
        .values_list("id", "created_by_id", "client_id", "client__office_id", "created_at", "type", "consequence")
        .iterator()
    )
    cols = ["staff_id", "office_id", "month", "n", "linked", "near_copy"]
    if not reqs:
        return _frame([], cols)
    # near copies, per counsellor over the window and the 12 months before it
    by_staff: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(reqs):
        by_staff[r[1]].append(i)
    copy = [False] * len(reqs)
    for idx in by_staff.values():
        flags = text.near_copies([(reqs[i][4], reqs[i][6]) for i in idx])
        for i, fl in zip(idx, flags, strict=True):
            copy[i] = fl
    in_window = [i for i, r in enumerate(reqs) if r[4] >= start]
    window_reqs = Activity.objects.filter(is_requirement=True, created_at__gte=start, created_at__lt=end)
    clients = window_reqs.values("client_id")
    # each client's mappings in time order, with the domains mapped at severity >= 2
    mappings: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for mid, cid, at in NeedsMapping.objects.filter(client_id__in=clients).values_list("id", "client_id", "created_at"):
        mappings[cid].append((at, mid))
    for v in mappings.values():
        v.sort()
    severe: dict[int, set[str]] = defaultdict(set)
    for mid, domain in NeedAssessment.objects.filter(
        mapping__client_id__in=clients, counsellor_severity__gte=engine.NEED_SEVERITY
    ).values_list("mapping_id", "domain"):
        severe[mid].add(domain)
    measure_domains: dict[int, set[str]] = defaultdict(set)
    measures = window_reqs.filter(type="measure").values("id")
    for aid, addresses in Referral.objects.filter(activity_id__in=measures).values_list(
        "activity_id", "offering__measure_type__addresses"
    ):
        measure_domains[aid] |= set(addresses or [])
    rows = []
    for i in in_window:
        aid, user_id, cid, office_id, at, typ, _c = reqs[i]
        staff = staff_of_user.get(user_id)
        if staff is None:
            continue
        hist = mappings.get(cid, [])
        k = bisect.bisect_right(hist, (at, float("inf"))) - 1
        needs = severe.get(hist[k][1], set()) if k >= 0 else set()
        addresses = measure_domains.get(aid) or set(engine.ACTIVITY_TYPE_DOMAINS.get(typ, ()))
        rows.append((staff, office_id, _month(at), 1, int(bool(needs & addresses)), int(copy[i])))
    return _frame(rows, cols)


def _referrals(start, end, staff_of_user) -> pd.DataFrame:
    refs = list(
        Referral.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("created_by_id", "office_id", "created_at", "client_id", "offering__measure_type__eligible_groups")
        .iterator()
    )
    cols = ["staff_id", "office_id", "month", "n", "bent"]
    if not refs:
        return _frame([], cols)
    decisions: dict[int, list] = defaultdict(list)
    clients = Referral.objects.filter(created_at__gte=start, created_at__lt=end).values("client_id")
    for cid, at, group in (
        NeedsDecision.objects.filter(status="sent", client_id__in=clients)
        .values_list("client_id", "sent_at", "need_group")
        .iterator()
    ):
        decisions[cid].append((at, group))
    rows = []
    for user_id, office_id, at, cid, eligible in refs:
        staff = staff_of_user.get(user_id)
        if staff is not None:
            rows.append((staff, office_id, _month(at), 1, int(engine.bent(at, eligible or [], decisions.get(cid, [])))))
    return _frame(rows, cols)


def compute(start_month: dt.date, end_month: dt.date) -> list[engine.Cell]:
    """The cells of every family for the months [start_month, end_month) (first days of months)."""
    start, end = _aware(start_month), _aware(end_month)
    records = collect(start, end)
    org = organisation()
    out: list[engine.Cell] = []
    for family in engine.FAMILIES:
        out += engine.cells(family, engine.leaf_frame(records[family], family), org)
    return out


def refresh_indicators(*, months: int = DEFAULT_MONTHS, today: dt.date | None = None) -> int:
    """Recompute the last ``months`` months (the running one included) and store them. Returns
    the number of rows written."""
    today = today or clock.today()
    start_month = _month_start(today, months - 1)
    end_month = _month_start(today, -1)
    cells = compute(start_month, end_month)
    now = clock.now()
    rows = []
    for c in cells:
        u = c.unit
        kw = {"county_id": None, "office_id": None, "team_id": None, "staff_id": None}
        if u[0] == "county":
            kw["county_id"] = u[1] or None
        elif u[0] == "office":
            kw["office_id"] = u[1]
        elif u[0] == "team":
            kw["office_id"], kw["team_id"] = u[1], (u[2] or None)
        elif u[0] == "counsellor":
            kw["staff_id"], kw["office_id"] = u[1], u[2]
        rows.append(
            TailoringFigure(
                month=c.month,
                family=c.family,
                level=u[0],
                contributors=c.contributors,
                counts=c.counts,
                hidden=c.hidden,
                computed_at=now,
                **kw,
            )
        )
    with transaction.atomic():
        TailoringFigure.objects.filter(month__gte=start_month, month__lt=end_month).delete()
        TailoringFigure.objects.bulk_create(rows, batch_size=2000)
        record(None, None, WRITE, "innsikt: skreddersømtall beregnet", why=f"{len(rows)} rader")
    return len(rows)


def nightly(*, months: int = DEFAULT_MONTHS, today: dt.date | None = None) -> dict:
    """What runs every night (``insight.tasks.refresh_tailoring``, ``manage.py refresh_tailoring``):
    the indicators, then the calibration rounds that have closed are sealed. Counts only."""
    from skreddersy.insight.calibration import services as calibration

    rows = refresh_indicators(months=months, today=today)
    return {"rows": rows, "sealed_rounds": calibration.seal_due_rounds()}
