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
        ys = [y if y is not None and not row.cells[(ind.key, m)].hidden else float("nan") for y, m in zip(ys, report.months, strict=True)]
        if all(y != y for y in ys):
            continue
        ax.plot(range(len(labels)), ys, marker="o", ms=3, color=COLOURS[n % len(COLOURS)],
                label=textwrap.shorten(str(ind.label), 48))
        drawn += 1
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xticks(range(len(labels)), labels, fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Prosent")
    ax.set_title(textwrap.shorten(f"{row.label}: andeler per måned (tomt punkt: skjult eller ingen data)", 90), fontsize=9)
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]
