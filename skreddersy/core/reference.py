"""The shared reference facts (need groups, needs domains, measure types, survey items),
loaded from ``settings.REFERENCE_DIR``. Facts stay data: rules read them from here."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings


class ReferenceMissing(RuntimeError):
    pass


@cache
def load(name: str) -> dict:
    path = Path(settings.REFERENCE_DIR) / name
    if not path.exists():
        raise ReferenceMissing(
            f"Fant ikke referansefilen {path}. Sett SKREDDERSY_REFERENCE_DIR til mappen shared/reference."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def need_groups() -> dict[str, dict]:
    """Need groups by code, with ``order``, ``requires_reduced_work_capacity`` and ``requires_second_approver``."""
    return {g["code"]: g for g in load("innsatsgrupper.json")["groups"]}


def main_goals() -> dict[str, dict]:
    return {g["code"]: g for g in load("innsatsgrupper.json")["main_goals"]}


def permanent_groups() -> frozenset[str]:
    """The groups whose decisions need a second approver (the permanent, varig, groups)."""
    return frozenset(c for c, g in need_groups().items() if g["requires_second_approver"])


def needs_domains() -> dict[str, str]:
    """Domain key -> Norwegian name, in reference order."""
    return {d["key"]: d["name_no"] for d in load("needs_domains.json")["domains"]}


def severity_scale() -> dict[int, str]:
    return {int(k): v for k, v in load("needs_domains.json")["severity_scale"].items()}


def measure_types() -> list[dict]:
    return load("tiltakstyper.json")["types"]


def instruments() -> dict:
    return load("instruments.json")


def published_study() -> dict:
    return load("terum_sadeghi_2021.json")
