"""Run one benchmark module on one database and print its JSON on the last line."""

import argparse
import importlib
import json
import sys

from bench.common import add_pg_db_option, apply_pg_db_option


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("db", choices=["sqlite", "postgresql"])
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--quick", action="store_true")
    add_pg_db_option(parser)
    args = parser.parse_args()
    apply_pg_db_option(args)
    mod = importlib.import_module(f"bench.bench_{args.name}")
    result = mod.run(args)
    result = {"bench": args.name, "db": args.db} | result
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
