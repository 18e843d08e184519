"""Run the benchmarks: ``python -m bench [name ...] [--db sqlite,postgresql] [--pg-db NAME]``.

Each ``bench/bench_<name>.py`` exposes ``run(args) -> dict``; each runs in its own process per
database (so Django is configured for that database) and prints one JSON document. With no
names, all benchmarks run. Benchmarks that need national-scale data seed it once per database
(bench/data/, reused on later runs; ``--fresh`` reseeds).

On PostgreSQL the databases are ``NAME_national``, ``NAME_insight`` and ``NAME_matching`` with
``NAME`` from ``--pg-db`` or ``SKREDDERSY_BENCH_PG_DB`` (default ``skr_bench``, today's names): give
each concurrent run on one server its own name, since a fresh seed drops its database with
``WITH (FORCE)`` (see bench/common.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.common import add_pg_db_option, apply_pg_db_option, machine

HERE = Path(__file__).resolve().parent
ORDER = ["seed", "person_card", "overview", "matching", "insight", "toolkit", "load"]


def discover() -> list[str]:
    found = [p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py")]
    return sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--fresh", action="store_true", help="reseed the national data")
    parser.add_argument("--quick", action="store_true", help="fewer samples (smoke run)")
    add_pg_db_option(parser)
    args = parser.parse_args(argv)
    apply_pg_db_option(args)  # sub-processes inherit it through SKREDDERSY_BENCH_PG_DB
    names = args.names or discover()
    results = {"machine": machine(), "results": []}
    failed = False
    for name in names:
        for vendor in args.db.split(","):
            cmd = [sys.executable, "-m", "bench.run_one", name, vendor] + (["--fresh"] if args.fresh else []) + (["--quick"] if args.quick else [])
            print(f"# bench {name} on {vendor}", file=sys.stderr, flush=True)
            proc = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
            if proc.returncode != 0:
                failed = True
                results["results"].append({"bench": name, "db": vendor, "error": proc.stderr.strip().splitlines()[-5:]})
                continue
            results["results"].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
