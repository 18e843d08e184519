"""Time to seed the national scale (target ≤ 15 minutes, peak memory ≤ 2 GiB), per database."""

from bench.common import seed_national


def run(args) -> dict:
    result = seed_national(args.db, fresh=args.fresh)
    result.pop("url", None)
    return {"scale": "national", "targets": {"seconds": 900, "peak_rss_mib": 2048}} | result
