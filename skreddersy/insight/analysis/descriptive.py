"""Descriptives: n, mean, sd, min, max and the answer distribution."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .results import Result


@dataclass
class VariableSummary:
    name: str
    label: str
    n: int
    missing: int
    mean: float
    sd: float
    minimum: float
    maximum: float
    distribution: dict = field(default_factory=dict)  # value -> count (discrete variables only)
    value_labels: dict = field(default_factory=dict)

    def percentages(self) -> dict:
        total = sum(self.distribution.values())
        return {k: (100.0 * v / total if total else 0.0) for k, v in self.distribution.items()}


@dataclass
class Descriptives(Result):
    variables: list[VariableSummary]
    title = "Deskriptiv statistikk"

    def __getitem__(self, name: str) -> VariableSummary:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"variabel": v.name, "etikett": v.label, "n": v.n, "mangler": v.missing, "snitt": v.mean, "sd": v.sd,
              "min": v.minimum, "maks": v.maximum} for v in self.variables]
        ).set_index("variabel")


def describe(frame: pd.DataFrame, columns: list[str], labels: dict | None = None,
             value_labels: dict | None = None, max_categories: int = 11) -> Descriptives:
    labels = labels or {}
    value_labels = value_labels or {}
    out = []
    for col in columns:
        x = frame[col].astype(float)
        valid = x.dropna()
        n = int(valid.size)
        arr = valid.to_numpy()
        dist = {}
        if n:
            values, counts = np.unique(arr, return_counts=True)
            if len(values) <= max_categories and np.all(values == np.round(values)):
                dist = {int(v): int(c) for v, c in zip(values, counts, strict=True)}
                for v in value_labels.get(col, {}):
                    dist.setdefault(int(v), 0)
                dist = dict(sorted(dist.items()))
        out.append(VariableSummary(
            name=col, label=labels.get(col, col), n=n, missing=int(x.size - n),
            mean=float(arr.mean()) if n else float("nan"), sd=float(arr.std(ddof=1)) if n > 1 else float("nan"),
            minimum=float(arr.min()) if n else float("nan"), maximum=float(arr.max()) if n else float("nan"),
            distribution=dist, value_labels={int(k): v for k, v in value_labels.get(col, {}).items()},
        ))
    return Descriptives(out)
