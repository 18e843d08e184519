"""Views and API modules make no queries of their own: they read through selectors and write
through services. Checked on the source: no import of a ``models`` module or of ``django.db``
(imports under ``if TYPE_CHECKING:`` are type hints only) and no ``.objects`` anywhere.

Parametrised over module paths so that each app's view and API modules can be added here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MODULES = [
    "skreddersy/api.py",
    "skreddersy/accounts/views.py",
    "skreddersy/followup/api.py",
    "skreddersy/followup/export.py",
    "skreddersy/work/views.py",
    "skreddersy/work/api.py",
    "skreddersy/insight/toolkit/views.py",
    "skreddersy/insight/toolkit/api.py",
    "skreddersy/insight/tailoring/views.py",
    "skreddersy/insight/tailoring/api.py",
    "skreddersy/insight/calibration/views.py",
    "skreddersy/insight/calibration/api.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "skreddersy/followup/views").glob("*.py")),
]


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for child in node.body:
                    lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _forbidden_module(name: str) -> bool:
    parts = name.split(".")
    return name == "django.db" or name.startswith("django.db.") or "models" in parts


def problems(source: str) -> list[str]:
    tree = ast.parse(source)
    hints = _type_checking_blocks(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and node.lineno not in hints:
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if _forbidden_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.lineno not in hints:
            module = node.module or ""
            if _forbidden_module(module):
                found.append(f"line {node.lineno}: from {module} import ...")
            else:
                found += [f"line {node.lineno}: from {module} import {a.name}" for a in node.names
                          if _forbidden_module(f"{module}.{a.name}")]
        elif isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"line {node.lineno}: .objects")
    return found


def test_there_are_modules_to_check():
    assert len(MODULES) >= 8 and all((ROOT / m).is_file() for m in MODULES)


@pytest.mark.parametrize("path", MODULES)
def test_module_makes_no_queries_of_its_own(path):
    assert problems((ROOT / path).read_text(encoding="utf-8")) == [], path


@pytest.mark.parametrize("source,bad", [
    ("from skreddersy.followup.models import Task", True),
    ("from skreddersy.followup import models", True),
    ("import skreddersy.clients.models", True),
    ("from django.db.models import Q", True),
    ("from django.db import connection", True),
    ("from django import db", True),
    ("x = Task.objects.filter(pk=1)", True),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from skreddersy.followup.models import Task", False),
    ("from skreddersy.followup import selectors, services", False),
])
def test_the_check_itself(source, bad):
    assert bool(problems(source)) is bad
