"""Demo and scale data. ``manage.py seed --scale demo|national --seed N`` asks every installed app
with a ``seeding`` module for its part, found through the app registry in INSTALLED_APPS order
(core, clients, followup, measures, insight): first ``prepare(ctx)`` of every part that has one,
then ``seed(ctx)`` of each, one transaction per app. ``has_data() -> bool`` (optional) says the
app's data are already there (``--if-empty`` then does nothing; without it the command refuses).

This package is core's own part (the organisation and staff, ``organisation.py``) and the helpers
every part shares, none of which knows an app: ``SeedContext`` (``base.py``), bulk inserts with ids
assigned up front (``bulk.py``) and synthetic names (``names.py``).

Rules every part follows: deterministic from ``ctx.rng`` (never the global random), bulk
inserts in batches of ``ctx.batch`` rows (peak memory stays flat at national scale), synthetic
identity numbers only, progress through ``ctx.progress``.
"""

from __future__ import annotations

from skreddersy.core.seeding.base import DEMO_PASSWORD, SeedContext, weighted
from skreddersy.core.seeding.organisation import seed_organisation, seed_staff

__all__ = ["DEMO_PASSWORD", "SeedContext", "seed", "weighted"]


def seed(ctx: SeedContext) -> None:
    """Counties, offices and teams, then the staff with their roles, offices and logins."""
    seed_organisation(ctx)
    seed_staff(ctx)
