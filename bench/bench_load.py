"""Sustained load on the JSON overview: gunicorn with two worker processes, a loopback load
generator, for two minutes (``--quick``: 20 s). Target (issue 4): ≥ 200 requests/s, zero errors,
each worker under 300 MiB resident memory. RSS is read from /proc/<pid>/status (no psutil).

The generator runs in separate processes (so the GIL does not cap it). Issue 12: the requests are spread
over at least 1,000 counsellors of the national data set (``BENCH_LOAD_COUNSELLORS``, default 1,000),
each with a logged-in session; every generator process cycles through its share of them, so the
server reads many counsellors' pages and the audit index grows as in real use instead of eight
hot pages (50 rows, one audit row per request). Issue 12's target: >= 400 requests/s with two
workers, or on a slower machine at least twice the old main's figure measured in the same hour.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, machine, seed_national, setup_django

DURATION_S = 120
QUICK_S = 20


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def _cpu_s(pids) -> float:
    """User + system CPU seconds used so far by these processes (from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _postgres_pids() -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().strip() == "postgres":
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            kids.append(int(d.name))
    return kids


def _sessions(n: int) -> list[str]:
    """Session cookies for ``n`` counsellors with a caseload, largest caseloads first (created server-side)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from skreddersy.clients.models import Client
    from skreddersy.core.models import StaffMember

    if settings.SESSION_ENGINE.endswith("signed_cookies"):
        from django.contrib.sessions.backends.signed_cookies import SessionStore  # noqa: F811
    ids = [r["counsellor_id"] for r in Client.objects.filter(counsellor__isnull=False).values("counsellor_id")
           .annotate(n=Count("id")).order_by("-n")[:n]]
    # the backend that loads a session's user (the login throttle's backend, first in the list, only
    # checks attempts and loads nobody)
    from django.contrib.auth import get_backends

    backend = next(f"{type(b).__module__}.{type(b).__qualname__}" for b in get_backends() if hasattr(b, "get_user"))
    cookies = []
    for staff in StaffMember.objects.filter(pk__in=ids).select_related("user"):
        s = SessionStore()
        s[SESSION_KEY] = str(staff.user.pk)
        s[BACKEND_SESSION_KEY] = backend
        s[HASH_SESSION_KEY] = staff.user.get_session_auth_hash()
        s.set_expiry(settings.SESSION_COOKIE_AGE)
        s.create()
        s.save()  # the signed-cookie store makes its key on save
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={s.session_key}")
    return cookies


def _generator(port: int, cookies: list[str], until: float, out: mp.Queue) -> None:
    ok = errors = 0
    turn = 0
    lat: list[float] = []
    conn = None
    while time.time() < until:
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            cookie = cookies[turn % len(cookies)]
            turn += 1
            t0 = time.perf_counter()
            conn.request("GET", "/api/v1/overview", headers={"Cookie": cookie, "Accept": "application/json"})
            resp = conn.getresponse()
            resp.read()
            lat.append(time.perf_counter() - t0)
            if resp.status == 200:
                ok += 1
            else:
                errors += 1
            if resp.getheader("Connection", "").lower() == "close" or resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors += 1
            if conn is not None:
                conn.close()
            conn = None
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out.put((ok, errors, lat, ru.ru_utime + ru.ru_stime))


def _settings_override(engine: str | None) -> dict:
    """Environment for gunicorn: with no django_session table (the PostgreSQL national set was
    seeded with core tables only) the server uses signed-cookie sessions via a tiny settings module."""
    if engine is None:
        return {}
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="skr_bench_load_"))
    (d / "skr_bench_load_settings.py").write_text(f"from skreddersy.settings import *  # noqa\nSESSION_ENGINE = {engine!r}\n")
    return {"DJANGO_SETTINGS_MODULE": "skr_bench_load_settings", "PYTHONPATH": f"{d}:{ROOT}"}


def run(args) -> dict:
    seeded = seed_national(args.db)
    setup_django(seeded["url"])
    from django.conf import settings
    from django.db import connection

    engine = None
    if "django_session" not in connection.introspection.table_names():
        engine = "django.contrib.sessions.backends.signed_cookies"
        settings.SESSION_ENGINE = engine
    duration = QUICK_S if getattr(args, "quick", False) else DURATION_S
    clients = int(os.environ.get("BENCH_LOAD_CLIENTS", "8"))
    cookies = _sessions(int(os.environ.get("BENCH_LOAD_COUNSELLORS", "1000")))
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=seeded["url"], SKREDDERSY_DEBUG="0", SKREDDERSY_LOG_LEVEL="ERROR",
               SKREDDERSY_CONN_MAX_AGE="600") | _settings_override(engine)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "skreddersy.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", os.environ.get("BENCH_LOAD_WORKERS", "2"), "--worker-class", os.environ.get("BENCH_LOAD_WORKER_CLASS", "sync"), "--threads", os.environ.get("BENCH_LOAD_THREADS", "1"),
         "--log-level", "warning", "--keep-alive", "5"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/helse/")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        workers = _children(server.pid)
        # warm-up: the first sessions once (the rest are read cold, as in real use)
        for ck in cookies[:clients]:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", "/api/v1/overview", headers={"Cookie": ck})
            assert c.getresponse().status == 200
        q: mp.Queue = mp.Queue()
        until = time.time() + duration
        procs = [mp.Process(target=_generator, args=(port, cookies[i::clients] or cookies, until, q)) for i in range(clients)]
        t0 = time.time()
        db_pids = _postgres_pids() if args.db == "postgresql" else []
        cpu0 = _cpu_s(workers), _cpu_s(db_pids)
        for p in procs:
            p.start()
        peak = dict.fromkeys(workers, 0.0)
        while time.time() < until:
            for w in list(peak):
                peak[w] = max(peak[w], _rss_mib(w))
            time.sleep(1)
        results = [q.get(timeout=60) for _ in procs]
        cpu1 = _cpu_s(workers), _cpu_s(db_pids)
        for p in procs:
            p.join(timeout=10)
        elapsed = time.time() - t0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    lat = sorted(x * 1000 for r in results for x in r[2])
    p = (lambda q_: round(lat[min(len(lat) - 1, int(q_ * (len(lat) - 1)))], 1)) if lat else (lambda q_: None)
    rps = ok / elapsed if elapsed else 0
    worker_rss = {str(k): round(v, 1) for k, v in peak.items()}
    return {
        "scale": "national",
        "target": {"requests_per_s": 400, "or_times_old_main_same_hour": 2, "errors": 0, "worker_rss_mib_max": 300},
        "server": "gunicorn sync, 2 workers, keep-alive 5 s",
        "sessions": "signed_cookies (no django_session table in this data set)" if engine else "database",
        "endpoint": "/api/v1/overview (50 rows, audited)",
        "generator_processes": clients,
        "counsellors": len(cookies),
        "duration_s": round(elapsed, 1),
        "requests_ok": ok,
        "errors": errors,
        "requests_per_s": round(rps, 1),
        "latency_ms": {"p50": p(0.5), "p95": p(0.95), "p99": p(0.99)},
        "worker_peak_rss_mib": worker_rss,
        # where the two cores went: the workers (Django, and SQLite in-process), the database
        # server's processes (PostgreSQL only) and the load generator itself
        "cpu_s": {"workers": round(cpu1[0] - cpu0[0], 1), "database_server": round(cpu1[1] - cpu0[1], 1),
                  "generator": round(sum(r[3] for r in results), 1), "available": round(elapsed * machine()["cores"], 1)},
        "worker_cpu_ms_per_request": round((cpu1[0] - cpu0[0]) * 1000 / ok, 2) if ok else None,
        "meets_targets": rps >= 400 and errors == 0 and all(v < 300 for v in peak.values()),
        "load_average_after": os.getloadavg(),
        "cores": machine()["cores"],
    }


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import json

    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    ap.add_argument("--quick", action="store_true")
    print(json.dumps(run(ap.parse_args()), ensure_ascii=False, indent=1))
