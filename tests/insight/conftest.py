"""Insight fixtures: the item bank, a survey with the published study's items, a wave with
invited staff at two offices, and a helper that fills a wave with synthetic answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from skreddersy.core import clock, reference
from skreddersy.core.models import Role
from skreddersy.insight import services, synthetic
from skreddersy.insight.models import Response
from tests import factories as f

STUDY_ITEMS = ["ind_tailored", "pm_fill_slots", "pm_slot_access", "dcsq_time", "dcsq_conflict", "dcsq_load",
               "know_measures", "req_effective"]
CASELOAD_KEYS = ["lt25", "25_50", "51_75", "76_100", "101_125", "126_150", "gt150"]


@pytest.fixture
def bank(db):
    return services.load_item_bank(user=None)


@pytest.fixture
def people(db):
    county = f.county("46")
    a = f.office(county, name="Nav Alfa")
    b = f.office(county, name="Nav Beta")
    return {
        "a": a, "b": b,
        "analyst": f.staff(Role.ANALYST),
        "leader_a": f.staff(Role.OFFICE_LEADER, offices=[a]),
        "leader_b": f.staff(Role.OFFICE_LEADER, offices=[b]),
        "counsellors_a": [f.staff(Role.COUNSELLOR, offices=[a]) for _ in range(6)],
        "counsellors_b": [f.staff(Role.COUNSELLOR, offices=[b]) for _ in range(3)],
        "admin": f.staff(Role.ADMINISTRATOR),
    }


@pytest.fixture
def survey(bank, people):
    return services.create_survey(user=people["analyst"].user, name="Arbeidshverdagen", item_keys=STUDY_ITEMS,
                                  background=["caseload", "employer", "role", "gender", "age_band"])


@pytest.fixture
def wave(survey, people):
    now = clock.now()
    return services.open_wave(user=people["analyst"].user, survey=survey, label="Høsten",
                              office_ids=[people["a"].pk, people["b"].pk], opens_at=now - dt.timedelta(days=1),
                              closes_at=now + dt.timedelta(days=14))


def fill(wave, office, n: int, seed: int = 1, source: str = "import") -> list[Response]:
    """n synthetic answers for ``office`` (stored directly; the web path is tested on its own)."""
    data = synthetic.generate(reference.published_study(), n=max(n, 40), n_offices=4, seed=seed, max_iterations=10)
    rows = []
    rng = np.random.default_rng(seed)
    for i in range(n):
        r = data.items.iloc[i]
        rows.append(Response(
            wave=wave, office=office, source=source, external_ref=f"ext-{office.pk}-{seed}-{i}" if source == "import" else "",
            answers={k: int(r[k]) for k in STUDY_ITEMS}, caseload=CASELOAD_KEYS[int(r["caseload"])],
            employer="state" if r["employer"] == 1 else "municipal", gender="man" if r["gender"] == 1 else "woman",
            age_band="40_49", age=int(r["age"]), role="counsellor" if rng.random() < 0.9 else "adviser"))
    return Response.objects.bulk_create(rows)


@pytest.fixture
def filler():
    return fill


def token_of(wave, staff):
    """A fresh one-time token for the staff member's invitation (as their own page issues it)."""
    return services.issue_token(user=staff.user, wave_id=wave.pk)


def release(wave=None) -> int:
    """Run the periodic release of sealed answers now."""
    return services.release_pending_responses(wave=wave)


def close(wave):
    """Let the wave's closing time pass (as the clock would) and release what is sealed."""
    wave.closes_at = clock.now() - dt.timedelta(microseconds=1)
    if wave.opens_at >= wave.closes_at:
        wave.opens_at = wave.closes_at - dt.timedelta(microseconds=1)
    wave.save(update_fields=["opens_at", "closes_at"])
    services.release_pending_responses(wave=wave)
    return wave
