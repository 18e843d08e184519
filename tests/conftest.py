import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _reference_cache():
    yield


@pytest.fixture
def org(db):
    """Two offices in one county, a counsellor at the first, and a few clients."""
    from tests import factories as f

    county = f.county("03")
    a = f.office(county, name="Nav Alfa")
    b = f.office(county, name="Nav Beta")
    counsellor = f.staff("counsellor", offices=[a])
    return {"county": county, "a": a, "b": b, "counsellor": counsellor}
