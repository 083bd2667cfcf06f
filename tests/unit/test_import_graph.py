"""The import graph of badge_renderer and badgeforge: no module-level circles, and the renderer stays cloud-free.

Why: a circle makes import order matter (a half-initialised module is seen by the other side) and is the design smell
STYLE.md names; the renderer is a pure library that must load without any cloud SDK or service code. The graph is read
from the source with `ast` (nothing is imported), so a circle is caught even where import order happens to work today.
Imports inside functions and under `if TYPE_CHECKING:` are deliberate late binding and do not count as edges.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"badge_renderer": ROOT / "badge_renderer", "badgeforge": ROOT / "functions" / "badgeforge"}
CLOUD_FREE = ("badgeforge", "firebase_functions", "firebase_admin", "google", "functions_framework", "flask")


def _modules() -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the checked packages."""
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements that run when the module is imported: top level, and inside top-level if/try/with blocks."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level(block)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def _imported(name: str, path: Path, node: ast.Import | ast.ImportFrom, modules: Collection[str]) -> Iterator[str]:
    """Absolute names a statement imports: `from X import Y` is X.Y when that is a module, else X."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base]) if base else ".".join(package)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in modules else base


def _ancestors(name: str) -> set[str]:
    """The packages Python imports before `name` anyway: an edge to one of them adds nothing and is no circle."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def import_graph() -> dict[str, set[str]]:
    """Module -> the imported names (in-package ones resolved to modules; others kept as written)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in _module_level(tree.body):
            edges.update(_imported(name, path, node, modules))
        graph[name] = edges - _ancestors(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (or a module importing itself), by Tarjan."""
    nodes = set(graph)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node] & nodes):
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
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_no_module_level_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_renderer_imports_nothing_from_the_cloud_or_the_services() -> None:
    offending = {
        (module, target)
        for module, targets in import_graph().items()
        if module.startswith("badge_renderer")
        for target in targets
        if target.split(".")[0] in CLOUD_FREE
    }
    assert offending == set()


def test_renderer_function_level_imports_are_cloud_free_too() -> None:
    """Late imports inside the renderer's functions must not reach the cloud either (the graph above skips them)."""
    offending = set()
    for name, path in _modules().items():
        if not name.startswith("badge_renderer"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(name, path, node, ()):
                    if target.split(".")[0] in CLOUD_FREE:
                        offending.add((name, target))
    assert offending == set()


def test_the_checker_sees_a_cycle() -> None:
    """The detector itself: a two-module circle and a self-import are reported, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
