"""The charts of the tailoring page and the calibration results, written as SVG directly: a hidden
month is a gap (its value is nowhere in the chart), labels are escaped, no data gives no chart."""

from __future__ import annotations

import datetime as dt

from skreddersy.insight import svg
from skreddersy.insight.tailoring import engine, plots
from skreddersy.insight.tailoring.selectors import Figure, Row, TailoringReport

MONTHS = [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]


def _report(hidden_month: dt.date) -> TailoringReport:
    cells = {}
    for ind in engine.INDICATORS:
        for i, m in enumerate(MONTHS):
            if m == hidden_month:
                cells[(ind.key, m)] = Figure(None, None, None, hidden=True)
            else:
                cells[(ind.key, m)] = Figure(i + 1, 8, 12.5 * (i + 1))
    return TailoringReport("T", "office", MONTHS, [Row("office-1", "Nav <Test>", "office", cells)], None)


def test_a_hidden_month_is_a_gap_and_its_value_is_nowhere():
    out = plots.svg_trend(_report(MONTHS[2]))
    assert out.startswith("<svg") and 'role="img"' in out
    shares = [i for i in engine.INDICATORS if i.kind == "share"]
    # months 1, 2 and 4 are drawn (12.5, 25.0, 50.0); month 3 (37.5) is hidden
    assert out.count("<circle") == 3 * len(shares)
    assert "37.5" not in out and "37,5" not in out and "03.26: " not in out
    assert out.count("<polyline") == len(shares)  # one run of two points; the lone point after the gap is a dot
    assert "Nav &lt;Test&gt;" in out and "<Test>" not in out


def test_no_data_no_chart():
    assert svg.line_chart("T", ["01.26"], [("a", [None])]) is None
    assert svg.stacked_bars("T", [("v", [0, 0])], ["a", "b"], x_label="x") is None
    bars = svg.stacked_bars("T", [("v1", [1, 3]), ("v2", [2, 2])], ["a", "b"], x_label="Prosent")
    assert bars.count("<rect") == 4 + 2  # four bar parts and two legend keys
    assert "v1: b 75 %" in bars and "v2: a 50 %" in bars
