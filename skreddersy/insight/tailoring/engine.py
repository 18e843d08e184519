"""Tailoring indicators: what each one counts, and how a month's counts become the figures each
level may publish. Pure: data frames in, rows out; no database (``services`` reads and writes).

Every indicator is a numerator over a denominator (or a sum over a count, for a mean) that adds
up from one counsellor's work at one office to the team, the office, the county and the country.
The counts of one *family* (the records an indicator counts: measure choices, requirements,
plans, mappings, proposals, referrals) are published or hidden together, per unit and month:

- one counsellor's own figures are never published to anyone else (shown to that counsellor);
- a unit whose month rests on fewer than five counsellors, or fewer than five records, is hidden
  (``core.suppression.MIN_GROUP``), and more units are hidden until no hidden one can be found by
  subtracting published ones across levels (``core.suppression.suppressed_in_tree``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from skreddersy.core import suppression
from skreddersy.core.lazy import pandas as pd

LEVELS = ("national", "county", "office", "team", "counsellor")

# --- what a lower-fit choice's reason says, grouped (first matching group wins) -----------------
REASON_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "client_wish",
        _("Brukerens ønske"),
        ("ønske", "ønsker", "vil ", "vil helst", "foretrekker", "selv valgt", "brukers valg"),
    ),
    ("waiting", _("Ventetid eller oppstart"), ("vente", "venteliste", "oppstart", "raskere", "ledig plass", "snart")),
    ("travel", _("Reisevei eller sted"), ("reise", "avstand", "nærmere", "buss", "kollektiv", "bor ", "km")),
    ("language", _("Språk"), ("språk", "norsk", "tolk", "engelsk")),
    (
        "fill",
        _("Plassene skal fylles"),
        ("fylle", "fylles", "fylt", "kapasitet", "måltall", "plassene", "ledige plasser"),
    ),
    ("schedule", _("Tidspunkt, omsorg eller helse"), ("barn", "barnehage", "helse", "tidspunkt", "deltid", "omsorg")),
]
OTHER_REASON = ("other", _("Annet"))


def reason_group(text: str) -> str:
    low = f" {(text or '').lower()} "
    for key, _label, words in REASON_GROUPS:
        if any(w in low for w in words):
            return key
    return OTHER_REASON[0]


REASON_KEYS = [k for k, _l, _w in REASON_GROUPS] + [OTHER_REASON[0]]
REASON_LABELS = {k: label for k, label, _w in REASON_GROUPS} | {OTHER_REASON[0]: OTHER_REASON[1]}

# --- which needs domains an activity addresses, by its type (a measure: its type's own list) ---
ACTIVITY_TYPE_DOMAINS: dict[str, tuple[str, ...]] = {
    "own": ("job_search", "motivation"),
    "job_application": ("job_search", "work_experience"),
    "meeting": ("motivation", "work_capacity_unclear"),
    "measure": ("work_experience", "job_search", "work_capacity_unclear"),
    "treatment": ("physical_health", "mental_health", "substance_use"),
    "course": ("education", "language", "literacy"),
    "other": ("housing", "finances", "family_care", "social_network"),
}
NEED_SEVERITY = 2  # a mapped need counts from "betydelig utfordring"
BENDING_DAYS = 30

FAMILIES: dict[str, tuple[str, ...]] = {
    "choices": (
        "n",
        "top",
        "rank_sum",
        "fill_n",
        "fill_lower",
        "nofill_n",
        "nofill_lower",
        *(f"reason_{k}" for k in REASON_KEYS),
    ),
    "requirements": ("n", "linked", "near_copy"),
    "plans": ("n", "client_added"),
    "mappings": ("n", "client_view"),
    "approvals": ("n", "hours_sum"),
    "referrals": ("n", "bent"),
}
FAMILY_LABELS = {
    "choices": _("valg av tiltak"),
    "requirements": _("aktivitetskrav"),
    "plans": _("aktivitetsplaner"),
    "mappings": _("kartlegginger"),
    "approvals": _("forslag godtatt av bruker"),
    "referrals": _("henvisninger"),
}


@dataclass(frozen=True)
class Indicator:
    key: str
    family: str
    label: str
    definition: str
    numerator: str  # a component of the family
    denominator: str
    numerator_label: str
    denominator_label: str
    kind: str = "share"  # "share" (percent) or "mean" (numerator / denominator, in ``unit``)
    unit: str = ""
    scale: float = 1.0  # mean: divide by this (hours -> days)
    published: str = ""


INDICATORS: list[Indicator] = [
    Indicator(
        "fit_top",
        "choices",
        _("Valg med beste treff"),
        _("Andelen av veilederens valg av tiltak der tilbudet som ble valgt, sto øverst i treff-listen (rang 1)."),
        "top",
        "n",
        _("valg med rang 1"),
        _("valg av tiltak"),
    ),
    Indicator(
        "fit_mean_rank",
        "choices",
        _("Gjennomsnittlig rang"),
        _("Gjennomsnittlig plass i treff-listen for tilbudet som ble valgt (1 er beste treff)."),
        "rank_sum",
        "n",
        _("sum av rangene"),
        _("valg av tiltak"),
        kind="mean",
        unit=_("rang"),
    ),
    Indicator(
        "fill_lower_expected",
        "choices",
        _("Dårligere treff der kontoret forventet plassen fylt"),
        _(
            "Blant valg der kontoret forventet at plassen skulle fylles: andelen som ikke var beste treff. "
            "Sammenlign med neste linje: er andelen høyere, henger fyllingspresset sammen med dårligere treff."
        ),
        "fill_lower",
        "fill_n",
        _("valg med dårligere treff"),
        _("valg der plassen var forventet fylt"),
    ),
    Indicator(
        "fill_lower_not_expected",
        "choices",
        _("Dårligere treff der kontoret ikke forventet plassen fylt"),
        _("Blant valg der kontoret ikke forventet plassen fylt: andelen som ikke var beste treff."),
        "nofill_lower",
        "nofill_n",
        _("valg med dårligere treff"),
        _("valg uten forventning om fylling"),
    ),
    Indicator(
        "need_linked",
        "requirements",
        _("Aktivitetskrav knyttet til kartlagt behov"),
        _(
            "Andelen aktivitetskrav der aktiviteten retter seg mot et behovsområde veilederen kartla med alvorlighet "
            "2 eller 3 i brukerens siste kartlegging før kravet (tiltak: tiltakstypens behovsområder; andre "
            "aktiviteter: områdene typen hører til)."
        ),
        "linked",
        "n",
        _("krav knyttet til behov"),
        _("aktivitetskrav"),
    ),
    Indicator(
        "near_copy",
        "requirements",
        _("Konsekvenstekst som er nær kopi"),
        _(
            "Andelen aktivitetskrav der konsekvensteksten er en nær kopi av en annen konsekvens samme veileder "
            "skrev de 12 månedene før: TF-IDF-cosinuslikhet minst 0,9 på normalisert tekst (små bokstaver, "
            "bare ord og tall). Lavere andel betyr mer tilpasset ordlyd."
        ),
        "near_copy",
        "n",
        _("nær kopi"),
        _("aktivitetskrav"),
    ),
    Indicator(
        "plans_client_added",
        "plans",
        _("Planer der brukeren la til aktiviteter"),
        _(
            "Blant aktivitetsplaner med nye aktiviteter i måneden: andelen der brukeren selv la til minst én. "
            "Publisert: 25 %."
        ),
        "client_added",
        "n",
        _("planer med brukerens aktiviteter"),
        _("planer med nye aktiviteter"),
        published="25 %",
    ),
    Indicator(
        "mappings_client_view",
        "mappings",
        _("Kartlegginger med brukerens egen vurdering"),
        _("Andelen kartlegginger der brukerens egen vurdering er fylt ut for minst ett behovsområde."),
        "client_view",
        "n",
        _("med brukerens vurdering"),
        _("kartlegginger"),
    ),
    Indicator(
        "approval_days",
        "approvals",
        _("Tid fra forslag til godkjenning"),
        _(
            "Gjennomsnittlig tid fra veilederen foreslo en aktivitet til brukeren godtok den, for aktiviteter "
            "brukeren godtok."
        ),
        "hours_sum",
        "n",
        _("sum av timer"),
        _("godtatte forslag"),
        kind="mean",
        unit=_("dager"),
        scale=24.0,
    ),
    Indicator(
        "bending",
        "referrals",
        _("Innsatsgruppe endret rett før henvisning"),
        _(
            "Andelen henvisninger til et tiltak som er åpent for brukerens nye innsatsgruppe, men ikke for den "
            "gamle, der innsatsgruppen ble endret i et vedtak de siste 30 dagene før henvisningen. "
            "Publisert: 10 % av veilederne sier de gjør dette ofte."
        ),
        "bent",
        "n",
        _("henvisninger etter endret gruppe"),
        _("henvisninger"),
        published="10 %",
    ),
]
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}
NOT_AVAILABLE = [
    (_("Uenighet fra brukeren"), _("Kommer når brukeren kan si seg uenig i planen (sak 7 av 9).")),
]


def month_of(at) -> dt.date:
    return dt.date(at.year, at.month, 1)


def value(ind: Indicator, counts: dict) -> float | None:
    """The indicator's value from a cell's counts (None when the denominator is zero)."""
    den = counts.get(ind.denominator, 0)
    if not den:
        return None
    v = counts.get(ind.numerator, 0) / den
    if ind.kind == "share":
        return 100.0 * v
    return v / ind.scale


# --- from leaf counts to published cells -------------------------------------------------------


@dataclass
class Organisation:
    """Where each (counsellor, office) leaf sits: its team, the office's county."""

    office_county: dict[int, int]
    team_of: dict[tuple[int, int], int | None] = field(default_factory=dict)  # (staff, office) -> team id


def unit_keys(staff_id: int, office_id: int, org: Organisation) -> list[tuple]:
    """The units from the leaf up: (counsellor, office), team, office, county, national."""
    team = org.team_of.get((staff_id, office_id))
    return [
        ("counsellor", staff_id, office_id),
        ("team", office_id, team or 0),
        ("office", office_id),
        ("county", org.office_county.get(office_id, 0)),
        ("national",),
    ]


@dataclass
class Cell:
    family: str
    month: dt.date
    unit: tuple
    counts: dict
    contributors: int
    hidden: bool


def cells(family: str, leaves: pd.DataFrame, org: Organisation) -> list[Cell]:
    """Every unit's counts per month for one family, with the suppression decision.

    ``leaves``: one row per (staff_id, office_id, month) with the family's components summed."""
    comps = list(FAMILIES[family])
    out: list[Cell] = []
    if leaves.empty:
        return out
    f = leaves.copy()
    f["staff_id"] = f["staff_id"].astype(int)
    f["office_id"] = f["office_id"].astype(int)
    f["team"] = [org.team_of.get((s, o)) or 0 for s, o in zip(f["staff_id"], f["office_id"], strict=True)]
    f["county"] = f["office_id"].map(lambda o: org.office_county.get(o, 0)).astype(int)
    f["national"] = 0
    f["active"] = f["staff_id"].where(f["n"] > 0)
    levels = [
        ("counsellor", ["staff_id", "office_id"]),
        ("team", ["office_id", "team"]),
        ("office", ["office_id"]),
        ("county", ["county"]),
        ("national", ["national"]),
    ]
    for month, frame in f.groupby("month", sort=True):
        counts: dict[tuple, dict] = {}
        contributors: dict[tuple, int] = {}
        for level, keys in levels:
            g = frame.groupby(keys, sort=True)
            sums = g[comps].sum()
            active = g["active"].nunique()
            for key, row, k in zip(sums.index, sums.itertuples(index=False), active.tolist(), strict=True):
                key = key if isinstance(key, tuple) else (key,)
                unit = ("national",) if level == "national" else (level, *(int(x) for x in key))
                counts[unit] = dict(zip(comps, row, strict=True))
                contributors[unit] = int(k)
        parent: dict[tuple, tuple | None] = {("national",): None}
        for unit in counts:
            if unit[0] == "county":
                parent[unit] = ("national",)
            elif unit[0] == "office":
                parent[unit] = ("county", org.office_county.get(unit[1], 0))
            elif unit[0] == "team":
                parent[unit] = ("office", unit[1])
            elif unit[0] == "counsellor":
                parent[unit] = ("team", unit[2], org.team_of.get((unit[1], unit[2])) or 0)
        sizes = {u: int(c["n"]) for u, c in counts.items()}
        primary = {u for u in counts if u[0] == "counsellor"}
        primary |= {u for u in counts if suppression.is_small(contributors[u]) or suppression.is_small(sizes[u])}
        hidden = suppression.suppressed_in_tree(parent, sizes, primary=primary, label=repr)
        for u, c in counts.items():
            out.append(Cell(family, month, u, {k: _num(v) for k, v in c.items()}, contributors[u], u in hidden))
    return out


def _num(v):
    f = float(v)
    return int(f) if f.is_integer() else round(f, 4)


def leaf_frame(records: pd.DataFrame, family: str) -> pd.DataFrame:
    """Sum one family's per-record components to (staff_id, office_id, month) leaves."""
    comps = list(FAMILIES[family])
    if records.empty:
        return pd.DataFrame(columns=["staff_id", "office_id", "month", *comps])
    for c in comps:
        if c not in records:
            records[c] = 0
    return records.groupby(["staff_id", "office_id", "month"], as_index=False)[comps].sum()


# --- per-record components ---------------------------------------------------------------------


def choice_components(frame: pd.DataFrame) -> pd.DataFrame:
    """frame: staff_id, office_id, month, fit_rank, office_expected_fill, reason."""
    f = frame
    lower = (f["fit_rank"] > 1).astype(int)
    fill = f["office_expected_fill"].astype(bool)
    out = f[["staff_id", "office_id", "month"]].copy()
    out["n"] = 1
    out["top"] = 1 - lower
    out["rank_sum"] = f["fit_rank"].astype(int)
    out["fill_n"] = fill.astype(int)
    out["fill_lower"] = (fill & (lower == 1)).astype(int)
    out["nofill_n"] = (~fill).astype(int)
    out["nofill_lower"] = ((~fill) & (lower == 1)).astype(int)
    groups = f["reason"].fillna("").map(reason_group)
    for k in REASON_KEYS:
        out[f"reason_{k}"] = ((groups == k) & (lower == 1)).astype(int)
    return out


def bent(referral_at, eligible: list, decisions: list[tuple]) -> bool:
    """Whether a referral made at ``referral_at`` to a measure open to ``eligible`` need groups
    followed a change of need group within ``BENDING_DAYS`` that made the client eligible.
    ``decisions``: the client's sent decisions as (sent_at, need_group), in any order."""
    past = sorted((d for d in decisions if d[0] <= referral_at), key=lambda d: d[0])
    for i in range(len(past) - 1, 0, -1):
        at, new = past[i]
        if referral_at - at > dt.timedelta(days=BENDING_DAYS):
            break
        old = past[i - 1][1]
        if old != new and new in eligible and old not in eligible:
            return True
    return False
