"""The import graph of the `mentorhub` package, and the cycles in it.

Every module under mentorhub/ is parsed with `ast` (nothing is imported, so a module that fails
to import is still drawn). An edge A → B means module A imports module B somewhere: at the top
or inside a function, since an import that runs late is still a dependency, and a cycle hidden
in a function is still a concept in the wrong place. Nodes are modules (`mentorhub.rooms.views`);
a package is its `__init__` (`mentorhub.rooms`).

- `import mentorhub.a.b` and `from mentorhub.a.b import name` import `mentorhub.a.b`;
  `from mentorhub.a import b` imports `mentorhub.a.b` when `b` is a module, else `mentorhub.a`.
- Importing `mentorhub.a.b` also runs `mentorhub/a/__init__.py`, but that is not drawn as an
  edge: otherwise every package whose `__init__` re-exports its own modules would be a cycle.
- Relative imports are resolved against the importing module's package.

Run `python -m tests.import_graph` to print the cycles, or none.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "mentorhub"


@dataclass(frozen=True)
class Import:
    """One import statement that draws an edge: where it is, and what it imports."""

    source: str
    target: str
    path: str
    line: int


def module_names(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by its dotted name; a package is named by its `__init__`."""
    modules = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _absolute(node: ast.ImportFrom, source: str, modules: dict[str, Path]) -> str | None:
    """The absolute module name `from ... import` reads from, resolving relative imports."""
    if node.level == 0:
        return node.module
    package = source if _is_package(source, modules) else source.rpartition(".")[0]
    base = package.split(".")
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """`name` if it is one of our modules, else the nearest enclosing one of ours, else None."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(node: ast.AST, source: str, modules: dict[str, Path]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            found = _known(alias.name, modules)
            if found:
                yield found
    elif isinstance(node, ast.ImportFrom):
        base = _absolute(node, source, modules)
        if base is None or _known(base, modules) is None:
            return
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            # `from mentorhub import audit` imports the module mentorhub.audit, not the package.
            yield submodule if submodule in modules else _known(base, modules)


def imports(root: Path = ROOT) -> list[Import]:
    """Every edge of the graph, with the file and line of the statement that draws it."""
    modules = module_names(root)
    found = []
    for source, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _targets(node, source, modules):
                if target != source:
                    relative = path.relative_to(root).as_posix()
                    found.append(Import(source, target, relative, node.lineno))
    return found


def graph(edges: list[Import]) -> dict[str, set[str]]:
    """module → the modules it imports."""
    result: dict[str, set[str]] = {}
    for edge in edges:
        result.setdefault(edge.source, set()).add(edge.target)
        result.setdefault(edge.target, set())
    return result


def strongly_connected(nodes: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, each sorted; only those that hold a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(nodes[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    # The graph has a few hundred modules; the recursion is never deeper than that.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(nodes) + 100))
    try:
        for node in sorted(nodes):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(components)


def shortest_cycle(nodes: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest cycle through the component's first module, as a path back to it."""
    start = component[0]
    members = set(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(nodes[node] & members):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {component}")


def cycles(root: Path = ROOT) -> list[str]:
    """One readable report per strongly connected component, naming the import lines."""
    edges = imports(root)
    nodes = graph(edges)
    where: dict[tuple[str, str], list[Import]] = {}
    for edge in edges:
        where.setdefault((edge.source, edge.target), []).append(edge)
    reports = []
    for component in strongly_connected(nodes):
        cycle = shortest_cycle(nodes, component)
        lines = [f"{len(component)} modules import each other: {', '.join(component)}"]
        lines.append("  e.g. " + " → ".join(cycle))
        for source, target in zip(cycle, cycle[1:], strict=False):
            first = where[(source, target)][0]
            lines.append(f"    {first.path}:{first.line} imports {target}")
        reports.append("\n".join(lines))
    return reports


if __name__ == "__main__":
    found = cycles()
    print("\n\n".join(found) if found else "no import cycles in mentorhub/")
    sys.exit(1 if found else 0)
