"""Indices: the mean of their items after reverse coding, for respondents who answered at least
``min_answered`` of the items (otherwise missing)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .errors import AnalysisError


@dataclass(frozen=True)
class ItemSpec:
    key: str
    min_value: int
    max_value: int
    reverse: bool = False
    label: str = ""


@dataclass(frozen=True)
class IndexSpec:
    key: str
    items: tuple[ItemSpec, ...]
    min_answered: int | None = None
    label: str = ""

    @property
    def required(self) -> int:
        """Default: two thirds of the items, rounded up (2 of 2, 2 of 3, 3 of 4)."""
        return self.min_answered if self.min_answered else max(1, math.ceil(len(self.items) * 2 / 3))


def reverse_code(values, item: ItemSpec):
    """Flip a reverse-worded item so high means the same as the index: x -> min + max - x."""
    return (item.min_value + item.max_value) - values


def keyed_items(frame: pd.DataFrame, index: IndexSpec) -> pd.DataFrame:
    """The index's item columns as floats, reverse-coded items flipped."""
    missing = [i.key for i in index.items if i.key not in frame.columns]
    if missing:
        raise AnalysisError(_("Indeksen %(key)s mangler påstandene %(names)s i datasettet.") % {"key": index.key, "names": ', '.join(missing)})
    cols = {}
    for item in index.items:
        x = frame[item.key].astype(float)
        cols[item.key] = reverse_code(x, item) if item.reverse else x
    return pd.DataFrame(cols, index=frame.index)


def score_index(frame: pd.DataFrame, index: IndexSpec) -> pd.Series:
    items = keyed_items(frame, index)
    answered = items.notna().sum(axis=1)
    score = items.mean(axis=1, skipna=True)
    score[answered < index.required] = np.nan
    return score.rename(index.key)


def score_indices(frame: pd.DataFrame, indices: list[IndexSpec]) -> pd.DataFrame:
    """A copy of ``frame`` with one column per index added."""
    out = frame.copy()
    for index in indices:
        out[index.key] = score_index(frame, index)
    return out
