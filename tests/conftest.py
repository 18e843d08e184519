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


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (bokmål), as a new request does. A request through
    the test client leaves the language its middleware chose active in the thread (an English
    cookie, say), and the next test would read English where it expects bokmål."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def org(db):
    """Two offices in one county, a counsellor at the first, and a few clients."""
    from tests import factories as f

    county = f.county("03")
    a = f.office(county, name="Nav Alfa")
    b = f.office(county, name="Nav Beta")
    counsellor = f.staff("counsellor", offices=[a])
    return {"county": county, "a": a, "b": b, "counsellor": counsellor}


@pytest.fixture
def rerun_on_file_sqlite(request, tmp_path):
    """For tests with real concurrent transactions (threads). In-memory SQLite shares one cache
    between threads and answers "table is locked" instead of queueing, unlike the WAL file
    database the product runs on. Call the returned function first: on in-memory SQLite it runs the
    test again in a subprocess on a file database, asserts that run passed, and returns True (the
    caller then returns); elsewhere it returns False and the test runs here."""
    import subprocess
    import sys

    from django.conf import settings as dj_settings
    from django.db import connection

    def rerun() -> bool:
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return False
        env = {**os.environ, "SKREDDERSY_SQLITE_TEST_NAME": str(tmp_path / "race.sqlite3")}
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", request.node.nodeid, "-rA"],
            cwd=dj_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 0 and "PASSED" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
        return True

    return rerun


def pytest_configure(config):
    # The compiled catalogues are not committed: build any missing or stale one (make does too).
    from tests.i18n.catalogues import compile_stale

    compile_stale()
