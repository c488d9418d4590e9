"""No import cycles among the project's modules.

The graph is built from the source with ``ast``: the imports a module runs when it is
loaded (module level, including ``try``/``if`` blocks and class bodies), without those
under ``if TYPE_CHECKING:`` and those inside functions. ``from pkg import name`` is an
edge to ``pkg`` (its ``__init__`` is read for ``name``), and to ``pkg.name`` as well when
that is a module; so a submodule importing from its own package's ``__init__`` while that
``__init__`` imports it is a cycle. ``import pkg.mod`` is an edge to ``pkg.mod`` alone.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def project_packages(root: Path = ROOT) -> list[str]:
    """The top-level packages the type checker covers (one list, in pyproject.toml)."""
    config = tomllib.loads((root / "pyproject.toml").read_text())
    return list(config["tool"]["mypy"]["packages"])


def find_modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Module name -> file, for every ``.py`` file under the packages."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _load_time_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements run when the module loads."""
    for stmt in body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            yield stmt
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(stmt, ast.If):
            if not _is_type_checking(stmt.test):
                yield from _load_time_imports(stmt.body)
            yield from _load_time_imports(stmt.orelse)
        elif isinstance(stmt, ast.ClassDef | ast.With):
            yield from _load_time_imports(stmt.body)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, stmt.orelse, stmt.finalbody):
                yield from _load_time_imports(block)
            for handler in stmt.handlers:
                yield from _load_time_imports(handler.body)


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``name`` refers to (its longest known prefix), or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports at load time."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for stmt in _load_time_imports(ast.parse(path.read_text(), str(path)).body):
            if isinstance(stmt, ast.Import):
                targets = [alias.name for alias in stmt.names]
            else:
                base = stmt.module or ""
                if stmt.level:
                    anchor = name.split(".")
                    anchor = anchor if is_package else anchor[:-1]
                    anchor = anchor[: len(anchor) - (stmt.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [base, *(f"{base}.{alias.name}" for alias in stmt.names)]
            for target in targets:
                found = _known(target, modules)
                if found is not None and found != name:
                    edges.add(found)
        graph[name] = edges
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``a -> b -> … -> a``) for every strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(start: str) -> None:  # Tarjan, iterative
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_one_cycle(graph, group) for group in groups]


def _one_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest cycle through the group's first module (breadth first)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & group):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - a group has one


def test_the_project_has_no_import_cycles() -> None:
    modules = find_modules(ROOT, project_packages())
    assert "api.cli" in modules and "graph.base" in modules  # the walk found the packages
    cycles = find_cycles(import_graph(modules))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_finder_reports_a_cycle_and_ignores_what_does_not_run_at_load(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import thing\n",
            "pkg/b.py": "from pkg import c\nthing = 1\n",
            "pkg/c.py": "import pkg.a\n",
            "pkg/typed.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.lazy import x\n"
            ),
            "pkg/lazy.py": "def f():\n    from pkg.typed import y\n",
            "pkg/sub/__init__.py": "from .leaf import z\n",
            "pkg/sub/leaf.py": "from .. import a\nz = 1\n",
        },
    )
    modules = find_modules(tmp_path, ["pkg"])
    graph = import_graph(modules)
    assert graph["pkg.b"] == {"pkg", "pkg.c"}  # `from pkg import c`: the package and c
    assert graph["pkg.typed"] == set() and graph["pkg.lazy"] == set()
    assert graph["pkg.sub"] == {"pkg.sub.leaf"} and graph["pkg.sub.leaf"] == {"pkg", "pkg.a"}
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_the_finder_passes_a_package_without_cycles(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import f\n",
            "pkg/a.py": "from pkg.b import g\ndef f():\n    from pkg import a\n",
            "pkg/b.py": "import json\ng = json.dumps\n",
        },
    )
    assert find_cycles(import_graph(find_modules(tmp_path, ["pkg"]))) == []


def test_production_code_does_not_load_the_demo() -> None:
    """The demo (generator, sandbox market, loop) is plugged in by configuration: no module
    outside it (and the benchmarks) imports it when loaded."""
    graph = import_graph(find_modules(ROOT, project_packages()))
    assert any(m.startswith("demo.") for m in graph)  # the demo package was walked
    loads_demo = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if not module.startswith(("demo", "bench"))
        for target in targets
        if target == "demo" or target.startswith("demo.")
    )
    assert not loads_demo, "modules that load the demo:\n" + "\n".join(loads_demo)
