"""What every app's seeding part shares: the context passed from part to part, the demo password
and a weighted draw. See ``skreddersy/core/seeding/__init__.py`` for the protocol.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SeedContext:
    scale: str  # "demo" or "national"
    rng: random.Random
    now: dt.datetime
    batch: int
    progress: Callable[[str, int], Callable[[int], None]]  # progress(label, total) -> advance(n)
    county_ids: list[int] = field(default_factory=list)
    office_ids: list[int] = field(default_factory=list)
    # staff member ids by role, and the offices each staff member serves
    staff_by_role: dict[str, list[int]] = field(default_factory=dict)
    staff_offices: dict[int, list[int]] = field(default_factory=dict)
    # client ids per office (all clients, including protected ones)
    clients_by_office: dict[int, list[int]] = field(default_factory=dict)
    demo_logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, password, description)
    clients: int | None = None  # --clients: override the scale's number of clients
    # Per-client history parts: factories ``part(ctx)`` that apps above clients register in their
    # ``prepare(ctx)``; clients' seeding calls each part for every client it creates (see
    # skreddersy/clients/seeding.py), so one random stream draws a client and its history together.
    client_history: list[Callable] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)  # rows written per table, by the parts that count them

    @property
    def national(self) -> bool:
        return self.scale == "national"


DEMO_PASSWORD = "skreddersy-demo"


def weighted(rng: random.Random, pairs):
    """One value from ``[(value, weight), ...]``, drawn with one ``rng.random()``."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]
