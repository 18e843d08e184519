"""The published-table checker: the issue's examples, and precision and recall of its flags on
results generated here (correct ones and ones with a planted error), in every reporting style."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from skreddersy.insight.analysis import AnalysisError
from skreddersy.insight.analysis.checker import check_text

CHI_NAMES = ["χ²", "χ2", "chi2", "X²", "X2", "chi-square"]


def test_issue_examples_are_read_and_consistent():
    report = check_text("t(45) = 2.10, p = .041\nχ²(2) = 7.38, p = .025\nF(3, 1373) = 27.1\nr(1375) = −.17, p < .001")
    assert [r.kind for r in report.results] == ["t", "chi2", "F", "r"]
    assert [r.df for r in report.results] == [(45,), (2,), (3, 1373), (1375,)]
    assert report.results[3].value == pytest.approx(-0.17)
    assert not report.flagged
    assert report.results[0].p_recomputed == pytest.approx(2 * stats.t.sf(2.10, 45))


def test_norwegian_decimal_commas():
    report = check_text("Forskjellen var signifikant (t(45) = 2,10; p = 0,041), og F(3; 1373) = 27,1, p < ,001.")
    assert [r.value for r in report.results] == [pytest.approx(2.10), pytest.approx(27.1)]
    assert report.results[1].df == (3, 1373)
    assert not report.flagged


def test_wrong_p_is_flagged_and_rounding_is_allowed():
    # t(120) = 2.31 allows 2.305 to 2.315: p from .0224 to .0229
    assert check_text("t(120) = 2.31, p = .023").flagged == []
    flagged = check_text("t(120) = 2.31, p = .01").flagged
    assert len(flagged) == 1 and flagged[0].flags == ["p"]


def test_df_that_does_not_fit_n():
    report = check_text("Blant de 50 veilederne (N = 50) var t(60) = 2.00, p = .050.")
    assert report.results[0].flags == ["df"]
    assert check_text("Blant veilederne (N = 62) var t(60) = 2.00, p = .050.").flagged == []
    assert check_text("χ²(2, N = 300) = 7,38, p = ,025").results[0].n == 300


@pytest.mark.parametrize("text,line", [
    ("p = .03 men ingen test", 1),
    ("Innledning.\nt(abc) = 2.1, p = .03", 2),
    ("t(45) = 2.10, p = 1.3", 1),
])
def test_unreadable_results_name_the_line(text, line):
    with pytest.raises(AnalysisError) as exc:
        check_text(text)
    assert f"Linje {line}" in exc.value.message


def test_empty_text_is_refused():
    with pytest.raises(AnalysisError) as exc:
        check_text("Ingen tall her.")
    assert exc.value.field == "text"


# --- generated results --------------------------------------------------------------------------

def _p_of(kind, value, df):
    if kind == "t":
        return 2 * stats.t.sf(abs(value), df[0])
    if kind == "z":
        return 2 * stats.norm.sf(abs(value))
    if kind == "r":
        t = abs(value) * np.sqrt(df[0] / (1 - value**2))
        return 2 * stats.t.sf(t, df[0])
    if kind == "F":
        return stats.f.sf(value, *df)
    return stats.chi2.sf(value, df[0])


def _stat_for(kind, p, df, rng):
    sign = -1 if rng.random() < 0.3 and kind in ("t", "r", "z") else 1
    if kind == "t":
        return sign * stats.t.isf(p / 2, df[0])
    if kind == "z":
        return sign * stats.norm.isf(p / 2)
    if kind == "r":
        t = stats.t.isf(p / 2, df[0])
        return sign * t / np.sqrt(df[0] + t**2)
    if kind == "F":
        return stats.f.isf(p, *df)
    return stats.chi2.isf(p, df[0])


def _fmt(x: float, decimals: int, comma: bool, leading_zero: bool, minus: str) -> str:
    s = f"{abs(x):.{decimals}f}"
    if not leading_zero and s.startswith("0."):
        s = s[1:]
    if comma:
        s = s.replace(".", ",")
    return (minus if x < 0 and float(s.replace(",", ".")) != 0 else "") + s


def generate(n: int, seed: int):
    """(text, planted) pairs: planted is None for a correct result, else "p" or "df"."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        kind = rng.choice(["t", "F", "chi2", "r", "z"])
        if kind == "F":
            df = (int(rng.integers(1, 6)), int(rng.integers(10, 2000)))
        elif kind == "z":
            df = ()
        else:
            df = (int(rng.integers(1 if kind == "chi2" else 5, 12 if kind == "chi2" else 2000)),)
        p_true = float(10 ** rng.uniform(-5, np.log10(0.9)))
        value = float(_stat_for(kind, p_true, df, rng))
        decimals = int(rng.choice([2, 2, 3])) if kind != "r" else 3
        shown = round(value, decimals)
        if shown == 0:
            continue
        p_exact = _p_of(kind, value, df)
        comma = rng.random() < 0.4
        lead = rng.random() < 0.5
        minus = str(rng.choice(["−", "-", "–"]))
        planted = None
        roll = rng.random()
        if roll < 0.25:
            planted = "p"
            wrong = max(p_exact * 4, 0.005) if p_exact < 0.2 else p_exact / 4
            p_text = f"p = {_fmt(wrong, 3, comma, lead, minus)}"
        elif roll < 0.3 and p_exact > 0.01:
            planted = "p"
            p_text = f"p < {_fmt(0.001, 3, comma, lead, minus)}"
        elif p_exact < 0.001:
            p_text = f"p < {_fmt(0.001, 3, comma, lead, minus)}"
        else:
            p_text = f"p = {_fmt(round(p_exact, 3), 3, comma, lead, minus)}" if round(p_exact, 3) > 0 else "p < .001"
        sep = "; " if comma else ", "
        dfs = sep.join(str(d) for d in df)
        name = {"chi2": str(rng.choice(CHI_NAMES)), "t": "t", "F": "F", "r": "r", "z": "z"}[kind]
        head = f"{name}({dfs})" if df else name
        text = f"{head} = {_fmt(shown, decimals, comma, lead, minus)}{sep}{p_text}"
        if kind in ("t", "r", "F") and rng.random() < 0.3 and planted is None:
            true_n = df[0] + df[1] + 1 if kind == "F" else df[0] + 2
            if rng.random() < 0.5:
                planted = "df"
                text = f"Blant N = {true_n + int(rng.integers(-30, -5))} ansatte var {text}."
            else:
                text = f"Blant N = {true_n} ansatte var {text}."
        out.append((text, planted))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_precision_and_recall_on_generated_results(seed):
    cases = generate(300, seed)
    report = check_text("\n".join(t for t, _p in cases))
    assert len(report.results) == len(cases), [u.message for u in report.unread][:3]
    tp = fp = fn = 0
    for (_text, planted), res in zip(cases, report.results, strict=True):
        flagged = bool(res.flags)
        tp += flagged and planted is not None
        fp += flagged and planted is None
        fn += (not flagged) and planted is not None
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, tp, fp, fn)
    assert tp >= 40  # enough planted errors to mean something
