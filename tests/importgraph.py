"""Read the import graph of Python packages statically, and find its cycles and crossings.

Every `import` and `from … import` statement counts, wherever it stands: at the top, inside a
function, under `if TYPE_CHECKING:` or in a `try`. A cycle hidden in a function-level or
type-checking-only import still makes a reader hold two files in their head at once, so the
strict reading of "no cycles between files anywhere" is the one kept here.

An edge goes to the module a statement names: `from a.b import c` points at `a.b.c` when `c` is a
submodule (a file or a folder), else at `a.b`. Parent packages a dotted import runs on the way
(`a`, `a.b`) are not edges: Python initialises them first whatever the importer does, and a reader
doesn't open them to follow the code. Dynamic imports (`importlib`, extension names given to
`load_extension` as strings) are not read. Modules come from the filesystem, so a file added or
moved anywhere under the roots is checked without a list to update.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

Graph = dict[str, set[str]]


@dataclass(frozen=True)
class Module:
    """One importable file: its dotted name, its path, and whether it is a package's `__init__`."""

    name: str
    path: Path
    is_package: bool


def discover(base: Path, roots: Iterable[str]) -> dict[str, Module]:
    """Find every Python module under the given top-level folders of `base`."""
    found: dict[str, Module] = {}
    for root in roots:
        for path in sorted((base / root).rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            if not all(part.isidentifier() for part in parts):
                continue
            name = ".".join(parts)
            found[name] = Module(name, path, is_package)
    return found


def _packages(modules: Mapping[str, Module]) -> set[str]:
    """Name every package, including folders without an `__init__.py`."""
    names: set[str] = set()
    for name in modules:
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts)))
    names.update(name for name, module in modules.items() if module.is_package)
    return names


def _absolute(module: Module, level: int, target: str | None) -> str:
    """Turn a relative import's `level` and target into an absolute dotted name."""
    if level == 0:
        return target or ""
    parts = module.name.split(".")
    anchor = parts if module.is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (level - 1)]
    return ".".join([*anchor, *([target] if target else [])])


def imports_of(module: Module, files: set[str], known: set[str]) -> tuple[set[str], set[str]]:
    """Name the modules of ours that `module` imports, and the outside packages, anywhere in it."""
    tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
    ours: set[str] = set()
    outside: set[str] = set()

    def add(name: str) -> None:
        # `import a.b.c` where only `a.b` is a file still points at the nearest file we know.
        parts = name.split(".")
        if parts[0] not in known:
            outside.add(parts[0])
            return
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in files:
                ours.add(candidate)
                return

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.level, node.module)
            for alias in node.names:
                submodule = f"{base}.{alias.name}" if base else alias.name
                if alias.name != "*" and submodule in files:
                    ours.add(submodule)
                else:
                    add(base)
    return ours, outside


@dataclass(frozen=True, repr=False)
class ImportGraph:
    """Who imports whom among our modules, and which outside packages each imports."""

    edges: Graph
    outside: dict[str, set[str]]

    def __repr__(self) -> str:
        return f"<import graph of {len(self.edges)} modules>"

    def reaches(self, start: str) -> set[str]:
        """Name every module of ours that `start` leads to, through any chain of imports."""
        seen: set[str] = set()
        pending = [start]
        while pending:
            for nxt in self.edges.get(pending.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    pending.append(nxt)
        return seen

    def reaches_outside(
        self, start: str, package: str, *, avoiding: Iterable[str] = ()
    ) -> list[str]:
        """Return a chain of imports from `start` to the outside `package`, or [] if none.

        Chains through a module in `avoiding` are not followed (a known, listed exception).
        """
        avoided = set(avoiding)
        came_from: dict[str, str] = {start: start}
        frontier = [start]
        while frontier:
            following: list[str] = []
            for node in frontier:
                if package in self.outside.get(node, ()):
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(came_from[chain[-1]])
                    return [*reversed(chain), package]
                for nxt in sorted(self.edges.get(node, ())):
                    if nxt not in came_from and nxt not in avoided:
                        came_from[nxt] = node
                        following.append(nxt)
            frontier = following
        return []


def import_graph(base: Path, roots: Iterable[str]) -> ImportGraph:
    """Read every module under `roots` and map what it imports."""
    modules = discover(base, roots)
    files = set(modules)
    known = files | _packages(modules)
    edges: Graph = {}
    outside: dict[str, set[str]] = {}
    for name, module in modules.items():
        edges[name], outside[name] = imports_of(module, files, known)
    return ImportGraph(edges, outside)


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Group the graph's nodes into strongly connected components (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def shortest_cycle(graph: Mapping[str, Iterable[str]], start: str) -> list[str]:
    """Find the shortest path from `start` back to itself, ending where it began."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return []


def cycles(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Spell out one shortest cycle per tangle of modules, as `a -> b -> a`."""
    spelled: list[str] = []
    for component in strongly_connected(graph):
        tangled = len(component) > 1 or component[0] in graph.get(component[0], ())
        if tangled:
            loop = min((shortest_cycle(graph, node) for node in component), key=len)
            members = (
                f"  (tangled: {', '.join(component)})" if len(component) > len(loop) - 1 else ""
            )
            spelled.append(" -> ".join(loop) + members)
    return sorted(spelled)


def under(name: str, prefix: str) -> bool:
    """Tell whether `name` is the module or package `prefix`, or inside it."""
    return name == prefix or name.startswith(prefix + ".")


def crossings(graph: ImportGraph, sources: Iterable[str], targets: Iterable[str]) -> list[str]:
    """List every import from a module under `sources` to a module under `targets`, as `a -> b`."""
    sources, targets = tuple(sources), tuple(targets)
    return sorted(
        f"{name} -> {imported}"
        for name, imported_names in graph.edges.items()
        if any(under(name, source) for source in sources)
        for imported in imported_names
        if any(under(imported, target) for target in targets)
    )
