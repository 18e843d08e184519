"""Small SVG charts written directly, for pages with a time budget (a matplotlib figure costs
0.3-0.7 s to lay out and save, more than a one-office page may take at national scale; the
workload page does the same, workload/selectors.py). Text is escaped; every chart is an image
with a title, and its legend is SVG text below the plot. The chart scales with its viewBox down to
a minimum width (``insight/_style.html``); narrower screens scroll it sideways in its own box, as
the tables, so its text stays readable on a phone."""

from __future__ import annotations

import math
import textwrap

from django.utils.html import escape

COLOURS = ["#0067c5", "#c30000", "#06893a", "#ff9100", "#634689", "#005b82", "#a8874a", "#262626"]
FONT = 'font-family="Source Sans 3, Source Sans Pro, Arial, sans-serif"'


def _legend(items: list[tuple[str, str]], *, y0: float, width: int, left: int) -> tuple[list[str], float]:
    """Legend entries (colour, label) one per line below the plot; returns the parts and the height."""
    parts = []
    y = y0
    for colour, label in items:
        parts.append(
            f'<rect x="{left}" y="{y - 9:.1f}" width="12" height="10" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{y:.1f}" font-size="12">{escape(textwrap.shorten(label, 80))}</text>'
        )
        y += 17
    return parts, y - y0


def line_chart(
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    y_max: float = 100.0,
    y_label: str = "Prosent",
) -> str | None:
    """One line per series over the x labels; None values (hidden or no data) are gaps, a lone
    point is a dot. None when no series has a value."""
    series = [(label, ys) for label, ys in series if any(y is not None for y in ys)]
    if not series or not x_labels:
        return None
    w, left, right, top, plot_h = 640, 52, 24, 34, 220
    plot_w = w - left - right
    n = len(x_labels)
    step = plot_w / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - min(max(v, 0.0), y_max) / y_max)

    parts = [f'<text x="{left}" y="20" font-size="14" font-weight="600">{escape(textwrap.shorten(title, 80))}</text>']
    for v in range(0, int(y_max) + 1, int(y_max // 4) or 1):
        parts.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e6e6e6"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">{v}</text>'
        )
    every = max(1, math.ceil(n / 13))
    for i, lab in enumerate(x_labels):
        if i % every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12">{escape(lab)}</text>'
            )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    legend = []
    for k, (label, ys) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        legend.append((colour, label))
        run: list[str] = []
        for i, v in enumerate([*ys, None]):
            if v is not None:
                run.append(f"{x(i):.1f},{y(v):.1f}")
                continue
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>')
            run = []
        for i, v in enumerate(ys):
            if v is not None:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                    f"<title>{escape(label)}, {escape(x_labels[i])}: {v:.1f}</title></circle>"
                )
    leg, leg_h = _legend(legend, y0=top + plot_h + 44, width=w, left=left)
    h = top + plot_h + 44 + leg_h
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0f}" width="100%" role="img" '
        f'class="app-plot" {FONT}><title>{escape(title)}</title>'
    )
    return head + "".join(parts + leg) + "</svg>"


def stacked_bars(
    title: str,
    rows: list[tuple[str, list[float]]],
    categories: list[str],
    *,
    x_label: str,
    colours: list[str] | None = None,
) -> str | None:
    """Horizontal bars, one per row, each split into the categories' shares (per cent of the row's
    total). None without rows."""
    rows = [(label, vals) for label, vals in rows if sum(vals) > 0]
    if not rows:
        return None
    colours = colours or COLOURS
    w, left, right, top, bar_h, gap = 640, 210, 24, 34, 20, 8
    plot_w = w - left - right
    parts = [f'<text x="8" y="20" font-size="14" font-weight="600">{escape(textwrap.shorten(title, 80))}</text>']
    y = top
    for label, vals in rows:
        total = float(sum(vals))
        parts.append(
            f'<text x="{left - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end" font-size="12">'
            f"{escape(textwrap.shorten(label, 34))}</text>"
        )
        x0 = float(left)
        for j, v in enumerate(vals):
            width = plot_w * v / total
            if width > 0:
                pct = 100.0 * v / total
                parts.append(
                    f'<rect x="{x0:.1f}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{colours[j % len(colours)]}">'
                    f"<title>{escape(label)}: {escape(categories[j])} {pct:.0f} %</title></rect>"
                )
            x0 += width
        y += bar_h + gap
    grid = []
    for v in (0, 25, 50, 75, 100):
        xv = left + plot_w * v / 100
        grid.append(
            f'<line x1="{xv:.1f}" x2="{xv:.1f}" y1="{top - 4}" y2="{y - gap + 4}" stroke="#6a6a6a" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{xv:.1f}" y="{y + 12}" text-anchor="middle" font-size="12">{v}</text>')
    parts[1:1] = grid  # under the bars
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{y + 30}" text-anchor="middle" font-size="12">{escape(x_label)}</text>'
    )
    leg, leg_h = _legend(
        [(colours[j % len(colours)], c) for j, c in enumerate(categories)], y0=y + 56, width=w, left=left
    )
    h = y + 56 + leg_h
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0f}" width="100%" role="img" '
        f'class="app-plot" {FONT}><title>{escape(title)}</title>'
    )
    return head + "".join(parts + leg) + "</svg>"
