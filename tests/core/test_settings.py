"""Safe settings: no start without a secret key (unless debug), production defaults for HTTPS,
and `manage.py check --deploy` clean with the production environment that docs/deploy.md gives."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_DOC = ROOT / "docs" / "deploy.md"


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    """Python code in a fresh process with exactly ``env`` (plus PATH) and the product's settings."""
    full = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "skreddersy.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)


def _documented_production_env() -> dict:
    """The ``sh`` block under "A production environment" in docs/deploy.md, with a random key."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    section = text.split("## A production environment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    env = dict(line.split("=", 1) for line in block.strip().splitlines())
    assert env["SKREDDERSY_SECRET_KEY"].startswith("<"), "the doc must not hold a real key"
    env["SKREDDERSY_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


LOAD_SETTINGS = "import django; django.setup(); print('loaded')"


def test_without_a_secret_key_and_without_debug_the_product_refuses_to_start():
    proc = _run(LOAD_SETTINGS, {})
    assert proc.returncode != 0
    assert "loaded" not in proc.stdout
    assert "ImproperlyConfigured" in proc.stderr and "SKREDDERSY_SECRET_KEY is not set" in proc.stderr


def test_manage_py_says_why_it_does_not_start_without_a_traceback():
    full = {"PATH": os.environ.get("PATH", "")}
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("skreddersy: SKREDDERSY_SECRET_KEY is not set")
    assert "Traceback" not in proc.stderr


def test_an_empty_key_is_no_key():
    proc = _run(LOAD_SETTINGS, {"SKREDDERSY_SECRET_KEY": "  "})
    assert proc.returncode != 0 and "SKREDDERSY_SECRET_KEY is not set" in proc.stderr


def test_debug_alone_may_run_without_a_key():
    proc = _run(LOAD_SETTINGS, {"SKREDDERSY_DEBUG": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "loaded" in proc.stdout


@pytest.mark.parametrize(
    "name, value",
    [("SKREDDERSY_DEBUG", "maybe"), ("SKREDDERSY_HSTS_SECONDS", "a year"), ("SKREDDERSY_X_FRAME_OPTIONS", "ALLOW"),
     ("SKREDDERSY_PROXY_SSL_HEADER", "X-Forwarded-Proto")],
)
def test_a_malformed_variable_is_named_at_start_up(name, value):
    proc = _run(LOAD_SETTINGS, {"SKREDDERSY_SECRET_KEY": secrets.token_urlsafe(50), name: value})
    assert proc.returncode != 0
    assert f"{name}=" in proc.stderr


def test_defaults_are_the_safe_production_ones():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({n: getattr(s, n, None) for n in "
        "['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', "
        "'SECURE_REFERRER_POLICY', 'SESSION_COOKIE_HTTPONLY']}))"
    )
    proc = _run(code, {"SKREDDERSY_SECRET_KEY": secrets.token_urlsafe(50)})
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {
        "DEBUG": False, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True, "X_FRAME_OPTIONS": "DENY", "SECURE_REFERRER_POLICY": "same-origin",
        "SESSION_COOKIE_HTTPONLY": True,
    }


def test_the_local_demo_opt_outs_drop_only_what_plain_http_cannot_have():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS]))"
    )
    env = {"SKREDDERSY_SECRET_KEY": secrets.token_urlsafe(50), "SKREDDERSY_INSECURE_COOKIES": "1", "SKREDDERSY_SSL_REDIRECT": "0"}
    proc = _run(code, env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [False, False, False, True, "DENY"]


def test_check_deploy_passes_with_the_documented_production_environment():
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    proc = _run(code, _documented_production_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # one check is silenced on purpose, no deploy check: axes.W006 (the login lock is on the
    # username only, never on an address: decision 0017)
    assert "System check identified no issues (1 silenced)." in proc.stdout + proc.stderr
    assert settings.SILENCED_SYSTEM_CHECKS == ["axes.W006"]


def test_check_deploy_warns_when_the_demo_opt_outs_leak_into_production():
    """The check itself is meaningful: the local demo's settings are not deployable."""
    env = _documented_production_env() | {"SKREDDERSY_INSECURE_COOKIES": "1", "SKREDDERSY_SSL_REDIRECT": "0"}
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    proc = _run(code, env)
    assert proc.returncode != 0
    for check_id in ("security.W008", "security.W012", "security.W016"):
        assert check_id in proc.stderr


def test_every_variable_the_settings_read_is_documented():
    source = (ROOT / "skreddersy" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'"(SKREDDERSY_[A-Z_]+)"', source)) | {"DATABASE_URL"}
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", DEPLOY_DOC.read_text(encoding="utf-8"), re.M))
    assert read - documented == set(), f"read by settings.py but not in docs/deploy.md: {sorted(read - documented)}"
    assert documented - read == set(), f"in docs/deploy.md but not read by settings.py: {sorted(documented - read)}"
