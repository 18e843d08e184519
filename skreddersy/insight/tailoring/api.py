"""Tailoring indicators in the JSON API (mounted at /api/v1/innsikt/skreddersom/). The same
selector as the pages: access policy, suppression and audit; bad input is 422 JSON with a field."""

from __future__ import annotations

from ninja import Query, Router, Schema

from . import selectors

router = Router(tags=["innsikt: skreddersøm"])


class ReportQuery(Schema):
    level: str
    unit: int | None = None
    start: str = ""
    end: str = ""
    by: str = ""


@router.get("/")
def indicators(request, q: Query[ReportQuery]):
    return selectors.report(request.user, q.level, q.unit, start=q.start, end=q.end, by=q.by).to_dict()


@router.get("/undersokelse/{wave_id}")
def beside_survey(request, wave_id: int):
    return selectors.beside_survey(request.user, wave_id).to_dict()
