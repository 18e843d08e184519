"""Reports for leaders and analysts: one ``Report`` built from the engine's results objects,
rendered as HTML (template + inline SVG plots) and as PDF (matplotlib's PdfPages).

Suppression: a report for fewer than ``MIN_GROUP`` respondents shows nothing but that fact; in
every breakdown (offices, employer groups) a group under ``MIN_GROUP`` is hidden, with a second
group hidden when needed so the first cannot be found by subtraction from the total.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from scipy import stats  # noqa: E402

from skreddersy.insight import analysis  # noqa: E402
from skreddersy.insight.analysis import MIN_GROUP, AnalysisError, suppressed_groups  # noqa: E402

plt.rcParams.update({"font.size": 9, "svg.fonttype": "none", "axes.spines.top": False, "axes.spines.right": False})
NAV_BLUE = "#0067c5"


@dataclass
class OfficeRow:
    office: str
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    hidden: bool


@dataclass
class Report:
    title: str
    scope: str  # "analyst" or "leader"
    n: int
    suppressed: bool
    labels: dict
    dependent: str | None = None
    distribution_variable: str | None = None
    descriptives: analysis.Descriptives | None = None
    reliability: list = field(default_factory=list)
    correlations: analysis.CorrelationMatrix | None = None
    regression: analysis.HierarchicalRegression | None = None
    multilevel: analysis.MultilevelResult | None = None
    comparisons: list = field(default_factory=list)
    chi_square: analysis.ChiSquare | None = None
    offices: list[OfficeRow] = field(default_factory=list)
    hidden_offices: int = 0
    wave_comparison: analysis.WaveComparison | None = None
    errors: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    @property
    def dependent_label(self) -> str:
        return self.label(self.dependent) if self.dependent else ""

    # -- plots as SVG strings (inline in HTML) --
    def svg_distribution(self) -> str:
        fig = plot_distribution(self)
        return _svg(fig) if fig else ""

    def svg_coefficients(self) -> str:
        fig = plot_coefficients(self)
        return _svg(fig) if fig else ""

    def svg_offices(self) -> str:
        fig = plot_offices(self)
        return _svg(fig) if fig else ""

    def to_pdf(self) -> bytes:
        return render_pdf(self)


def _guard(report: Report, key: str, fn):
    try:
        return fn()
    except AnalysisError as exc:
        report.errors[key] = exc.message
        return None


def _mean_ci(x: np.ndarray) -> tuple[float, float, float]:
    m = float(x.mean())
    if len(x) < 2:
        return m, math.nan, math.nan
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return m, m - half, m + half


def build_report(frame: pd.DataFrame, ctx, *, scope: str, title: str, spec: dict | None = None,
                 office_names: dict | None = None, previous: pd.DataFrame | None = None) -> Report:
    """All analyses for one wave (or one office of it). ``scope='leader'`` gives aggregates only."""
    spec = spec if spec is not None else (ctx.survey.analysis_spec or {})
    n = len(frame)
    report = Report(title=title, scope=scope, n=n, suppressed=n < MIN_GROUP, labels=ctx.labels)
    if report.suppressed:
        report.notes.append(f"Færre enn {MIN_GROUP} svar: ingen tall vises, for å verne den enkeltes svar.")
        return report
    dependent = spec.get("dependent") if spec.get("dependent") in frame.columns else None
    report.dependent = dependent
    dist = spec.get("distribution") or dependent or (ctx.item_keys[0] if ctx.item_keys else None)
    report.distribution_variable = dist if dist in frame.columns else None
    index_keys = [ix.key for ix in ctx.indices]
    blocks = [[v for v in b if v in frame.columns] for b in spec.get("blocks", [])]
    constant = [v for b in blocks for v in b if frame[v].nunique(dropna=True) < 2]
    if constant:
        # e.g. office size when every office in the wave is in the same size band: no variation
        # to estimate from, so the variable is left out of the model (said so in the report)
        report.notes.append("Tatt ut av regresjonen fordi de har samme verdi for alle: "
                            + ", ".join(ctx.labels.get(v, v) for v in constant) + ".")
        blocks = [[v for v in b if v not in constant] for b in blocks]
    blocks = [b for b in blocks if b]
    model_vars = [v for v in [dependent, *[v for b in blocks for v in b]] if v]
    describe_vars = list(dict.fromkeys([*ctx.item_keys, *index_keys, *[v for v in model_vars if v not in ctx.item_keys]]))
    report.descriptives = analysis.describe(frame, describe_vars, labels=ctx.labels, value_labels=ctx.value_labels)
    for ix in ctx.indices:
        if len(ix.items) >= 2:
            rel = _guard(report, f"alpha_{ix.key}", lambda ix=ix: analysis.reliability(
                frame, ix, published_alpha=ctx.published_alpha.get(ix.key)))
            if rel:
                report.reliability.append(rel)
    targets = [v for v in [dependent, *index_keys] if v]
    targets = list(dict.fromkeys(targets))
    # employer comparison (state vs municipal), only when both groups have >= MIN_GROUP answers
    if "employer" in frame.columns and targets:
        counts = frame["employer"].value_counts().to_dict()
        hidden = suppressed_groups({k: counts.get(k, 0) for k in (0.0, 1.0)})
        if hidden or len([k for k in (0.0, 1.0) if counts.get(k, 0)]) < 2:
            report.notes.append(f"Sammenligning statlig/kommunalt vises ikke: en gruppe har færre enn {MIN_GROUP} svar.")
        else:
            for v in targets:
                cmp = _guard(report, f"welch_{v}", lambda v=v: analysis.compare_groups(
                    frame.assign(_emp=frame["employer"].map({1.0: "statlig", 0.0: "kommunal"})), v, "_emp",
                    groups=("statlig", "kommunal"), method="welch"))
                if cmp:
                    report.comparisons.append(cmp)
            if report.distribution_variable:
                cmp = _guard(report, "mw", lambda: analysis.compare_groups(
                    frame.assign(_emp=frame["employer"].map({1.0: "statlig", 0.0: "kommunal"})),
                    report.distribution_variable, "_emp", groups=("statlig", "kommunal"), method="mannwhitney"))
                if cmp:
                    report.comparisons.append(cmp)
    if scope == "analyst":
        if len(model_vars) >= 2:
            report.correlations = _guard(report, "correlations", lambda: analysis.correlations(frame, model_vars))
        if dependent and blocks:
            report.regression = _guard(report, "regression", lambda: analysis.hierarchical_ols(
                frame, dependent, blocks, labels=ctx.labels))
            if frame["office"].nunique() >= 2:
                preds = [v for b in blocks for v in b if v != "office_size" or frame["office"].nunique() > 5]
                report.multilevel = _guard(report, "multilevel", lambda: analysis.random_intercept(
                    frame, dependent, preds, group="office", labels=ctx.labels))
        if "employer" in frame.columns and "caseload" in frame.columns and frame["caseload"].notna().sum() >= MIN_GROUP:
            report.chi_square = _guard(report, "chi_square", lambda: analysis.chi_square(
                frame.assign(tilsetting=frame["employer"].map({1.0: "statlig", 0.0: "kommunal"}),
                             ratio=frame["caseload"].map(lambda c: "under 50" if c <= 1 else "50-100" if c <= 3 else
                                                         "over 100" if c == c else None)), "tilsetting", "ratio"))
    # offices compared (analyst: every office; a leader's report is one office, so no breakdown)
    if scope == "analyst" and report.distribution_variable:
        var = dependent or report.distribution_variable
        groups = frame.groupby("office")[var]
        counts = groups.count().to_dict()
        hidden = suppressed_groups(counts)
        names = office_names or {}
        for office_id, x in groups:
            x = x.dropna().to_numpy()
            if office_id in hidden or len(x) == 0:
                report.offices.append(OfficeRow(str(names.get(office_id, office_id)), len(x), None, None, None, True))
                continue
            m, lo, hi = _mean_ci(x)
            report.offices.append(OfficeRow(str(names.get(office_id, office_id)), len(x), m, lo, hi, False))
        report.hidden_offices = sum(r.hidden for r in report.offices)
        report.offices.sort(key=lambda r: (r.hidden, -(r.mean or 0)))
    if previous is not None and targets:
        if len(previous) >= MIN_GROUP:
            report.wave_comparison = _guard(report, "waves", lambda: analysis.compare_waves(
                previous, frame, [t for t in targets if t in previous.columns], labels=("forrige", "denne")))
        else:
            report.notes.append(f"Forrige runde har færre enn {MIN_GROUP} svar og sammenlignes ikke.")
    return report


# --- plots --------------------------------------------------------------------------------------

def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def plot_distribution(report: Report):
    """Answer distribution in percent, like Figure 1 of Terum & Sadeghi (2021)."""
    if report.suppressed or not report.descriptives or not report.distribution_variable:
        return None
    s = report.descriptives[report.distribution_variable]
    if not s.distribution:
        return None
    pct = s.percentages()
    keys = list(pct)
    fig, ax = plt.subplots(figsize=(6.2, 3.0))
    bars = ax.bar(range(len(keys)), [pct[k] for k in keys], color=NAV_BLUE)
    for b, k in zip(bars, keys, strict=True):
        ax.annotate(f"{pct[k]:.0f}", (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom")
    ax.set_xticks(range(len(keys)), [f"{k}\n{textwrap.fill(s.value_labels.get(k, ''), 14)}" for k in keys], fontsize=8)
    ax.set_ylabel("Prosent")
    ax.set_title(textwrap.fill(f"Svarfordeling (n = {s.n}): {s.label}", 80), fontsize=9)
    ax.set_ylim(0, max(pct.values()) * 1.18 + 1)
    return fig


def plot_coefficients(report: Report):
    """Standardised coefficients of the final model with 95% confidence intervals."""
    if report.suppressed or report.regression is None:
        return None
    coefs = [c for c in report.regression.final.coefficients if c.beta is not None]
    fig, ax = plt.subplots(figsize=(6.2, 0.42 * len(coefs) + 1.0))
    y = np.arange(len(coefs))[::-1]
    beta = np.array([c.beta for c in coefs])
    lo = np.array([c.beta_ci_low for c in coefs])
    hi = np.array([c.beta_ci_high for c in coefs])
    ax.errorbar(beta, y, xerr=[beta - lo, hi - beta], fmt="o", color=NAV_BLUE, capsize=3)
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_yticks(y, [textwrap.shorten(report.label(c.name), 40) for c in coefs])
    ax.set_xlabel("Standardisert beta med 95 % konfidensintervall")
    ax.set_title(f"Modell {report.regression.final.number}: {textwrap.shorten(report.label(report.regression.dependent), 60)}"
                 f" (n = {report.regression.n})", fontsize=9)
    return fig


def plot_offices(report: Report):
    rows = [r for r in report.offices if not r.hidden]
    if report.suppressed or not rows:
        return None
    shown = rows[:40]
    fig, ax = plt.subplots(figsize=(6.2, 0.28 * len(shown) + 1.2))
    y = np.arange(len(shown))[::-1]
    m = np.array([r.mean for r in shown])
    lo = np.array([r.ci_low if r.ci_low == r.ci_low else r.mean for r in shown])
    hi = np.array([r.ci_high if r.ci_high == r.ci_high else r.mean for r in shown])
    ax.errorbar(m, y, xerr=[m - lo, hi - m], fmt="s", color=NAV_BLUE, capsize=2, ms=4)
    ax.set_yticks(y, [f"{textwrap.shorten(r.office, 28)} (n={r.n})" for r in shown], fontsize=7)
    var = report.dependent or report.distribution_variable
    ax.set_xlabel(f"Snitt med 95 % KI: {textwrap.shorten(report.label(var), 50)}")
    extra = f"; {len(rows) - len(shown)} flere i tabellen" if len(rows) > len(shown) else ""
    ax.set_title(f"Kontor sammenlignet ({report.hidden_offices} skjult, færre enn {MIN_GROUP} svar{extra})", fontsize=9)
    return fig


# --- PDF ----------------------------------------------------------------------------------------

def _text_page(pdf: PdfPages, title: str, body: str) -> None:
    lines = body.splitlines() or [""]
    per_page = 70
    for start in range(0, len(lines), per_page):
        fig = plt.figure(figsize=(8.27, 11.69))
        fig.text(0.06, 0.96, title, fontsize=13, weight="bold", va="top")
        fig.text(0.06, 0.93, "\n".join(lines[start:start + per_page]), fontsize=6.5, family="monospace", va="top")
        pdf.savefig(fig)
        plt.close(fig)


def report_text(report: Report) -> str:
    parts = [f"{report.title}", f"Antall svar: {report.n}" if not report.suppressed else f"Færre enn {MIN_GROUP} svar.", ""]
    if report.suppressed:
        return "\n".join(parts + report.notes)
    if report.descriptives:
        parts += [report.descriptives.summary(), ""]
    for rel in report.reliability:
        parts += [rel.summary(), ""]
    if report.correlations:
        parts += [report.correlations.summary(), ""]
    if report.regression:
        parts += [report.regression.summary(), ""]
    if report.multilevel:
        parts += [report.multilevel.summary(), ""]
    for c in report.comparisons:
        parts += [c.summary(), ""]
    if report.chi_square:
        parts += [report.chi_square.summary(), ""]
    if report.wave_comparison:
        parts += [report.wave_comparison.summary(), ""]
    for key, msg in report.errors.items():
        parts.append(f"Ikke beregnet ({key}): {msg}")
    parts += report.notes
    return "\n".join(parts)


def render_pdf(report: Report) -> bytes:
    buf = io.BytesIO()
    with PdfPages(buf) as pdf:
        _text_page(pdf, report.title, report_text(report))
        for fig in (plot_distribution(report), plot_coefficients(report), plot_offices(report)):
            if fig is not None:
                pdf.savefig(fig, bbox_inches="tight")
                plt.close(fig)
        info = pdf.infodict()
        info["Title"] = report.title
        info["Creator"] = "skreddersy innsikt"
    return buf.getvalue()
