"""Need group answers per vignette, stacked (SVG): where counsellors split on the same case."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLOURS = ["#a8d4f5", "#66a3e0", "#0067c5", "#004e9a", "#262626"]


def svg_need_groups(res) -> str | None:
    q = next((q for q in res.questions if q.key == "need_group"), None)
    if q is None or not q.result.per_case:
        return None
    counts = np.array([c.counts for c in q.result.per_case], dtype=float)
    shares = 100 * counts / counts.sum(axis=1, keepdims=True)
    fig, ax = plt.subplots(figsize=(7.2, 0.4 * len(shares) + 1.4))
    left = np.zeros(len(shares))
    y = np.arange(len(shares))[::-1]
    for j, label in enumerate(q.labels):
        ax.barh(y, shares[:, j], left=left, color=COLOURS[j % len(COLOURS)], label=textwrap.shorten(label, 30))
        left += shares[:, j]
    ax.set_yticks(y, [textwrap.shorten(v.title, 34) for v in res.vignettes], fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Prosent av svarene")
    ax.set_title(f"Innsatsgruppe per kasus (n = {res.respondents})", fontsize=9)
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]
