"""Small-group suppression: no breakdown is shown for a group of fewer than ``MIN_GROUP``
respondents. When exactly one group in a breakdown is hidden and the total is shown, the next
smallest is hidden as well, so the hidden one cannot be found by subtraction."""

from __future__ import annotations

from skreddersy.policy.access import INSIGHT_MIN_GROUP as MIN_GROUP


def suppressed_groups(counts: dict, min_group: int = MIN_GROUP, total_shown: bool = True) -> set:
    """The keys of ``counts`` (group -> n) that must not be shown."""
    hidden = {k for k, n in counts.items() if 0 < n < min_group}
    if total_shown and len(hidden) == 1:
        rest = sorted(((n, str(k), k) for k, n in counts.items() if k not in hidden and n > 0))
        if rest:
            hidden.add(rest[0][2])
    return hidden


def may_show(n: int, min_group: int = MIN_GROUP) -> bool:
    return n >= min_group
