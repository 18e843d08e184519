"""The one small-group rule (core/suppression.py), used by insight and by measures.

The property: in any table, every count under 5 (and above 0) is hidden, and no hidden count
can be recovered from what is published, i.e. from the shown cells and the row and column
totals. "Recovered" is checked independently of the rule's own graph argument: a hidden cell is
determined by the published figures exactly when every solution of the linear system (one
equation per published total, one unknown per hidden cell) gives it the same value, i.e. when
the system's null space is zero in that cell's coordinate.
"""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space
from scipy.optimize import linprog

from skreddersy.core.suppression import MIN_GROUP, suppressed_cells, suppressed_groups

counts = st.one_of(st.integers(0, 4), st.integers(0, 40))


@st.composite
def tables(draw):
    rows, cols = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    return {(r, c): draw(counts) for r in range(rows) for c in range(cols)}


def recoverable(table, hidden, *, row_totals=True, col_totals=True) -> set:
    """Hidden cells whose value the published figures pin down (linear algebra, not the rule's graph)."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    lines = []
    if row_totals:
        lines += [[c for c in unknowns if c[0] == r] for r in {c[0] for c in table}]
    if col_totals:
        lines += [[c for c in unknowns if c[1] == k] for k in {c[1] for c in table}]
    a = np.zeros((max(len(lines), 1), len(unknowns)))
    for i, members in enumerate(lines):
        for c in members:
            a[i, unknowns.index(c)] = 1.0
    free = null_space(a)
    return {c for j, c in enumerate(unknowns) if free.shape[1] == 0 or np.all(np.abs(free[j]) < 1e-9)}


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_hidden_cell_of_a_two_way_table_can_be_recovered_from_cells_and_totals(table):
    hidden = suppressed_cells(table)
    for cell, n in table.items():
        if 0 < n < MIN_GROUP:
            assert cell in hidden, (cell, n)
    # a lone hidden cell in a row or a column is never left
    for axis in (0, 1):
        for key in {c[axis] for c in table}:
            assert len([c for c in hidden if c[axis] == key]) != 1
    assert recoverable(table, hidden) == set(), (table, hidden)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_with_only_row_totals_published_no_hidden_cell_can_be_recovered(table):
    hidden = suppressed_cells(table, col_totals=False)
    assert {c for c, n in table.items() if 0 < n < MIN_GROUP} <= hidden
    assert recoverable(table, hidden, col_totals=False) == set()


@settings(max_examples=150, deadline=None)
@given(tables())
def test_nor_with_counts_known_to_be_never_negative_when_no_total_is_itself_small(table):
    """An attacker also knows counts are never negative. A published total of 1-4 is a small
    group itself (never published), and with such totals withheld no hidden small count can be
    pinned down even so: the least and the greatest value it can take, given the shown cells and
    the totals, differ (linear programming over the hidden cells)."""
    rows, cols = sorted({c[0] for c in table}), sorted({c[1] for c in table})
    totals = [sum(n for c, n in table.items() if c[0] == r) for r in rows]
    totals += [sum(n for c, n in table.items() if c[1] == k) for k in cols]
    assume(not any(0 < t < MIN_GROUP for t in totals))
    hidden = sorted(suppressed_cells(table))
    if not hidden:
        return
    a = [[1.0 if h[0] == r else 0.0 for h in hidden] for r in rows] + [[1.0 if h[1] == k else 0.0 for h in hidden] for k in cols]
    b = [sum(table[h] for h in hidden if h[0] == r) for r in rows] + [sum(table[h] for h in hidden if h[1] == k) for k in cols]
    for j, cell in enumerate(hidden):
        if not 0 < table[cell] < MIN_GROUP:
            continue
        goal = np.zeros(len(hidden))
        goal[j] = 1.0
        low = linprog(goal, A_eq=a, b_eq=b, bounds=(0, None)).fun
        high = -linprog(-goal, A_eq=a, b_eq=b, bounds=(0, None)).fun
        assert high - low >= 1, (cell, table[cell], low, high)


def test_two_hidden_rectangles_joined_by_one_cell_get_more_hidden():
    """Every row and column holds two or more hidden cells, yet the joining cell (0, 2) could be
    solved from the totals: the rule hides more until it cannot."""
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    table = {(r, c): (3 if (r, c) in small else 30) for r in range(4) for c in range(4)}
    assert recoverable(table, small) == {(0, 2)}
    hidden = suppressed_cells(table)
    assert small <= hidden and recoverable(table, hidden) == set()


def test_a_breakdown_is_a_one_row_table_with_its_total():
    assert suppressed_groups({"a": 3, "b": 10, "c": 7}) == {"a", "c"}
    assert suppressed_groups({"a": 3, "b": 10, "c": 7}, total_shown=False) == {"a"}
    assert suppressed_groups({"a": 3, "b": 4, "c": 7}) == {"a", "b"}
    assert suppressed_groups({"a": 8, "b": 10}) == set()
