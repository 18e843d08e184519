"""The calibration lab in the JSON API (mounted at /api/v1/innsikt/kalibrering/)."""

from __future__ import annotations

from ninja import Router, Schema

from . import selectors, services

router = Router(tags=["innsikt: kalibrering"])


class AnswersIn(Schema):
    answers: dict[str, dict[str, str]]


class ReceiptIn(Schema):
    receipt: str


@router.get("/{round_id}/resultater")
def results(request, round_id: int, office: int | None = None):
    return selectors.results(request.user, round_id, office_id=office).to_dict()


@router.post("/{round_id}/svar")
def answer(request, round_id: int, payload: AnswersIn):
    """Returns the receipt once; keep it to see your answers against the distribution later."""
    return {"receipt": services.submit_answers(user=request.user, round_id=round_id, answers=payload.answers)}


@router.post("/kvittering")
def receipt(request, payload: ReceiptIn):
    r = selectors.receipt(payload.receipt)
    return {
        "round": r["round"].pk,
        "released": r["released"],
        "vignettes": [
            {
                "id": row["vignette"].pk,
                "title": row["vignette"].title,
                "answers": [
                    {"question": str(i["question"]), "own": str(i["own"]), "same_share": i["same_share"]}
                    for i in row["items"]
                ],
            }
            for row in r["rows"]
        ],
    }
