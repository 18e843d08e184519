"""The toolkit's computations without data: one entry point per page, returning the engine's
results objects, and their export tables (ASCII variable names, Norwegian labels, for .sav)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from skreddersy.core.lazy import lazy
from skreddersy.core.lazy import pandas as pd  # the analysis stack loads on first use (core/lazy.py)
from skreddersy.insight.analysis.errors import AnalysisError
from skreddersy.insight.io import Labelled

if TYPE_CHECKING:
    from skreddersy.insight.analysis.checker import CheckReport

summary_tests = lazy("skreddersy.insight.analysis.summary_tests")
checker = lazy("skreddersy.insight.analysis.checker")


def calculate(test: str, **kw) -> summary_tests.SummaryTest | list[summary_tests.SummaryTest]:
    """One test (or, for a contingency table, χ² without and with Yates' correction)."""
    if test in ("welch", "student"):
        return summary_tests.t_test(kw.get("mean1"), kw.get("sd1"), kw.get("n1"), kw.get("mean2"), kw.get("sd2"),
                                    kw.get("n2"), equal_var=test == "student", decimals=kw.get("decimals"))
    if test == "anova":
        return summary_tests.anova(kw.get("means") or [], kw.get("sds") or [], kw.get("ns") or [],
                                   decimals=kw.get("decimals"))
    if test == "chi2":
        plain = summary_tests.chi_square_table(kw.get("table") or [], n=kw.get("n"))
        if len(plain.inputs["table"]) == 2 and len(plain.inputs["table"][0]) == 2:
            return [plain, summary_tests.chi_square_table(kw.get("table"), n=kw.get("n"), correction=True)]
        return [plain]
    if test == "fisher":
        return summary_tests.fisher_exact(kw.get("table") or [], n=kw.get("n"))
    if test == "proportions":
        return summary_tests.proportions(kw.get("p1"), kw.get("n1"), kw.get("p2"), kw.get("n2"),
                                         count1=kw.get("count1"), count2=kw.get("count2"), decimals=kw.get("decimals"))
    raise AnalysisError(_("test: ukjent test «%(test)s».") % {"test": str(test)[:30]}, field="test")


def check(text: str) -> CheckReport:
    return checker.check_text(text)


def results_table(results) -> Labelled:
    results = results if isinstance(results, list) else [results]
    rows = []
    for r in results:
        frame = r.to_frame().reset_index()
        for rec in frame.to_dict(orient="records"):
            rows.append({"test": r.label, "quantity": rec["størrelse"], "value": rec["verdi"],
                         "ci_low": rec["ki_lav"], "ci_high": rec["ki_høy"], "method": str(rec["metode"] or "")})
    df = pd.DataFrame(rows, columns=["test", "quantity", "value", "ci_low", "ci_high", "method"])
    for c in ("value", "ci_low", "ci_high"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return Labelled(df, {"test": "Test", "quantity": "Størrelse", "value": "Verdi",
                         "ci_low": "Nedre grense (KI eller avrundingsspenn)",
                         "ci_high": "Øvre grense (KI eller avrundingsspenn)", "method": "Metode"}, {})


def check_table(report: CheckReport) -> Labelled:
    df = report.to_frame().rename(columns={
        "linje": "line", "resultat": "result", "test": "test", "df": "df", "verdi": "value", "rapportert_p": "reported_p",
        "beregnet_p": "recomputed_p", "p_lav": "p_low", "p_høy": "p_high", "n": "n", "avvik": "flags", "merknad": "note"})
    df["n"] = pd.to_numeric(df["n"], errors="coerce").astype(float)
    df["flagged"] = (df["flags"] != "").astype(int)
    return Labelled(df, {"line": "Linje i teksten", "result": "Resultat slik det står", "test": "Test",
                         "df": "Frihetsgrader", "value": "Rapportert verdi", "reported_p": "Rapportert p",
                         "recomputed_p": "Beregnet p", "p_low": "Minste p avrundingen tillater",
                         "p_high": "Største p avrundingen tillater", "n": "Oppgitt N", "flags": "Avvik (p, df)",
                         "note": "Merknad", "flagged": "Flagget"},
                    {"flagged": {0: "I orden", 1: "Avvik"}})
