"""Insight JSON API (mounted at /api/v1/innsikt/). Thin: one selector or service per endpoint,
which checks access; a ``ServiceError`` becomes 4xx JSON in ``skreddersy/api.py``."""

from __future__ import annotations

from ninja import Router, Schema, Status

from skreddersy.insight import selectors, services

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


class IndexPatch(Schema):
    label: str
    items: list[str]
    min_answered: int


class IndexOut(Schema):
    key: str
    label: str
    items: list[str]
    min_answered: int


def _item(i) -> ItemOut:
    return ItemOut(key=i.key, instrument=i.instrument.key, text=i.text, scale_min=i.scale.min_value,
                   scale_max=i.scale.max_value, reverse=i.reverse)


@router.get("/pastander", response=list[ItemOut])
def items(request):
    return [_item(i) for i in selectors.item_bank(request.user).items]


@router.put("/pastander/{key}", response=ItemOut)
def update_item(request, key: str, payload: ItemPatch):
    return _item(services.update_item(user=request.user, item=key, text=payload.text, reverse=payload.reverse,
                                      note=payload.note))


@router.put("/indekser/{key}", response=IndexOut, summary="Endre en indeks (påstander, etikett, minste antall besvarte)")
def update_index(request, key: str, payload: IndexPatch):
    ix = services.update_index(user=request.user, index=key, label=payload.label, item_keys=payload.items,
                               min_answered=payload.min_answered)
    return IndexOut(key=ix.key, label=ix.label, items=sorted(i.key for i in ix.items.all()), min_answered=ix.min_answered)


@router.get("/runder", response=list[WaveOut])
def waves(request):
    return [WaveOut(id=w.pk, survey=w.survey.name, label=w.label, status=w.status, opens_at=w.opens_at.isoformat(),
                    closes_at=w.closes_at.isoformat()) for w in selectors.waves_for(request.user)[:200]]


@router.get("/runder/{wave_id}/svarprosent", response=list[OfficeRateOut])
def response_rates(request, wave_id: int):
    return [OfficeRateOut(office_id=r.office.pk, office=r.office.name, invited=r.invited, answered=r.answered, imported=r.imported,
                          rate=r.rate) for r in selectors.wave_response_rates(request.user, wave_id)]


@router.get("/runder/{wave_id}/rapport")
def report(request, wave_id: int, kontor: int | None = None):
    """The analysis as JSON: descriptives, reliability, regression, multilevel model, comparisons.
    Leaders must name one of their offices (``kontor``); under 5 answers gives ``suppressed``."""
    rep = selectors.wave_report_api(request.user, wave_id, kontor)
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


@router.post("/svar/{token}", auth=None, response={204: None})
def submit(request, token: str, payload: AnswerIn):
    """Submit a questionnaire by its one-time token (no login: the token is the credential)."""
    services.submit_response(token=token, answers=payload.answers, background=payload.background)
    return Status(204, None)
