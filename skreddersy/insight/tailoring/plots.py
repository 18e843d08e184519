"""The indicator plot (SVG written directly, insight/svg.py) and the beside-survey model's
coefficient plot (matplotlib, as the survey reports)."""

from __future__ import annotations

import io
import textwrap

COLOURS = ["#0067c5", "#c30000", "#06893a", "#ff9100", "#634689", "#005b82", "#a8874a", "#262626"]


def svg_trend(report) -> str | None:
    """The first row's share indicators month by month; hidden months and months without data are
    gaps. Written as SVG directly (``insight/svg.py``): the page must answer within a second."""
    from skreddersy.insight import svg

    row = report.focal
    series = []
    for ind in report.indicators:
        if ind.kind != "share":
            continue
        cells = [row.cells[(ind.key, m)] for m in report.months]
        series.append((str(ind.label), [None if c.hidden else c.value for c in cells]))
    return svg.line_chart(
        f"{row.label}: andeler per måned (tomt punkt: skjult eller ingen data)",
        [m.strftime("%m.%y") for m in report.months],
        series,
    )


def svg_coefficients(model) -> str | None:
    """Fixed effects of the multilevel model with 95 % intervals (the constant left out)."""
    if model is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fixed = model.fixed.iloc[1:]
    if fixed.empty:
        return None
    fig, ax = plt.subplots(figsize=(6.2, 0.5 * len(fixed) + 1.2))
    y = list(range(len(fixed)))[::-1]
    b = fixed["B"].to_numpy()
    lo, hi = fixed["KI nedre"].to_numpy(), fixed["KI øvre"].to_numpy()
    ax.errorbar(b, y, xerr=[b - lo, hi - b], fmt="o", color=COLOURS[0], capsize=3)
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_yticks(y, [textwrap.shorten(str(i), 46) for i in fixed.index], fontsize=8)
    ax.set_xlabel("B med 95 % konfidensintervall (prosentpoeng per enhet)")
    ax.set_title(
        f"Andel beste treff: veiledere i kontor (n = {model.n}, {model.groups} kontor, ICC = {model.icc:.2f})",
        fontsize=9,
    )
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]
