"""A web worker starts without the analysis stack: importing the URL configuration (what a
gunicorn worker does before its first request) loads none of numpy, pandas, scipy, statsmodels,
matplotlib. Only an insight page or the measure matching loads them, on first use."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib")


def _imported_after(code: str) -> list[str]:
    script = (
        "import os, sys, json\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings')\n"
        f"{code}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_url_configuration_does_not_import_the_analysis_stack():
    assert _imported_after("import django; django.setup(); import skreddersy.urls") == []


def test_wsgi_application_does_not_import_the_analysis_stack():
    assert _imported_after("import skreddersy.wsgi; import skreddersy.urls") == []


def test_the_analysis_stack_loads_when_used():
    # the stand-ins are real: using a name loads the module behind it
    loaded = _imported_after(
        "import django; django.setup(); import skreddersy.urls\n"
        "from skreddersy.insight import analysis\n"
        "assert analysis.describe.__module__.endswith('descriptive')"
    )
    assert {"numpy", "pandas"} <= set(loaded)
