"""Views and API modules of measures and insight make no queries of their own: they import no
``models`` module and not ``django.db`` (type hints under ``TYPE_CHECKING`` aside) and touch no
``.objects``. Reads go through the app's selectors, writes through its services."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "skreddersy/measures/views.py",
    "skreddersy/measures/api.py",
    "skreddersy/insight/views.py",
    "skreddersy/insight/api.py",
]


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            for stmt in node.body:
                inside |= {id(n) for n in ast.walk(stmt)}
    return inside


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    skip = _type_checking_nodes(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
    return out


@pytest.mark.parametrize("path", MODULES)
def test_no_models_and_no_django_db_imported(path):
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    bad = [(line, name) for line, name in _imported_modules(tree)
           if name == "django.db" or name.startswith("django.db.") or name.split(".")[-1] == "models"
           or ".models." in name or name == "django.shortcuts.get_object_or_404"]
    assert bad == [], f"{path} imports {bad}"


@pytest.mark.parametrize("path", MODULES)
def test_no_objects_manager_used(path):
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    used = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "objects"]
    assert used == [], f"{path} uses .objects on lines {used}"


@pytest.mark.parametrize("path", MODULES)
def test_no_access_policy_and_no_audit_of_their_own(path):
    """Views check nothing themselves: the one selector or service they call checks access and audits."""
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    bad = [(line, name) for line, name in _imported_modules(tree)
           if name.startswith("skreddersy.policy") or name.startswith("skreddersy.core.audit")
           or name in ("skreddersy.core.audit", "skreddersy.core.access")]
    assert bad == [], f"{path} imports {bad}"


def test_the_check_sees_what_it_should():
    """The checker itself: it finds a models import, django.db and .objects, and lets type hints pass."""
    src = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from a.models import X\n"
           "from skreddersy.measures.models import Referral\nfrom django.db import connection\n")
    names = [n for _l, n in _imported_modules(ast.parse(src))]
    assert "skreddersy.measures.models" in names and "django.db" in names and "a.models" not in names
    assert [n for n in ast.walk(ast.parse("Referral.objects.all()")) if isinstance(n, ast.Attribute) and n.attr == "objects"]
