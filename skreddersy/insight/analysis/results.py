"""Base for results objects: inspect the attributes, ``print()`` for a table, ``to_frame()``
for a pandas DataFrame, ``to_dict()`` for JSON and ``to_csv()`` for a file."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


def clean_number(v):
    """JSON-safe value: numpy scalars to Python, NaN/inf to None."""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def frame_records(df: pd.DataFrame) -> list[dict]:
    return [{k: clean_number(v) for k, v in row.items()} for row in df.reset_index().to_dict(orient="records")]


def stars(p: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


@dataclass
class Result:
    title = "Resultat"

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every result overrides
        raise NotImplementedError

    def to_dict(self) -> dict:
        return {"title": self.title, "rows": frame_records(self.to_frame())}

    def to_csv(self, path_or_buf=None, **kwargs):
        return self.to_frame().to_csv(path_or_buf, **kwargs)

    def summary(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 30, "display.float_format", "{:.3f}".format):
            return f"{self.title}\n{self.to_frame().to_string()}"

    def __str__(self) -> str:
        return self.summary()
