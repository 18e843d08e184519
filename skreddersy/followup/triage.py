"""Suggested route for an incoming client message: follow-up, benefit/payment (contact centre)
or municipal social services. The counsellor accepts or changes the suggestion."""

from __future__ import annotations

import re

from skreddersy.followup.models import Message

Route = Message.Route

_BENEFIT = re.compile(
    r"\b(utbetal\w*|penger|pengene|meldekort\w*|dagpeng\w*|aap|arbeidsavklaringspeng\w*|ytelse\w*|skatt\w*|"
    r"skattetrekk\w*|etterbetal\w*|feilutbetal\w*|kontonummer|sykepeng\w*|foreldrepeng\w*|overgangsstønad|"
    r"uføre\w*|pensjon\w*|beløp\w*|lønn fra nav|fått mindre|fått for lite|ikke fått)\b",
    re.IGNORECASE,
)
_MUNICIPAL = re.compile(
    r"\b(sosialhjelp\w*|økonomisk sosialhjelp|økonomisk stønad|nødhjelp|nødsituasjon|husleie\w*|depositum\w*|"
    r"strømregning\w*|strøm|bolig\w*|kommunal\w*|kommunen|introduksjonsprogram\w*|kvalifiseringsprogram\w*|kvp|"
    r"matpenger|mat|flyktning\w*|startlån|bostøtte|barnehage\w*|sfo|rus\w*|gjeldsrådgiv\w*|gjeld)\b",
    re.IGNORECASE,
)


def suggest_route(body: str) -> str:
    text = body or ""
    municipal = len(_MUNICIPAL.findall(text))
    benefit = len(_BENEFIT.findall(text))
    if municipal == 0 and benefit == 0:
        return Route.FOLLOWUP
    return Route.MUNICIPAL if municipal >= benefit else Route.BENEFIT
