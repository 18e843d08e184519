"""The counts a sealed round's results are computed from: per office, the number of answer sets
and, per vignette and question, how many gave each answer. Written once when the round is sealed
(``services.seal``, stored on ``CalibrationRound.tally``), read by the results and the receipts.

Shape: ``{"offices": {"<office id>": {"n": 12, "answers": {"<vignette id>": {"<question>":
{"<value>": 5, ...}}}}}}``. Answers are validated on submission, so every set answers every
question of every vignette; a value missing from an old set is counted under "" (no answer)."""

from __future__ import annotations

from collections.abc import Iterable

from . import questions


def count(answer_sets: Iterable[tuple[int, dict]], vignette_ids: list[int]) -> dict:
    """``answer_sets``: (office id, answers) pairs."""
    keys = questions.keys()
    vids = [str(v) for v in vignette_ids]
    offices: dict[str, dict] = {}
    for office_id, answers in answer_sets:
        o = offices.get(str(office_id))
        if o is None:
            o = offices[str(office_id)] = {"n": 0, "answers": {v: {k: {} for k in keys} for v in vids}}
        o["n"] += 1
        for v in vids:
            given = answers.get(v) or {}
            per_q = o["answers"][v]
            for k in keys:
                val = given.get(k) or ""
                cell = per_q[k]
                cell[val] = cell.get(val, 0) + 1
    return {"offices": offices}


def respondents(tally: dict) -> dict[int, int]:
    """Answer sets per office."""
    return {int(o): d["n"] for o, d in tally["offices"].items()}


def distribution(tally: dict, vignette_id: int, key: str, office_ids: Iterable[int] | None = None) -> dict[str, int]:
    """How many gave each answer to one question of one vignette (all offices, or those given)."""
    wanted = None if office_ids is None else {str(o) for o in office_ids}
    out: dict[str, int] = {}
    for o, d in tally["offices"].items():
        if wanted is not None and o not in wanted:
            continue
        for val, n in ((d["answers"].get(str(vignette_id)) or {}).get(key) or {}).items():
            out[val] = out.get(val, 0) + n
    return out
