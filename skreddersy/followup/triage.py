"""Suggested route for an incoming client message: follow-up (the counsellor), benefit or payment
(contact centre / NAY), or municipal social services (økonomisk sosialhjelp, housing, KVP,
introduction programme, debt advice). The counsellor accepts or changes the suggestion.

A small, transparent scorer: weighted word patterns per route, summed over the message. Signals
that only one service handles weigh 3 (``meldekort``, ``sosialhjelp``), words that lean one way
weigh 1-2 (``penger``, ``mat``). Follow-up words (job, course, meeting, plan) pull towards the
counsellor. Ties between the two money routes go to the municipality: its words are the more
specific (a client who asks for ``KVP-stønaden`` to be paid early is asking the municipality).
Measured on the labelled messages in tests/followup/triage_messages.py: the test
(tests/followup/test_triage.py) prints precision and recall per route, and
``.venv/bin/python -m skreddersy.followup.triage`` prints the same table for an issue note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class Route:
    """The values of ``Message.Route`` (kept free of Django so the report runs without settings)."""

    FOLLOWUP = "followup"
    BENEFIT = "benefit"
    MUNICIPAL = "municipal"
    values = (FOLLOWUP, BENEFIT, MUNICIPAL)


def _p(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


# (pattern, weight). Patterns match at word starts; Norwegian compounds are caught by stems.
_BENEFIT: list[tuple[re.Pattern, int]] = [
    (_p(r"\b(utbetal\w*|meldekort\w*|dagpeng\w*|arbeidsavklaringspeng\w*|sykepeng\w*|foreldrepeng\w*|"
        r"tiltakspeng\w*|overgangsstønad\w*|uføre\w*|pensjon\w*|feilutbetal\w*|etterbetal\w*|barnetillegg\w*|"
        r"feriepeng\w*|skattetrekk\w*|skattekort\w*|kontonummer\w*)"), 3),
    (_p(r"\baap\w*"), 3),
    (_p(r"\b(ytelse\w*|beløp\w*|forskudd\w*|trekk\w*|trukket|skatt\w*|skylder nav|betale tilbake|tilbakebetal\w*)"), 2),
    (_p(r"\b(penger|pengene|konto|lønn)\b"), 1),
]
_MUNICIPAL: list[tuple[re.Pattern, int]] = [
    (_p(r"\b(sosialhjelp\w*|sosialen|sosialkontor\w*|sosialtjenest\w*|nødhjelp\w*|økonomisk (stønad|sosialhjelp|hjelp)|"
        r"supplerende|kvalifiseringsprogram\w*|kvp\w*|introduksjonsprogram\w*|introprogram\w*|"
        r"husleie\w*|husleia|depositum\w*|strømregning\w*|bostøtte\w*|startlån\w*|kommunal bolig\w*|"
        r"gjeldsrådgiv\w*|inkasso\w*|namsmann\w*|hospits\w*|midlertidig bolig\w*)"), 3),
    (_p(r"\b(bolig\w*|leilighet\w*|sted å bo|husrom|kastet ut|utkastelse\w*|leieavtale\w*|strøm\w*|gjeld\w*|budsjett\w*|"
        r"rus\w*|kommunen\w*|kommunal\w*)"), 2),
    (_p(r"\b(mat|maten|sulten\w*|kjøleskap\w*|klær|vinterklær|tannlege\w*|medisin\w*|begravelse\w*|barnehageplass\w*|"
        r"akutt\w*|nød\w*)\b"), 2),
    (_p(r"\b(ikke (penger|råd)|har ikke råd|strekker ikke til|klarer ikke (å )?betale)"), 2),
]
_FOLLOWUP: list[tuple[re.Pattern, int]] = [
    (_p(r"\b(møte\w*|kurs\w*|tiltak\w*|praksis\w*|arbeidstrening\w*|jobbsøk\w*|jobbintervju\w*|intervju\w*|cv|cv-en|"
        r"aktivitet\w*|planen|plan|veileder\w*|jobbspesialist\w*|avklaring\w*|stilling\w*|arbeidsgiver\w*|jobb\w*|"
        r"søknad til|skole\w*|attest\w*|vedtaket|innsats)\b"), 1),
]


@dataclass(frozen=True)
class Scores:
    followup: int
    benefit: int
    municipal: int

    @property
    def route(self) -> str:
        money = max(self.benefit, self.municipal)
        if money == 0 or money < self.followup:
            return Route.FOLLOWUP
        return Route.MUNICIPAL if self.municipal >= self.benefit else Route.BENEFIT


def _score(text: str, table) -> int:
    return sum(w * len(p.findall(text)) for p, w in table)


def scores(body: str) -> Scores:
    text = (body or "").lower()
    return Scores(followup=_score(text, _FOLLOWUP), benefit=_score(text, _BENEFIT), municipal=_score(text, _MUNICIPAL))


def suggest_route(body: str) -> str:
    return scores(body).route


def evaluate(labelled) -> dict[str, dict[str, float]]:
    """Precision, recall and support per route for ``(text, route)`` pairs, plus overall accuracy."""
    routes = list(Route.values)
    tp = dict.fromkeys(routes, 0)
    fp = dict.fromkeys(routes, 0)
    fn = dict.fromkeys(routes, 0)
    n = correct = 0
    for text, truth in labelled:
        guess = suggest_route(text)
        n += 1
        if guess == truth:
            tp[truth] += 1
            correct += 1
        else:
            fp[guess] += 1
            fn[truth] += 1
    out: dict[str, dict[str, float]] = {}
    for r in routes:
        out[r] = {
            "precision": tp[r] / (tp[r] + fp[r]) if tp[r] + fp[r] else 0.0,
            "recall": tp[r] / (tp[r] + fn[r]) if tp[r] + fn[r] else 0.0,
            "support": tp[r] + fn[r],
        }
    out["overall"] = {"accuracy": correct / n if n else 0.0, "n": n}
    return out


def format_table(result: dict[str, dict[str, float]], title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'route':<10} {'precision':>9} {'recall':>7} {'n':>4}")
    for r in Route.values:
        m = result[r]
        lines.append(f"{r:<10} {m['precision']:>9.2f} {m['recall']:>7.2f} {int(m['support']):>4}")
    lines.append(f"{'accuracy':<10} {result['overall']['accuracy']:>9.2f} {'':>7} {int(result['overall']['n']):>4}")
    return "\n".join(lines)



def main() -> None:  # pragma: no cover - a report for humans
    import os
    import sys

    sys.path.insert(0, os.getcwd())
    from tests.followup.triage_messages import MESSAGES

    for split in ("dev", "holdout", "late"):
        rows = [(t, r) for t, r, s in MESSAGES if s == split]
        print(format_table(evaluate(rows), f"split={split} (n={len(rows)})"), end="\n\n")
    print(format_table(evaluate([(t, r) for t, r, _s in MESSAGES]), f"all (n={len(MESSAGES)})"))


if __name__ == "__main__":  # pragma: no cover
    main()
