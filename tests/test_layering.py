"""The layering of docs/architecture.md holds: the import-linter contracts in .importlinter
(layers, apps downward only, views and API without queries of their own, no cycles inside an
app), and no import cycle between any two skreddersy modules across packages either (the
acyclic contract only compares the modules of one package with each other)."""

import configparser
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def _known_cycle_edges() -> set[tuple[str, str]]:
    """The imports the acyclic contract still ignores (cycles another change removes)."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    raw = config.get("importlinter:contract:acyclic", "ignore_imports", fallback="")
    edges = set()
    for line in raw.splitlines():
        line = line.split("#")[0].strip()
        if line:
            importer, imported = (part.strip() for part in line.split("->"))
            edges.add((importer, imported))
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle_and_only_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set(), "c": {"b"}}) == []


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache", "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_cycles_between_skreddersy_modules():
    graph = grimp.build_graph("skreddersy", cache_dir=None)
    known = _known_cycle_edges()
    modules = {m for m in graph.modules if ".migrations" not in m}
    edges = {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules and (m, i) not in known}
        for m in modules
    }
    assert _cycles(edges) == []
