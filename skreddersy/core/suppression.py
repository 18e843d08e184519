"""Small-group suppression, the one rule for every figure the product publishes about people.

A count of fewer than ``MIN_GROUP`` people (but more than none) is never shown: it is hidden
(primary suppression). Where a total is published as well, one hidden count beside shown ones
could be found by subtraction, so more cells are hidden until none can (complementary
suppression):

- a line (a row or a column) whose total is published never holds exactly one hidden cell: a
  lone hidden cell forces a second one, the smallest other cell (a non-zero one when there is
  one);
- in a two-way table with published row and column totals that is not enough (two hidden
  rectangles joined by one hidden cell let that cell be solved from the totals), so a hidden
  cell that the published figures still determine gets a rectangle of hidden cells around it.

Think of the hidden cells as edges between their row and their column (lines without a
published total are one shared node, as nothing constrains them): a hidden cell can be solved
from the published figures exactly when its edge is a bridge of that graph, i.e. lies on no
cycle. The rule hides cells until no hidden cell is a bridge. Complements are non-zero cells
where there are any: with counts known to be never negative, a total of 1-4 is a small group
itself and must not be published either (the callers hide such rows); with that, no hidden
small count can be pinned down (``tests/core/test_suppression.py`` checks both properties).

Pure Python, no imports from the apps: insight (staff surveys) and measures (outcomes after
measures) both call it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

MIN_GROUP = 5  # fewer people than this (and more than none) is a small group: never shown

_FREE = object()  # the node for every line whose total is not published


def is_small(n: int, min_group: int = MIN_GROUP) -> bool:
    """A group that must not be shown on its own."""
    return 0 < n < min_group


def may_show(n: int, min_group: int = MIN_GROUP) -> bool:
    return n >= min_group


def suppressed_cells(
    table: Mapping[tuple[Hashable, Hashable], int],
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    min_group: int = MIN_GROUP,
    label: Callable[[tuple[Hashable, Hashable]], str] | None = None,
) -> set[tuple[Hashable, Hashable]]:
    """The cells ``(row, column)`` of ``table`` (cell -> count) that must not be shown, when the
    row totals and/or the column totals are published. Cells missing from ``table`` are taken to
    be not part of it (they are never hidden, nor used as complements). ``label`` orders cells of
    equal count when a complement is chosen (the default: the order of ``table``)."""
    order = {cell: i for i, cell in enumerate(table)}

    def rank(cell):
        n = table[cell]
        return (n == 0, n, label(cell) if label else "", order[cell])

    hidden = {cell for cell, n in table.items() if is_small(n, min_group)}
    lines: list[list] = []
    if row_totals:
        by_row: dict = {}
        for cell in table:
            by_row.setdefault(cell[0], []).append(cell)
        lines += by_row.values()
    if col_totals:
        by_col: dict = {}
        for cell in table:
            by_col.setdefault(cell[1], []).append(cell)
        lines += by_col.values()

    def node(cell, axis):
        published = row_totals if axis == 0 else col_totals
        return (axis, cell[axis]) if published else _FREE

    while True:
        changed = True
        while changed:  # a lone hidden cell in a line with a published total forces a second one
            changed = False
            for members in lines:
                inside = [c for c in members if c in hidden]
                if len(inside) == 1:
                    rest = sorted((c for c in members if c not in hidden), key=rank)
                    if rest:
                        hidden.add(rest[0])
                        changed = True
        bridge = _first_bridge(hidden, node, order)
        if bridge is None:
            return hidden
        cell, side_a, side_b = bridge
        candidates = [c for c in table if c not in hidden and (
            (node(c, 0) in side_a and node(c, 1) in side_b) or (node(c, 0) in side_b and node(c, 1) in side_a))]
        if not candidates:
            return hidden  # nothing left that could protect it (cannot happen in a full table)
        hidden.add(min(candidates, key=rank))


def _first_bridge(hidden: set, node, order: dict):
    """The first hidden cell (in table order) that lies on no cycle, with the two sets of nodes
    it joins; None when every hidden cell lies on a cycle."""
    edges = [(c, node(c, 0), node(c, 1)) for c in sorted(hidden, key=order.__getitem__)]
    for i, (cell, a, b) in enumerate(edges):
        if a is b or a == b:
            continue  # both lines unpublished: nothing constrains it
        adjacency: dict = {}
        for j, (_c, u, v) in enumerate(edges):
            if j != i:
                adjacency.setdefault(u, []).append(v)
                adjacency.setdefault(v, []).append(u)
        seen = {a}
        stack = [a]
        while stack:
            for nxt in adjacency.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        if b in seen:
            continue
        other = {b}
        stack = [b]
        while stack:
            for nxt in adjacency.get(stack.pop(), ()):
                if nxt not in other:
                    other.add(nxt)
                    stack.append(nxt)
        return cell, seen, other
    return None


def suppressed_groups(counts: Mapping[Hashable, int], min_group: int = MIN_GROUP, total_shown: bool = True,
                      label: Callable[[Hashable], str] | None = None) -> set:
    """One breakdown (group -> n): the groups that must not be shown. With the total shown, a
    single hidden group is never left alone (the breakdown is a one-row table with its total)."""
    table = {(0, k): n for k, n in counts.items()}
    hidden = suppressed_cells(table, row_totals=total_shown, col_totals=False, min_group=min_group,
                              label=(lambda cell: label(cell[1])) if label else None)
    return {k for _row, k in hidden}


def suppressed_in_tree(
    parent: Mapping[Hashable, Hashable | None],
    counts: Mapping[Hashable, int],
    *,
    primary: set | frozenset = frozenset(),
    label: Callable[[Hashable], str] | None = None,
) -> set:
    """Complementary suppression across the levels of a hierarchy whose every total is published
    (national = sum of counties, county = sum of offices, office = sum of teams, team = sum of its
    members): the units that must not be shown.

    ``parent`` maps every unit to the unit above it (None for the top); ``counts`` is each unit's
    size (0: no data there), which is additive up the tree; ``primary`` the units hidden on their
    own (small groups, and units never published, such as one person's figures).

    Each family (a unit and the units right below it) is one equation ``unit = sum of children``.
    The hidden units are the unknowns; one of them can be solved from the published figures exactly
    when it lies on no cycle of the graph whose nodes are the families (plus one free node for the
    open ends: the top, and units with nothing below) and whose edges are the hidden units. In a
    tree that holds exactly when no family holds exactly one hidden unit, so hidden units are added
    until none does: a lone hidden child gets the smallest non-empty sibling beside it, a lone
    hidden parent its smallest non-empty child, and where no sibling has data the parent is hidden
    too (which its own family then protects). Complements are never empty units: an empty unit
    with nothing hidden below it is known to be zero. ``tests/core/test_suppression.py`` checks,
    with a linear-algebra attacker, that no hidden unit is determined by the shown ones."""
    children: dict = {}
    for unit, up in parent.items():
        if up is not None:
            children.setdefault(up, []).append(unit)
    order = {u: i for i, u in enumerate(parent)}

    def rank(unit):
        n = counts.get(unit, 0)
        return (n, label(unit) if label else "", order.get(unit, 0))

    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for unit, kids in children.items():
            members = [unit, *kids]
            inside = [u for u in members if u in hidden]
            if len(inside) != 1:
                continue
            spare = sorted((k for k in kids if k not in hidden and counts.get(k, 0) > 0), key=rank)
            if spare:
                hidden.add(spare[0])
            elif unit not in hidden:  # nothing beside the lone hidden child can cover it: the total goes too
                hidden.add(unit)
            else:  # an empty total hidden over empty units: they are all known to be zero anyway
                hidden.add(min(kids, key=rank))
            changed = True
    return hidden
