"""Shared helpers for the benchmarks: database set-up (SQLite and PostgreSQL), the national-scale
data set (seeded once and reused), timing and memory."""

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


def db_url(vendor: str, name: str) -> str:
    if vendor == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / (name + '.sqlite3')}"
    return f"{PG_BASE}/{name}"


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
    marker = DATA / f"{name}.{vendor}.seed.json"
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
