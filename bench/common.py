"""Shared helpers for the benchmarks: database set-up (SQLite and PostgreSQL), the national-scale
data set (seeded once and reused), timing and memory.

PostgreSQL database names: each benchmark's database is ``<prefix>_<purpose>`` (``_national``,
``_insight``, ``_matching``) on the server at ``BENCH_PG_URL``. The prefix is ``skr_bench`` unless
``--pg-db NAME`` (``python -m bench`` / ``bench.run_one``) or ``SKREDDERSY_BENCH_PG_DB=NAME`` names
another, so two runs on one server (say two checkouts) each use their own databases: a fresh seed
drops its database ``WITH (FORCE)``, which would end the other run's connections. SQLite files stay
in this checkout's ``bench/data/``.

The benchmarks serve plain HTTP on 127.0.0.1 like the local demo, so they run with a benchmark-only
secret key, no HTTPS redirect and cookies without the secure flag (unless the environment says otherwise).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB_ENV = "SKREDDERSY_BENCH_PG_DB"
PG_DB_DEFAULT = "skr_bench"

os.environ.setdefault("SKREDDERSY_SECRET_KEY", "bench-only-not-secret-" + "b3nch" * 8)
os.environ.setdefault("SKREDDERSY_SSL_REDIRECT", "0")
os.environ.setdefault("SKREDDERSY_INSECURE_COOKIES", "1")


def pg_db_prefix() -> str:
    """The prefix of this run's PostgreSQL database names (``--pg-db`` / ``SKREDDERSY_BENCH_PG_DB``)."""
    prefix = os.environ.get(PG_DB_ENV, "").strip() or PG_DB_DEFAULT
    if not prefix.replace("_", "").isalnum() or not prefix[0].isalpha() or len(prefix) > 40:
        raise SystemExit(f"{PG_DB_ENV}={prefix!r}: letters, digits and _ only, starting with a letter, at most 40 characters")
    return prefix.lower()


def add_pg_db_option(parser) -> None:
    parser.add_argument("--pg-db", metavar="NAME", help=f"prefix of the PostgreSQL database names (default {PG_DB_DEFAULT}, or ${PG_DB_ENV})")


def apply_pg_db_option(args) -> None:
    """``--pg-db`` wins over the environment; it is passed on to sub-processes through the environment."""
    if getattr(args, "pg_db", None):
        os.environ[PG_DB_ENV] = args.pg_db
    pg_db_prefix()  # fail early on a bad name


def db_name(purpose: str) -> str:
    """The PostgreSQL database name for one purpose (``national``, ``insight``, ``matching``)."""
    return f"{pg_db_prefix()}_{purpose}"


def db_url(vendor: str, name: str) -> str:
    """``name`` is the SQLite file stem (``skr_bench_<purpose>``); on PostgreSQL the database is
    ``db_name(<purpose>)``, which honours ``--pg-db``."""
    if vendor == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / (name + '.sqlite3')}"
    return f"{PG_BASE}/{db_name(name.removeprefix('skr_bench_'))}"


def marker_stem(vendor: str, name: str) -> str:
    """The stem of the files in bench/data/ that remember a built database: per PostgreSQL name."""
    return name if vendor == "sqlite" else db_name(name.removeprefix("skr_bench_"))


def manage(url: str, *args: str, capture: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True,
                          capture_output=capture, text=True)


def ensure_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def seed_national(vendor: str, *, fresh: bool = False, name: str = "skr_bench_national") -> dict:
    """Create (or reuse) the national-scale database for ``vendor``; returns the seed measurement."""
    url = db_url(vendor, name)
    marker = DATA / f"{marker_stem(vendor, name)}.{vendor}.seed.json"
    if not fresh and marker.exists():
        return json.loads(marker.read_text()) | {"url": url, "reused": True}
    drop_database(url)
    ensure_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = manage(url, "seed", "--scale", "national", "--seed", "1", "--no-progress")
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    counts = table_counts(url)
    result = {
        "vendor": vendor,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(max(peak, before) / 1024),
        "rows": counts,
        "stdout_tail": out.stdout.strip().splitlines()[-1:],
        "step_seconds": [line.strip() for line in out.stderr.splitlines() if line.strip().endswith(" s")],
    }
    DATA.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result | {"url": url, "reused": False}


def table_counts(url: str) -> dict:
    code = (
        "import json;from django.apps import apps;"
        "print(json.dumps({m._meta.label: m.objects.count() for m in apps.get_models() "
        "if m._meta.app_label in ('core','clients','followup','measures','insight')}))"
    )
    out = manage(url, "shell", "-c", code)
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: v for k, v in counts.items() if v}


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skreddersy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timings(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2), "max_ms": round(ms[-1], 2)}


def peak_rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def machine() -> dict:
    import platform

    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024 // 1024
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": mem, "cpu": cpu, "python": platform.python_version()}
