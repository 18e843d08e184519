"""The indicator plot: the first row's share indicators month by month (SVG, as the survey reports)."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = ["#0067c5", "#c30000", "#06893a", "#ff9100", "#634689", "#005b82", "#a8874a", "#262626"]


def svg_trend(report) -> str | None:
    row = report.focal
    shares = [i for i in report.indicators if i.kind == "share"]
    labels = [m.strftime("%m.%y") for m in report.months]
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    drawn = 0
    for n, ind in enumerate(shares):
        ys = [row.cells[(ind.key, m)].value for m in report.months]
        ys = [
            y if y is not None and not row.cells[(ind.key, m)].hidden else float("nan")
            for y, m in zip(ys, report.months, strict=True)
        ]
        if all(y != y for y in ys):
            continue
        ax.plot(
            range(len(labels)),
            ys,
            marker="o",
            ms=3,
            color=COLOURS[n % len(COLOURS)],
            label=textwrap.shorten(str(ind.label), 48),
        )
        drawn += 1
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xticks(range(len(labels)), labels, fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Prosent")
    ax.set_title(
        textwrap.shorten(f"{row.label}: andeler per måned (tomt punkt: skjult eller ingen data)", 90), fontsize=9
    )
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def svg_coefficients(model) -> str | None:
    """Fixed effects of the multilevel model with 95 % intervals (the constant left out)."""
    if model is None:
        return None
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
