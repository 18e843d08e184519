"""Small-group suppression for the analysis engine: the product's one rule, from
``skreddersy.core.suppression`` (no breakdown for a group of fewer than ``MIN_GROUP``
respondents; with the total shown, a lone hidden group forces a second one)."""

from __future__ import annotations

from skreddersy.core.suppression import MIN_GROUP, may_show, suppressed_cells, suppressed_groups

__all__ = ["MIN_GROUP", "may_show", "suppressed_cells", "suppressed_groups"]
