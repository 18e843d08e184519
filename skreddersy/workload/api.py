"""The workload figures in the JSON API (mounted at /api/v1/arbeidsbelastning/): the leader's
office figures and a counsellor's own. The same selectors as the pages, so the same access policy
(an office's figures for its leaders; recorded time for groups of five or more; each counsellor
their own) and the same audit entries (a refused office is audited as denied; the clients past
the contact standard a counsellor is shown are audited as read). Thin: parse, call one selector,
shape the answer."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel

from skreddersy.policy import access

from . import selectors

router = Router(tags=["arbeidsbelastning"])


class ErrorDetail(BaseModel):
    field: str | None
    reason: str


class Error(BaseModel):
    code: str
    message: str
    detail: list[ErrorDetail]


ERRORS = {401: Error, 403: Error, 404: Error}


class CounsellorOut(BaseModel):
    staff_id: int
    name: str
    caseload: int
    workload_points_hours: float  # hours per week with the office's points, fixed duties included
    workload_estimated_hours: float | None  # with the weights estimated from recorded time (None: none yet)
    ceiling_hours: float
    over_ceiling_hours: float  # 0 when under the ceiling
    contracted_hours: float
    fixed_duty_hours: float
    new_staff: bool  # in the first six months (lower ceiling)
    overdue_tasks: int
    past_contact_standard: int  # clients past the office's contact standard (red light)


class RecordedKindOut(BaseModel):
    kind: str
    hours: float
    documentation_hours: float


class RecordedOut(BaseModel):
    shown: bool  # False: fewer than five counsellors (staff-figures rule); the figures are left out
    days: int
    total_hours: float | None = None
    documentation_share: float | None = None
    face_to_face_share: float | None = None
    by_kind: list[RecordedKindOut] = []


class WeightOut(BaseModel):
    name: str
    label: str
    office_points: float
    estimated: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    estimable: bool | None = None  # None: no estimate yet


class EstimateOut(BaseModel):
    computed_at: dt.datetime | None
    n: int
    r2: float
    r2_out_of_sample: float | None
    test_month: str
    not_estimable: list[str]


class OfficeWorkloadOut(BaseModel):
    office_id: int
    office: str
    clients: int
    counsellors: list[CounsellorOut]
    over_ceiling: list[int]  # staff ids, most over first
    weights: list[WeightOut]
    estimate: EstimateOut | None
    contact_days: dict[str, int]
    recorded: RecordedOut
    time_use: dict | None


class OwnOfficeOut(BaseModel):
    office_id: int
    caseload: int
    workload_points_hours: float
    workload_estimated_hours: float | None
    ceiling_hours: float
    over_ceiling_hours: float
    overdue_tasks: int
    past_contact_standard: int


class RedLightOut(BaseModel):
    client_id: int
    name: str
    need_group: str


class OwnWorkloadOut(BaseModel):
    staff_id: int
    name: str
    offices: list[OwnOfficeOut]
    past_contact_standard: list[RedLightOut]
    recorded: RecordedOut


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits)


def _counsellor(r) -> dict:
    return {
        "staff_id": r.staff.pk,
        "name": r.staff.display_name,
        "caseload": r.caseload,
        "workload_points_hours": _r(r.points_hours),
        "workload_estimated_hours": _r(r.estimated_hours),
        "ceiling_hours": _r(r.terms.ceiling),
        "over_ceiling_hours": _r(r.over),
        "contracted_hours": _r(r.terms.contracted),
        "fixed_duty_hours": _r(r.terms.fixed),
        "new_staff": r.terms.new,
        "overdue_tasks": r.overdue,
        "past_contact_standard": r.red_lights,
    }


def _recorded(rec) -> dict:
    out = {"shown": rec.shown, "days": selectors.RECORDED_DAYS}
    if rec.shown:
        out |= {
            "total_hours": _r(rec.total_hours),
            "documentation_share": _r(rec.documentation_share, 4),
            "face_to_face_share": _r(rec.face_to_face_share, 4),
            "by_kind": [{"kind": label, "hours": _r(m), "documentation_hours": _r(d)} for label, m, d in rec.by_kind],
        }
    return out


@router.get(
    "/kontor/{office_id}", response={200: OfficeWorkloadOut, **ERRORS}, summary="Arbeidsbelastning for et kontor"
)
def office_workload(request: HttpRequest, office_id: int):
    """Each counsellor's caseload, modelled workload (office points and estimated weights) against
    their ceiling, overdue tasks and clients past the contact standard; the office's recorded time
    (five or more counsellors) and time-use week (five or more weeks). For the office's leaders."""
    access.require_workbench(request.user)
    page = selectors.workload_page(user=request.user, office_id=office_id, plot=False)
    est = page.estimate
    return {
        "office_id": page.office.pk,
        "office": page.office.name,
        "clients": page.total_clients,
        "counsellors": [_counsellor(r) for r in page.rows],
        "over_ceiling": [r.staff.pk for r in page.over_ceiling],
        "weights": [
            {
                "name": name,
                "label": str(label),
                "office_points": value,
                "estimated": _r(w.b) if w else None,
                "ci_low": _r(w.ci_low) if w else None,
                "ci_high": _r(w.ci_high) if w else None,
                "estimable": (w.b is not None) if w else None,
            }
            for name, (label, value, w) in zip(page.points, page.weight_rows, strict=True)
        ],
        "estimate": None
        if est is None
        else {
            "computed_at": page.estimated_at,
            "n": est.n,
            "r2": _r(est.r2, 4),
            "r2_out_of_sample": _r(est.r2_out_of_sample, 4),
            "test_month": est.test_month,
            "not_estimable": list(est.dropped),
        },
        "contact_days": page.contact_days,
        "recorded": _recorded(page.recorded),
        "time_use": page.time_use,
    }


@router.get("/min", response={200: OwnWorkloadOut, **ERRORS}, summary="Min arbeidsbelastning")
def own_workload(request: HttpRequest):
    """The acting counsellor's own figures at each office they hold clients at, the clients past
    the contact standard (red light) and their own recorded time."""
    access.require_workbench(request.user)
    own = selectors.own_workload(user=request.user)
    return {
        "staff_id": own.staff.pk,
        "name": own.staff.display_name,
        "offices": [
            {k: v for k, v in _counsellor(r).items() if k in OwnOfficeOut.model_fields} | {"office_id": r.office_id}
            for r in own.rows
        ],
        "past_contact_standard": [
            {"client_id": pk, "name": name, "need_group": str(group)} for pk, name, group in own.red_lights
        ],
        "recorded": _recorded(own.recorded),
    }
