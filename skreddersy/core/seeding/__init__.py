"""Demo and scale data. ``manage.py seed --scale demo|national --seed N`` builds the organisation,
staff and clients with their follow-up history (core/seeding/followup.py), then asks each app
with a ``seeding.py`` module for its part: ``seed(ctx: SeedContext) -> None``.

Rules every part follows: deterministic from ``ctx.rng`` (never the global random), bulk
inserts in batches of ``ctx.batch`` rows (peak memory stays flat at national scale), synthetic
identity numbers only, progress through ``ctx.progress``.
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

    @property
    def national(self) -> bool:
        return self.scale == "national"
