"""Complementary suppression across levels (core.suppression.suppressed_in_tree): national =
sum of counties, county = sum of offices, office = sum of teams, team = sum of its counsellors.

The attacker is generic linear algebra, independent of the rule's own argument: one equation per
family (parent minus its children), the published units substituted, the hidden units unknown. A
hidden unit is determined exactly when the null space of that system is zero in its coordinate.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from skreddersy.core.suppression import is_small, suppressed_in_tree


@st.composite
def hierarchies(draw):
    """A random national -> county -> office -> team -> counsellor tree with additive counts."""
    parent = {"N": None}
    leaves = []
    for c in range(draw(st.integers(1, 4))):
        county = f"C{c}"
        parent[county] = "N"
        for o in range(draw(st.integers(1, 4))):
            office = f"{county}O{o}"
            parent[office] = county
            for t in range(draw(st.integers(1, 3))):
                team = f"{office}T{t}"
                parent[team] = office
                for s in range(draw(st.integers(1, 7))):
                    leaf = f"{team}S{s}"
                    parent[leaf] = team
                    leaves.append(leaf)
    counts = {leaf: draw(st.one_of(st.just(0), st.integers(1, 4), st.integers(0, 30))) for leaf in leaves}
    children: dict = {}
    for u, p in parent.items():
        if p is not None:
            children.setdefault(p, []).append(u)

    def total(u):
        if u in counts:
            return counts[u]
        counts[u] = sum(total(k) for k in children.get(u, []))
        return counts[u]

    total("N")
    return parent, counts, children, leaves


def determined(parent: dict, children: dict, hidden: set) -> set:
    """Hidden units the published units pin down (every solution gives them the same value)."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    col = {u: i for i, u in enumerate(unknowns)}
    rows = []
    for p, kids in children.items():
        row = np.zeros(len(unknowns))
        for u, sign in [(p, 1.0)] + [(k, -1.0) for k in kids]:
            if u in col:
                row[col[u]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    ns = null_space(np.array(rows))
    if ns.size == 0:
        return set(unknowns)
    return {u for u in unknowns if np.allclose(ns[col[u]], 0, atol=1e-9)}


@settings(max_examples=300, deadline=None)
@given(hierarchies(), st.data())
def test_no_hidden_unit_is_determined_by_subtraction_across_levels(h, data):
    parent, counts, children, leaves = h
    # counsellors' own figures are never published; small groups are hidden on their own
    contributors = {}
    for u in parent:
        contributors[u] = sum(1 for leaf in leaves if counts[leaf] > 0 and _under(parent, leaf, u))
    primary = set(leaves) | {u for u in parent if is_small(counts[u]) or is_small(contributors[u])}
    extra = data.draw(st.sets(st.sampled_from(sorted(parent))))  # any other units a caller hides
    hidden = suppressed_in_tree(parent, counts, primary=primary | extra)
    assert primary <= hidden
    # the attacker: no hidden unit with data is pinned down (an empty unit with nothing below it
    # is known to be zero anyway; the rule never uses one as a complement)
    pinned = determined(parent, children, hidden)
    assert not {u for u in pinned if counts[u] > 0}, pinned


def _under(parent, leaf, unit) -> bool:
    u = leaf
    while u is not None:
        if u == unit:
            return True
        u = parent[u]
    return False


def test_a_lone_small_office_gets_a_complement_and_the_county_stays():
    parent = {"N": None, "C": "N", "O1": "C", "O2": "C", "O3": "C", "T1": "O1", "T2": "O2", "T3": "O3"}
    counts = {"N": 43, "C": 43, "O1": 3, "O2": 20, "O3": 20, "T1": 3, "T2": 20, "T3": 20}
    hidden = suppressed_in_tree(parent, counts, primary={"O1"})
    # county minus two offices would give O1: a second office is hidden, and each hidden office's
    # only team goes with it (else office = team)
    assert {"O1", "T1"} <= hidden
    assert len({"O2", "O3"} & hidden) == 1
    assert "C" not in hidden and "N" not in hidden


def test_a_hidden_county_is_not_the_national_total_minus_the_others():
    parent = {"N": None, "C1": "N", "C2": "N", "O1": "C1", "O2": "C2"}
    counts = {"N": 50, "C1": 4, "C2": 46, "O1": 4, "O2": 46}
    hidden = suppressed_in_tree(parent, counts, primary={"C1", "O1"})
    assert not {u for u in determined(parent, {"N": ["C1", "C2"], "C1": ["O1"], "C2": ["O2"]}, hidden) if counts[u]}
