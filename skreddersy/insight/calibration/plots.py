"""Need group answers per vignette, stacked (SVG written directly, insight/svg.py: the results
page has a two-second budget at 5,000 answers): where counsellors split on the same case."""

from __future__ import annotations

from skreddersy.insight import svg

COLOURS = ["#a8d4f5", "#66a3e0", "#0067c5", "#004e9a", "#262626"]  # the need groups in their order


def svg_need_groups(res) -> str | None:
    q = next((q for q in res.questions if q.key == "need_group"), None)
    if q is None or not q.result.per_case:
        return None
    rows = [(res.vignettes[c.index].title, [float(n) for n in c.counts]) for c in q.result.per_case]
    return svg.stacked_bars(
        f"Innsatsgruppe per kasus (n = {res.respondents})",
        rows,
        q.labels,
        x_label="Prosent av svarene",
        colours=COLOURS,
    )
