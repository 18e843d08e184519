"""The published-table checker: find reported test results in pasted text (APA-like styles,
Norwegian decimal commas included), recompute p from the statistic and its degrees of freedom,
and flag a p that no value rounding to the reported statistic can give, and degrees of freedom
that do not fit a stated n.

Recognised: ``t(45) = 2.10, p = .041``; ``F(3, 1373) = 27.1, p < .001``; ``χ²(2, N = 300) = 7.38,
p = .025`` (also ``χ2``, ``chi2``, ``X²``, ``X2``, ``chi-square``); ``r(1375) = −.17, p < .001``;
``z = 2.31, p = .021``; decimal commas (``t(45) = 2,10, p = ,041``; dfs then separated by ``;`` or
``, `` with a space); unicode minus and en dash; ``=``, ``<``, ``>``, ``≤``, ``≥``.

Rounding rule: the reported statistic with *k* decimals stands for any value within half a unit
of its last digit; p is monotone in |statistic| for fixed dfs, so the p the statistic allows is an
interval. A reported ``p = x`` (with *j* decimals) is consistent when its own rounding interval
overlaps that interval; ``p < x`` when the smallest allowed p is below x; ``p > x`` when the
largest is above x. All tests are two-sided (t, r, z); F and χ² are upper-tail.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import gettext as _
from scipy import stats

from .errors import AnalysisError
from .results import Result, clean_number

MAX_TEXT = 200_000

_NUM = r"[−\-–]?\s?(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_STAT = r"(?P<stat>χ\s?²|χ\s?2|chi\s?-?\s?(?:square|squared|2|²)|X\s?²|X2|t|F|r|z)"
_DF = r"(?:\s?\((?P<df>[^()]{1,60})\))?"
_VALUE = rf"\s?(?P<op>=|<|>|≤|≥)\s?(?P<value>{_NUM})"
_P = rf"(?:[\s,;]+(?:and\s+|og\s+)?p\s?(?P<pop>=|<|>|≤|≥)\s?(?P<p>{_NUM}))?"
RESULT_RE = re.compile(rf"(?<![\w.]){_STAT}{_DF}{_VALUE}{_P}", re.IGNORECASE)
N_RE = re.compile(r"(?<![\w])[Nn]\s?=\s?(?P<n>\d[\d  ]*\d|\d)")
SENTENCE_RE = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ(])")
HINT_RE = re.compile(r"(?<![\w])p\s?(?:=|<|>|≤|≥)", re.IGNORECASE)


@dataclass
class CheckedResult:
    line: int
    text: str
    kind: str  # t, F, chi2, r, z
    df: tuple
    value: float
    value_decimals: int
    p_op: str | None
    p_reported: float | None
    p_decimals: int | None
    p_recomputed: float
    p_range: tuple[float, float]
    n: int | None = None
    flags: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.flags

    @property
    def decision_error(self) -> bool:
        """The reported p and the recomputed one fall on different sides of .05."""
        if "p" not in self.flags or self.p_reported is None:
            return False
        reported_sig = self.p_reported < 0.05 if self.p_op in ("=", "<", "≤") else False
        return reported_sig != (self.p_recomputed < 0.05)


@dataclass
class UnreadLine:
    line: int
    text: str
    message: str


@dataclass
class CheckReport(Result):
    results: list[CheckedResult]
    unread: list[UnreadLine]
    title = "Kontroll av rapporterte resultater"

    @property
    def flagged(self) -> list[CheckedResult]:
        return [r for r in self.results if r.flags]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "linje": r.line, "resultat": r.text, "test": r.kind, "df": ", ".join(f"{d:g}" for d in r.df),
            "verdi": r.value, "rapportert_p": (f"{r.p_op} {r.p_reported:g}" if r.p_op else ""),
            "beregnet_p": r.p_recomputed, "p_lav": r.p_range[0], "p_høy": r.p_range[1], "n": r.n,
            "avvik": ",".join(r.flags), "merknad": " ".join(r.messages),
        } for r in self.results], columns=["linje", "resultat", "test", "df", "verdi", "rapportert_p", "beregnet_p",
                                           "p_lav", "p_høy", "n", "avvik", "merknad"])

    def to_dict(self) -> dict:
        c = clean_number
        return {"title": self.title, "checked": len(self.results), "flagged": len(self.flagged),
                "results": [{"line": r.line, "text": r.text, "kind": r.kind, "df": [c(d) for d in r.df],
                             "value": c(r.value), "p_op": r.p_op, "p_reported": c(r.p_reported),
                             "p_recomputed": c(r.p_recomputed), "p_range": [c(x) for x in r.p_range], "n": r.n,
                             "flags": r.flags, "messages": r.messages, "decision_error": r.decision_error}
                            for r in self.results],
                "unread": [{"line": u.line, "text": u.text, "message": u.message} for u in self.unread]}


def _number(raw: str, *, decimal_comma: bool) -> tuple[float, int]:
    s = raw.replace("−", "-").replace("–", "-").replace(" ", "")
    if decimal_comma or ("," in s and "." not in s):
        s = s.replace(",", ".")
    value = float(s)
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return value, decimals


def _kind(stat: str) -> str:
    s = stat.lower().replace(" ", "")
    if s in ("t", "f", "r", "z"):
        return {"t": "t", "f": "F", "r": "r", "z": "z"}[s]
    return "chi2"


def _split_df(raw: str) -> tuple[list[str], int | None]:
    """The dfs inside the parentheses, and an N stated there (``χ²(2, N = 300)``)."""
    n = None
    m = N_RE.search(raw)
    if m:
        n = int(re.sub(r"\s", "", m.group("n")))
        raw = raw[:m.start()]
    parts = [p for p in re.split(r";|,\s+|\s+,|,(?=\s*$)", raw) if p.strip()]
    if len(parts) == 1 and raw.count(",") == 1 and re.fullmatch(r"\s*\d+,\d+\s*", raw):
        # "F(2,57)" without a space: two integer dfs, not a decimal comma
        parts = raw.split(",")
    return [p.strip() for p in parts], n


def _p_two(stat_abs: float, kind: str, df: tuple) -> float:
    if kind == "t":
        return float(2 * stats.t.sf(stat_abs, df[0]))
    if kind == "z":
        return float(2 * stats.norm.sf(stat_abs))
    if kind == "r":
        if stat_abs >= 1:
            return 0.0
        t = stat_abs * math.sqrt(df[0] / (1 - stat_abs**2))
        return float(2 * stats.t.sf(t, df[0]))
    if kind == "F":
        return float(stats.f.sf(stat_abs, df[0], df[1]))
    return float(stats.chi2.sf(stat_abs, df[0]))


def _n_fits(kind: str, df: tuple, n: int) -> bool:
    if kind == "t":
        d = df[0]
        if abs(d - round(d)) > 1e-9:  # Welch: fractional df, at most n - 2
            return d <= n - 2 + 1e-9
        return round(d) in (n - 1, n - 2)
    if kind == "r":
        return round(df[0]) == n - 2
    if kind == "F":
        # one-way ANOVA (df1 + 1 groups) or regression (df1 predictors) leaves n - df1 - 1; more
        # cells or covariates leave fewer, never more
        return round(df[1]) <= n - df[0] - 1
    return True


def _sentence_n(line: str, bounds: list[int], m: re.Match, spans: list[tuple[int, int]]) -> int | None:
    """The N stated in the sentence of a result (nearest to it), if any."""
    start = max(b for b in bounds if b <= m.start())
    end = min(b for b in bounds if b > m.start())
    best = None
    for nm in N_RE.finditer(line, start, min(end, len(line))):
        if any(a <= nm.start() < b for a, b in spans):
            continue  # inside a result's own parentheses: belongs to that result
        dist = abs(nm.start() - m.start())
        if best is None or dist < best[0]:
            best = (dist, int(re.sub(r"\s", "", nm.group("n"))))
    return best[1] if best else None


def check_text(text: str) -> CheckReport:
    if text is None or not str(text).strip():
        raise AnalysisError(_("text: lim inn minst ett resultat, for eksempel «t(45) = 2,10, p = ,041»."), field="text")
    if len(text) > MAX_TEXT:
        raise AnalysisError(_("text: teksten er lengre enn %(limit)s tegn.") % {"limit": MAX_TEXT}, field="text")
    results: list[CheckedResult] = []
    unread: list[UnreadLine] = []
    for line_no, line in enumerate(str(text).splitlines(), start=1):
        bounds = [0] + [b.end() for b in SENTENCE_RE.finditer(line)] + [len(line) + 1]
        matches = list(RESULT_RE.finditer(line))
        spans = [(m.start(), m.end()) for m in matches]
        for m in matches:
            item = _check_match(m, line_no, _sentence_n(line, bounds, m, spans))
            (unread if isinstance(item, UnreadLine) else results).append(item)
        for hint in HINT_RE.finditer(line):
            if not any(a <= hint.start() < b for a, b in spans):
                unread.append(UnreadLine(line_no, line.strip()[:200],
                                         f"Linje {line_no}: fant en p-verdi uten en test (t, F, χ², r eller z) med "
                                         "verdi som kunne leses foran seg."))
                break
    if not results and unread:
        raise AnalysisError(unread[0].message, field="text", errors={"text": unread[0].message})
    if not results:
        raise AnalysisError(_("text: fant ingen resultater å kontrollere (for eksempel «t(45) = 2,10, p = ,041»)."),
                            field="text")
    return CheckReport(results, unread)


def _check_match(m: re.Match, line_no: int, line_n: int | None) -> CheckedResult | UnreadLine:
    snippet = m.group(0).strip()
    kind = _kind(m.group("stat"))
    raw_value, raw_p = m.group("value"), m.group("p")
    raw_df = m.group("df")
    # a decimal comma is in use when the value or p carries one
    decimal_comma = "," in raw_value or (raw_p is not None and "," in raw_p)
    try:
        value, v_dec = _number(raw_value, decimal_comma=decimal_comma)
        p_val, p_dec = _number(raw_p, decimal_comma=decimal_comma) if raw_p else (None, None)
    except ValueError:
        return UnreadLine(line_no, snippet, f"Linje {line_no}: «{snippet}» kan ikke leses som tall.")
    n = line_n
    dfs: tuple = ()
    if raw_df is not None:
        parts, n_inside = _split_df(raw_df)
        n = n_inside or n
        try:
            dfs = tuple(_number(p, decimal_comma=False)[0] if "." in p else _number(p, decimal_comma=True)[0]
                        for p in parts)
        except ValueError:
            return UnreadLine(line_no, snippet, f"Linje {line_no}: frihetsgradene «{raw_df}» kan ikke leses.")
    need = {"t": 1, "r": 1, "chi2": 1, "F": 2, "z": 0}[kind]
    if len(dfs) != need:
        label = {"t": "t", "r": "r", "chi2": "χ²", "F": "F", "z": "z"}[kind]
        want = {0: "ingen frihetsgrader", 1: "én frihetsgrad", 2: "to frihetsgrader"}[need]
        return UnreadLine(line_no, snippet, f"Linje {line_no}: {label} trenger {want} («{snippet}»).")
    if any(d <= 0 for d in dfs):
        return UnreadLine(line_no, snippet, f"Linje {line_no}: frihetsgradene må være positive («{snippet}»).")
    if p_val is not None and not 0 <= p_val <= 1:
        return UnreadLine(line_no, snippet, f"Linje {line_no}: p = {p_val:g} er ikke en sannsynlighet (over 1).")
    if kind == "r" and abs(value) > 1:
        return UnreadLine(line_no, snippet, f"Linje {line_no}: en korrelasjon kan ikke være {value:g}.")
    if kind in ("F", "chi2") and value < 0:
        return UnreadLine(line_no, snippet, f"Linje {line_no}: {kind} kan ikke være negativ.")
    op = m.group("op")
    h = 0.5 * 10.0 ** (-v_dec)
    a = abs(value)
    if op in ("<", "≤"):
        lo_abs, hi_abs = 0.0, a
    elif op in (">", "≥"):
        lo_abs, hi_abs = a, math.inf
    else:
        lo_abs, hi_abs = max(a - h, 0.0), a + h
    if kind == "r":
        hi_abs = min(hi_abs, 1.0)
    p_hi = _p_two(lo_abs, kind, dfs) if lo_abs > 0 or kind in ("F", "chi2") else 1.0
    p_lo = _p_two(hi_abs, kind, dfs) if math.isfinite(hi_abs) else 0.0
    p_now = _p_two(a, kind, dfs)
    res = CheckedResult(line_no, snippet, kind, dfs, value, v_dec, m.group("pop"), p_val, p_dec, p_now, (p_lo, p_hi), n)
    pop = m.group("pop")
    tol = 1e-12
    if p_val is not None:
        if pop == "=":
            ph = 0.5 * 10.0 ** (-p_dec)
            r_lo, r_hi = max(p_val - ph, 0.0), p_val + ph
            ok = r_lo - tol <= p_hi and p_lo <= r_hi + tol
        elif pop in ("<", "≤"):
            ok = p_lo < p_val + tol
        else:
            ok = p_hi > p_val - tol
        if not ok:
            res.flags.append("p")
            res.messages.append(
                f"Rapportert p {pop} {p_val:g}, men {kind} = {value:g} med df {', '.join(f'{d:g}' for d in dfs)} gir "
                f"p = {p_now:.4g} (avrundingen av statistikken tillater {p_lo:.4g} til {p_hi:.4g}).")
    if n is not None and dfs and not _n_fits(kind, dfs, n):
        res.flags.append("df")
        res.messages.append(f"Frihetsgradene {', '.join(f'{d:g}' for d in dfs)} passer ikke med N = {n}.")
    return res
