"""Insight JSON API (mounted at /api/v1/innsikt/). Thin: selectors and services do the work."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from skreddersy.core.errors import AccessDenied
from skreddersy.insight import selectors, services
from skreddersy.insight.models import Item
from skreddersy.policy import access

router = Router(tags=["innsikt"])


class ItemOut(Schema):
    key: str
    instrument: str
    text: str
    scale_min: int
    scale_max: int
    reverse: bool


class OfficeRateOut(Schema):
    office_id: int
    office: str
    invited: int
    answered: int
    imported: int
    rate: float | None


class WaveOut(Schema):
    id: int
    survey: str
    label: str
    status: str
    opens_at: str
    closes_at: str


class AnswerIn(Schema):
    answers: dict[str, int | None] = {}
    background: dict[str, str] = {}


class ItemPatch(Schema):
    text: str
    reverse: bool
    note: str = ""


@router.get("/pastander", response=list[ItemOut])
def items(request):
    if not (access.can_see_insight(request.user) or access.can_edit_item_bank(request.user)):
        raise AccessDenied("Påstandsbanken er for analytikere og ledere.")
    return [ItemOut(key=i.key, instrument=i.instrument.key, text=i.text, scale_min=i.scale.min_value,
                    scale_max=i.scale.max_value, reverse=i.reverse)
            for i in Item.objects.select_related("instrument", "scale")]


@router.put("/pastander/{key}", response=ItemOut)
def update_item(request, key: str, payload: ItemPatch):
    item = get_object_or_404(Item.objects.select_related("instrument", "scale"), key=key)
    item = services.update_item(user=request.user, item=item, text=payload.text, reverse=payload.reverse,
                                note=payload.note)
    return ItemOut(key=item.key, instrument=item.instrument.key, text=item.text, scale_min=item.scale.min_value,
                   scale_max=item.scale.max_value, reverse=item.reverse)


@router.get("/runder", response=list[WaveOut])
def waves(request):
    return [WaveOut(id=w.pk, survey=w.survey.name, label=w.label, status=w.status, opens_at=w.opens_at.isoformat(),
                    closes_at=w.closes_at.isoformat()) for w in selectors.waves_for(request.user)[:200]]


@router.get("/runder/{wave_id}/svarprosent", response=list[OfficeRateOut])
def response_rates(request, wave_id: int):
    wave = selectors.wave_for(request.user, wave_id)
    return [OfficeRateOut(office_id=r.office.pk, office=r.office.name, invited=r.invited, answered=r.answered, imported=r.imported,
                          rate=r.rate) for r in selectors.response_rates(request.user, wave)]


@router.get("/runder/{wave_id}/rapport")
def report(request, wave_id: int, kontor: int | None = None):
    """The analysis as JSON: descriptives, reliability, regression, multilevel model, comparisons.
    Leaders must name one of their offices (``kontor``); under 5 answers gives ``suppressed``."""
    from skreddersy.insight.views import wave_report_object

    wave = selectors.wave_for(request.user, wave_id)
    if kontor is None and not access.can_see_respondent_data(request.user):
        raise AccessDenied("Velg et av dine kontor (kontor=<id>).")
    rep = wave_report_object(request.user, wave, kontor)
    out = {"title": rep.title, "n": rep.n, "suppressed": rep.suppressed, "notes": rep.notes, "errors": rep.errors}
    if rep.suppressed:
        out["n"] = None
        return out
    out["descriptives"] = rep.descriptives.to_dict() if rep.descriptives else None
    out["reliability"] = [r.to_dict() for r in rep.reliability]
    out["regression"] = rep.regression.to_dict() if rep.regression else None
    out["multilevel"] = rep.multilevel.to_dict() if rep.multilevel else None
    out["comparisons"] = [c.to_dict() for c in rep.comparisons]
    out["offices"] = [{"office": o.office, "n": None if o.hidden else o.n, "mean": o.mean, "hidden": o.hidden}
                      for o in rep.offices]
    return out


@router.post("/svar/{token}", auth=None)
def submit(request, token: str, payload: AnswerIn):
    """Submit a questionnaire by its one-time token (no login: the token is the credential)."""
    services.submit_response(token=token, answers=payload.answers, background=payload.background)
    return HttpResponse(status=204)
