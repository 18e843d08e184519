"""Matching: rank the offerings a client is eligible for by FIT to the client, and only by fit.

Fit score (0..1) for offering *o* and client *c*, with weights in ``WEIGHTS``:

- **needs (0.60)**: the mapped needs the offering's type addresses, weighted by severity.
  Severity per domain is ``max(counsellor_severity, client_severity)`` from the latest needs
  mapping: the client's own view counts as much as the counsellor's (the client's right to take
  part, NAV-loven § 15), and a disagreement never hides a need. Needs score =
  Σ_{d addressed} s_d² / Σ_d s_d², so a severe need (3 → 9) weighs far more than a mild one
  (1 → 1), and 1.0 means the offering addresses every mapped need.
- **goals (0.15)**: the client's own wishes (ClientPreference): half for addressing the domains
  the client wants to work on (share of them), half for being a type the client asked for.
- **travel (0.15)**: 1 / (1 + km / 25) from the client's municipality centre to the offering
  (digital offerings count as 0 km; unknown locations 0.5); 0 beyond the client's max distance.
- **language (0.10)**: 1 when taught in the client's language; Norwegian teaching gives 0.8, or
  0.3 when the client needs an interpreter; another language 0.2.

Free places, waiting lists and the office's expectation to fill places are NOT inputs: they are
looked up after ranking and shown in separate columns. Ties are broken by offering id.

Speed: a county's offerings are loaded once into numpy arrays (``CountyIndex``) and every client
is scored with a handful of vector operations; the index is cached per process for a short time
and per request, and the live numbers (free places, waiting list) are read only for the rows shown.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skreddersy.core import clock, reference
from skreddersy.core.lazy import numpy as np  # the analysis stack loads on first use (core/lazy.py)

WEIGHTS = {"needs": 0.60, "goals": 0.15, "travel": 0.15, "language": 0.10}
TRAVEL_HALF_KM = 25.0
INDEX_TTL_SECONDS = 120.0

DOMAIN_SHORT = {
    "job_search": gettext_lazy("jobbsøking"),
    "work_experience": gettext_lazy("arbeidserfaring"),
    "education": gettext_lazy("utdanning"),
    "language": gettext_lazy("språk"),
    "literacy": gettext_lazy("lese- og skriveferdigheter"),
    "physical_health": gettext_lazy("fysisk helse"),
    "mental_health": gettext_lazy("psykisk helse"),
    "substance_use": gettext_lazy("rus"),
    "housing": gettext_lazy("bolig"),
    "family_care": gettext_lazy("omsorgsansvar"),
    "finances": gettext_lazy("økonomi"),
    "social_network": gettext_lazy("sosialt nettverk"),
    "motivation": gettext_lazy("motivasjon og mestring"),
    "work_capacity_unclear": gettext_lazy("uavklart arbeidsevne"),
    "workplace_adaptation": gettext_lazy("tilrettelegging på arbeidsplassen"),
    "employer_reluctance": gettext_lazy("arbeidsgivers usikkerhet"),
}
LANGUAGE_NAMES = {
    "nb": gettext_lazy("norsk"), "nn": gettext_lazy("norsk"), "no": gettext_lazy("norsk"), "en": gettext_lazy("engelsk"), "ar": gettext_lazy("arabisk"), "so": gettext_lazy("somali"),
    "ti": gettext_lazy("tigrinja"), "pl": gettext_lazy("polsk"), "uk": gettext_lazy("ukrainsk"), "fa": gettext_lazy("persisk"), "se": gettext_lazy("samisk"), "lt": gettext_lazy("litauisk"),
}
NORWEGIAN = {"nb", "nn", "no"}


def domains() -> list[str]:
    return list(reference.needs_domains())


def domain_label(key: str) -> str:
    if key in DOMAIN_SHORT:
        return str(DOMAIN_SHORT[key])
    name = reference.needs_domains().get(key, key)
    return name[:1].lower() + name[1:]


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " " + _("og") + " " + parts[-1]


# --- the client side ---------------------------------------------------------------------------------

@dataclass
class ClientProfile:
    """What matching needs to know about one client (built by selectors, or by hand in tests)."""

    client_id: int
    office_id: int
    need_group: str
    age: int
    priority_groups: frozenset
    severity: dict[str, int] = field(default_factory=dict)  # domain -> 0..3 (blended)
    severity_source: dict[str, str] = field(default_factory=dict)  # domain -> "veileder" | "bruker" | "begge"
    wanted_domains: frozenset = frozenset()
    preferred_types: frozenset = frozenset()
    max_travel_km: int | None = None
    language: str = "nb"
    needs_interpreter: bool = False
    latitude: float | None = None
    longitude: float | None = None
    office_name: str = ""


def blend_severity(counsellor: int | None, client: int | None) -> tuple[int, str]:
    """The severity used for matching and who it comes from (see the module docstring)."""
    c = counsellor if counsellor is not None else -1
    k = client if client is not None else -1
    s = max(c, k, 0)
    if s == 0:
        return 0, ""
    if c == k:
        return s, "begge"
    return s, "veileder" if c > k else "bruker"


# --- the county index ----------------------------------------------------------------------------------

@dataclass
class CountyIndex:
    county_id: int
    built_at: float
    on: dt.date
    ids: np.ndarray
    type_idx: np.ndarray
    type_ids: list
    type_codes: list
    type_names: list
    type_weeks: np.ndarray
    type_addr: np.ndarray  # types x domains, 0/1 float32
    addr: np.ndarray  # offerings x domains
    group_bits: np.ndarray
    prio_bits: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    is_open: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    digital: np.ndarray
    lang_idx: np.ndarray
    langs: list
    titles: list
    providers: list
    municipalities: list
    start: list
    end: list
    office_rows: dict  # office id -> np.ndarray of row indices
    domain_keys: list
    _office_masks: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.ids)

    def office_mask(self, office_id: int) -> np.ndarray:
        m = self._office_masks.get(office_id)
        if m is None:
            m = np.zeros(self.size, dtype=bool)
            rows = self.office_rows.get(office_id)
            if rows is not None:
                m[rows] = True
            self._office_masks[office_id] = m
        return m


def _bits(values, order: list[str]) -> int:
    b = 0
    for v in values or ():
        if v in order:
            b |= 1 << order.index(v)
    return b


def build_index(county_id: int, *, on: dt.date | None = None) -> CountyIndex:
    """Load a county's offerings into arrays: four queries, whatever the county's size."""
    from skreddersy.measures.models import NEED_GROUP_ORDER, PRIORITY_GROUP_ORDER, MeasureOffering, MeasureType

    on = on or clock.today()
    keys = domains()
    dpos = {k: i for i, k in enumerate(keys)}
    types = list(MeasureType.objects.values_list("id", "code", "name", "addresses", "eligible_groups", "priority_groups",
                                                   "min_age", "max_age", "typical_weeks"))
    tpos = {t[0]: i for i, t in enumerate(types)}
    type_addr = np.zeros((max(len(types), 1), len(keys)), dtype=np.float32)
    for i, t in enumerate(types):
        for d in t[3] or ():
            if d in dpos:
                type_addr[i, dpos[d]] = 1.0
    rows = list(
        MeasureOffering.objects.filter(county_id=county_id)
        .order_by("id")
        .values_list("id", "measure_type_id", "title", "provider__name", "municipality", "latitude", "longitude",
                     "is_digital", "language", "start_date", "end_date", "min_age", "max_age", "priority_groups",
                     "status")
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    type_idx = np.fromiter((tpos[r[1]] for r in rows), dtype=np.int32, count=n)
    group_bits_t = [_bits(t[4], NEED_GROUP_ORDER) for t in types]
    prio_bits_t = [_bits(t[5], PRIORITY_GROUP_ORDER) for t in types]
    langs: list[str] = []
    lpos: dict[str, int] = {}
    lang_idx = np.zeros(n, dtype=np.int16)
    group_bits = np.zeros(n, dtype=np.int16)
    prio_bits = np.zeros(n, dtype=np.int16)
    min_age = np.zeros(n, dtype=np.int16)
    max_age = np.full(n, 999, dtype=np.int16)
    is_open = np.zeros(n, dtype=bool)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    digital = np.zeros(n, dtype=bool)
    for i, r in enumerate(rows):
        t = types[type_idx[i]]
        group_bits[i] = group_bits_t[type_idx[i]]
        prio_bits[i] = _bits(r[13], PRIORITY_GROUP_ORDER) if r[13] else prio_bits_t[type_idx[i]]
        lo = r[11] if r[11] is not None else t[6]
        hi = r[12] if r[12] is not None else t[7]
        min_age[i] = lo if lo is not None else 0
        max_age[i] = hi if hi is not None else 999
        is_open[i] = r[14] == "open" and (r[10] is None or r[10] >= on)
        if r[5] is not None and r[6] is not None:
            lat[i], lon[i] = r[5], r[6]
        digital[i] = r[7]
        lang = r[8] or "nb"
        if lang not in lpos:
            lpos[lang] = len(langs)
            langs.append(lang)
        lang_idx[i] = lpos[lang]
    links = MeasureOffering.offices.through.objects.filter(measureoffering__county_id=county_id).values_list(
        "office_id", "measureoffering_id"
    )
    id_pos = {int(v): i for i, v in enumerate(ids)}
    by_office: dict[int, list[int]] = {}
    for office_id, oid in links:
        by_office.setdefault(office_id, []).append(id_pos[oid])
    return CountyIndex(
        county_id=county_id, built_at=time.monotonic(), on=on, ids=ids, type_idx=type_idx, type_ids=[t[0] for t in types],
        type_codes=[t[1] for t in types], type_names=[t[2] for t in types],
        type_weeks=np.array([t[8] or 12 for t in types] or [12], dtype=np.float32),
        type_addr=type_addr, addr=type_addr[type_idx] if n else np.zeros((0, len(keys)), dtype=np.float32),
        group_bits=group_bits, prio_bits=prio_bits, min_age=min_age, max_age=max_age, is_open=is_open,
        lat=lat, lon=lon, digital=digital, lang_idx=lang_idx, langs=langs,
        titles=[r[2] for r in rows], providers=[r[3] for r in rows], municipalities=[r[4] for r in rows],
        start=[r[9] for r in rows], end=[r[10] for r in rows],
        office_rows={k: np.array(v, dtype=np.int64) for k, v in by_office.items()}, domain_keys=keys,
    )


_cache: dict[int, CountyIndex] = {}
_cache_lock = threading.Lock()
_generation = 0


def invalidate(county_id: int | None = None) -> None:
    """Forget cached indexes (called when offerings or types change in this process)."""
    global _generation
    with _cache_lock:
        _generation += 1
        if county_id is None:
            _cache.clear()
        else:
            _cache.pop(county_id, None)


class MatchCache:
    """Per-request cache: each county is loaded at most once per request (and reused from the
    process cache while younger than ``INDEX_TTL_SECONDS``)."""

    def __init__(self, *, use_process_cache: bool = True):
        self.indexes: dict[int, CountyIndex] = {}
        self.use_process_cache = use_process_cache

    def county(self, county_id: int) -> CountyIndex:
        idx = self.indexes.get(county_id)
        if idx is not None:
            return idx
        today = clock.today()
        if self.use_process_cache:
            with _cache_lock:
                idx = _cache.get(county_id)
            if idx is not None and (time.monotonic() - idx.built_at > INDEX_TTL_SECONDS or idx.on != today):
                idx = None
        if idx is None:
            idx = build_index(county_id, on=today)
            if self.use_process_cache:
                with _cache_lock:
                    _cache[county_id] = idx
        self.indexes[county_id] = idx
        return idx


# --- scoring --------------------------------------------------------------------------------------------

@dataclass
class Scores:
    eligible: np.ndarray  # bool per offering
    excluded: dict  # rule -> count of offerings failing it
    score: np.ndarray  # fit per offering (NaN where not eligible)
    needs: np.ndarray
    goals: np.ndarray
    travel: np.ndarray
    language: np.ndarray
    distance: np.ndarray
    order: np.ndarray  # eligible row indices, best fit first


def eligibility_mask(idx: CountyIndex, p: ClientProfile) -> tuple[np.ndarray, dict]:
    """The rules of ``eligibility.py`` vectorised. Returns (mask, failures per rule)."""
    from skreddersy.measures.models import NEED_GROUP_ORDER, PRIORITY_GROUP_ORDER

    if p.need_group in NEED_GROUP_ORDER:
        group_ok = (idx.group_bits & (1 << NEED_GROUP_ORDER.index(p.need_group))) != 0
    else:
        group_ok = np.zeros(idx.size, dtype=bool)
    age_ok = (idx.min_age <= p.age) & (idx.max_age >= p.age)
    cbits = _bits(p.priority_groups, PRIORITY_GROUP_ORDER)
    prio_ok = (idx.prio_bits == 0) | ((idx.prio_bits & cbits) != 0)
    place_ok = idx.office_mask(p.office_id)
    ok = group_ok & age_ok & prio_ok & place_ok & idx.is_open
    excluded = {
        "need_group": int((~group_ok).sum()), "age": int((~age_ok).sum()), "priority_group": int((~prio_ok).sum()),
        "place": int((~place_ok).sum()), "open": int((~idx.is_open).sum()),
    }
    return ok, excluded


def haversine_km(lat1, lon1, lat2, lon2):
    r = 6371.0
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def score(idx: CountyIndex, p: ClientProfile) -> Scores:
    """Eligibility over the whole county, then the fit of the eligible offerings only (the other
    rows hold NaN). Returns the eligible rows ordered best fit first, ties by offering id."""
    ok, excluded = eligibility_mask(idx, p)
    rows = np.nonzero(ok)[0]
    keys = idx.domain_keys
    addr = idx.addr[rows]
    # float64 throughout: severities and flags are small integers, so sums are exact and the
    # single-client and many-client paths give identical scores.
    s = np.array([p.severity.get(k, 0) for k in keys], dtype=np.float64)
    s2 = s * s
    total = float(s2.sum())
    needs = (addr @ s2) / total if total > 0 else np.zeros(len(rows))

    wanted = np.array([1.0 if k in p.wanted_domains else 0.0 for k in keys], dtype=np.float64)
    nw = float(wanted.sum())
    goal_dom = (addr @ wanted) / nw if nw > 0 else np.zeros(len(rows))
    pref_types = np.array([1.0 if c in p.preferred_types else 0.0 for c in idx.type_codes], dtype=np.float64)
    goals = 0.5 * goal_dom + 0.5 * pref_types[idx.type_idx[rows]]

    if p.latitude is not None and p.longitude is not None:
        dist = haversine_km(p.latitude, p.longitude, idx.lat[rows], idx.lon[rows])
    else:
        dist = np.full(len(rows), np.nan)
    dist = np.where(idx.digital[rows], 0.0, dist)
    travel = np.where(np.isnan(dist), 0.5, 1.0 / (1.0 + np.nan_to_num(dist) / TRAVEL_HALF_KM))
    if p.max_travel_km is not None:
        travel = np.where(np.nan_to_num(dist) > p.max_travel_km, 0.0, travel)

    lang_score_by_code = np.array([_language_fit(code, p) for code in idx.langs] or [0.0], dtype=np.float64)
    language = lang_score_by_code[idx.lang_idx[rows]]

    fit = WEIGHTS["needs"] * needs + WEIGHTS["goals"] * goals + WEIGHTS["travel"] * travel + WEIGHTS["language"] * language
    fit = np.round(fit, 6)  # stable ranks: float noise never reorders equal fits
    order = rows[np.lexsort((idx.ids[rows], -fit))]

    def full(values):
        out = np.full(idx.size, np.nan)
        out[rows] = values
        return out

    return Scores(eligible=ok, excluded=excluded, score=full(fit), needs=full(needs), goals=full(goals), travel=full(travel),
                  language=full(language), distance=full(dist), order=order)


# --- results --------------------------------------------------------------------------------------------

@dataclass
class MatchRow:
    offering_id: int
    rank: int
    score: float
    needs: float
    goals: float
    travel: float
    language_fit: float
    explanation: str
    title: str
    type_code: str
    type_name: str
    provider: str
    municipality: str
    distance_km: float | None
    language: str
    start_date: dt.date | None
    end_date: dt.date | None
    typical_weeks: float
    # Filled in after ranking, shown in separate columns, never used for the rank:
    capacity: int | None = None
    free_places: int | None = None
    waiting: int | None = None
    waiting_weeks: int | None = None
    waiting_list_full: bool = False
    availability: str = ""
    expected_fill: bool = False
    expected_fill_text: str = ""


@dataclass
class MatchResult:
    client_id: int
    county_id: int
    offerings_in_county: int
    eligible_count: int
    excluded: dict
    rows: list
    severity: dict
    severity_source: dict
    has_mapping: bool


def explain(idx: CountyIndex, p: ClientProfile, sc: Scores, i: int) -> str:
    """Why this offering fits, in the active language: needs covered with severity, wishes, travel, language."""
    parts = []
    t = idx.type_idx[i]
    covered = [(p.severity.get(k, 0), k) for j, k in enumerate(idx.domain_keys) if idx.type_addr[t, j] > 0 and p.severity.get(k, 0) > 0]
    covered.sort(key=lambda x: (-x[0], idx.domain_keys.index(x[1])))
    if covered:
        bits = [f"{domain_label(k)} ({s})" for s, k in covered]
        bits[0] = _("%(domain)s (alvorlighet %(s)s)") % {"domain": domain_label(covered[0][1]), "s": covered[0][0]}
        parts.append(_("dekker %(needs)s") % {"needs": _join(bits)})
    elif p.severity and any(v > 0 for v in p.severity.values()):
        parts.append(_("dekker ingen av de kartlagte behovene"))
    else:
        parts.append(_("ingen kartlagte behov å sammenligne med"))
    if idx.type_codes[t] in p.preferred_types:
        parts.append(_("brukeren har ønsket denne tiltakstypen"))
    wanted = [k for j, k in enumerate(idx.domain_keys) if idx.type_addr[t, j] > 0 and k in p.wanted_domains]
    if wanted:
        parts.append(_("brukeren vil jobbe med %(domains)s") % {"domains": _join([domain_label(k) for k in wanted])})
    if idx.digital[i]:
        parts.append(_("digitalt"))
    elif not math.isnan(sc.distance[i]):
        km = float(sc.distance[i])
        far = p.max_travel_km is not None and km > p.max_travel_km
        parts.append(_("%(km)s km unna") % {"km": f"{km:.0f}"} + (" " + _("(over brukerens grense på %(max)s km)") % {"max": p.max_travel_km} if far else ""))
    lang = idx.langs[idx.lang_idx[i]]
    if lang in NORWEGIAN:
        if p.needs_interpreter:
            parts.append(_("undervisning på norsk, brukeren trenger tolk"))
    elif lang == (p.language or "nb"):
        parts.append(_("undervisning på %(language)s (brukerens språk)") % {"language": language_name(lang)})
    else:
        parts.append(_("undervisning på %(language)s") % {"language": language_name(lang)})
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def rank(idx: CountyIndex, p: ClientProfile, *, limit: int | None = 25, explain_rows: bool = True) -> MatchResult:
    sc = score(idx, p)
    chosen = sc.order if limit is None else sc.order[:limit]
    rows = []
    for r, i in enumerate(chosen, start=1):
        t = idx.type_idx[i]
        d = sc.distance[i]
        rows.append(MatchRow(
            offering_id=int(idx.ids[i]), rank=r, score=round(float(sc.score[i]), 4), needs=round(float(sc.needs[i]), 3),
            goals=round(float(sc.goals[i]), 3), travel=round(float(sc.travel[i]), 3),
            language_fit=round(float(sc.language[i]), 3),
            explanation=explain(idx, p, sc, i) if explain_rows else "",
            title=idx.titles[i], type_code=idx.type_codes[t], type_name=idx.type_names[t], provider=idx.providers[i],
            municipality=idx.municipalities[i], distance_km=None if math.isnan(d) else round(float(d), 1),
            language=idx.langs[idx.lang_idx[i]], start_date=idx.start[i], end_date=idx.end[i],
            typical_weeks=float(idx.type_weeks[t]),
        ))
    return MatchResult(
        client_id=p.client_id, county_id=idx.county_id, offerings_in_county=idx.size, eligible_count=int(sc.eligible.sum()),
        excluded=sc.excluded, rows=rows, severity=dict(p.severity), severity_source=dict(p.severity_source),
        has_mapping=bool(p.severity),
    )


def fit_rank_of(idx: CountyIndex, p: ClientProfile, offering_id: int) -> tuple[int | None, float | None, np.ndarray, Scores]:
    """The 1-based fit rank and score of one offering for this client (None if not eligible)."""
    sc = score(idx, p)
    pos = np.nonzero(idx.ids[sc.order] == offering_id)[0]
    if not len(pos):
        return None, None, sc.order, sc
    i = sc.order[pos[0]]
    return int(pos[0]) + 1, float(sc.score[i]), sc.order, sc


# --- many clients at once (re-ranking an office) ------------------------------------------------------

def top_k_many(idx: CountyIndex, profiles: list[ClientProfile], *, k: int = 10, chunk: int = 512) -> dict[int, list[int]]:
    """The k best-fitting eligible offerings for each client, scored in matrix blocks of ``chunk``
    clients. Same score and tie-break as ``score``/``rank`` (a test keeps them equal)."""
    from skreddersy.measures.models import NEED_GROUP_ORDER, PRIORITY_GROUP_ORDER

    out: dict[int, list[int]] = {}
    if idx.size == 0:
        return {p.client_id: [] for p in profiles}
    keys = idx.domain_keys
    for start in range(0, len(profiles), chunk):
        block = profiles[start:start + chunk]
        m = len(block)
        # Only offerings that serve one of the block's offices and are open can be eligible:
        # score those columns alone (an office's clients share them; a big saving at county scale).
        office_ids = {p.office_id for p in block}
        cand = np.nonzero(np.logical_or.reduce([idx.office_mask(o) for o in office_ids]) & idx.is_open)[0]
        if len(cand) == 0:
            out.update({p.client_id: [] for p in block})
            continue
        n = len(cand)
        ids = idx.ids[cand]
        max_id = int(ids.max()) + 1
        addr_t = idx.addr[cand].T.astype(np.float64)  # domains x candidates
        lat_o, lon_o = np.radians(idx.lat[cand]), np.radians(idx.lon[cand])
        type_idx, digital, lang_idx = idx.type_idx[cand], idx.digital[cand], idx.lang_idx[cand]
        s2 = np.array([[float(p.severity.get(d, 0)) ** 2 for d in keys] for p in block])
        total = s2.sum(axis=1)
        needs = np.divide(s2 @ addr_t, total[:, None], out=np.zeros((m, n)), where=total[:, None] > 0)
        wanted = np.array([[1.0 if d in p.wanted_domains else 0.0 for d in keys] for p in block])
        nw = wanted.sum(axis=1)
        goal_dom = np.divide(wanted @ addr_t, nw[:, None], out=np.zeros((m, n)), where=nw[:, None] > 0)
        pref = np.array([[1.0 if c in p.preferred_types else 0.0 for c in idx.type_codes] for p in block])
        goals = 0.5 * goal_dom + 0.5 * pref[:, type_idx]
        plat = np.array([np.nan if p.latitude is None or p.longitude is None else p.latitude for p in block])
        plon = np.array([np.nan if p.latitude is None or p.longitude is None else p.longitude for p in block])
        p1 = np.radians(plat)[:, None]
        a = np.sin((lat_o[None, :] - p1) / 2) ** 2 + np.cos(p1) * np.cos(lat_o)[None, :] * np.sin((lon_o[None, :] - np.radians(plon)[:, None]) / 2) ** 2
        dist = 2 * 6371.0 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        dist = np.where(digital[None, :], 0.0, dist)
        travel = np.where(np.isnan(dist), 0.5, 1.0 / (1.0 + np.nan_to_num(dist) / TRAVEL_HALF_KM))
        maxkm = np.array([np.inf if p.max_travel_km is None else p.max_travel_km for p in block])
        travel = np.where(np.nan_to_num(dist) > maxkm[:, None], 0.0, travel)
        lang_tab = np.array([[_language_fit(code, p) for code in idx.langs] for p in block])
        language = lang_tab[:, lang_idx]
        fit = np.round(WEIGHTS["needs"] * needs + WEIGHTS["goals"] * goals + WEIGHTS["travel"] * travel
                       + WEIGHTS["language"] * language, 6)
        gbit = np.array([(1 << NEED_GROUP_ORDER.index(p.need_group)) if p.need_group in NEED_GROUP_ORDER else 0 for p in block])
        cbits = np.array([_bits(p.priority_groups, PRIORITY_GROUP_ORDER) for p in block])
        ages = np.array([p.age for p in block])
        gb, pb = idx.group_bits[cand], idx.prio_bits[cand]
        ok = ((gb[None, :] & gbit[:, None]) != 0)
        ok &= (idx.min_age[cand][None, :] <= ages[:, None]) & (idx.max_age[cand][None, :] >= ages[:, None])
        ok &= (pb[None, :] == 0) | ((pb[None, :] & cbits[:, None]) != 0)
        ok &= np.stack([idx.office_mask(p.office_id)[cand] for p in block])
        # one integer key per (client, offering): higher fit first, then lower id
        key = np.where(ok, -np.rint(fit * 1e6).astype(np.int64) * max_id + ids[None, :], np.iinfo(np.int64).max)
        kk = min(k, n)
        part = np.argpartition(key, kk - 1, axis=1)[:, :kk]
        for row, p in enumerate(block):
            cols = part[row][np.argsort(key[row, part[row]])]
            out[p.client_id] = [int(ids[c]) for c in cols if ok[row, c]]
    return out


def _language_fit(code: str, p: ClientProfile) -> float:
    client_lang = p.language or "nb"
    if code == client_lang or (code in NORWEGIAN and client_lang in NORWEGIAN):
        return 1.0
    if code in NORWEGIAN:
        return 0.3 if p.needs_interpreter else 0.8
    return 0.2
