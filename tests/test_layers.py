"""The layers import one way: pages -> components -> states -> services -> db -> models/config.

api -> services beside states, web (cookie names and parsing, shared by both
adapters) between them and services, and finance (money, dated facts,
calculators) below services with nothing but the standard library under it. Checked by
reading the source with `ast`, without importing anything, so a late import
inside a function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "finucity"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# Each layer, and the finucity layers it must not import.
FORBIDDEN: dict[str, set[str]] = {
    "models/config": {"db", "finance", "services", "web", "api", "states", "components", "pages", "app"},
    "db": {"finance", "services", "web", "api", "states", "components", "pages", "app"},
    "finance": {"db", "services", "web", "api", "states", "components", "pages", "app"},
    "services": {"web", "api", "states", "components", "pages", "app"},
    "web": {"db", "api", "states", "components", "pages", "app"},
    "states": {"api", "components", "pages", "app"},
    "components": {"pages", "app"},
    "api": {"states", "components", "pages", "app"},
    "pages": {"app"},
    "app": set(),
}
# Layers that stay plain Python: no Reflex anywhere below the states.
NO_REFLEX = {"models/config", "db", "finance", "services", "web"}
# Layers that may use nothing outside the standard library (and the layers they may import).
STDLIB_ONLY = {"finance"}

# Known edges against the order, each to be removed, never added to.
ALLOWED: set[tuple[str, str]] = set()


def layer_of(module: str) -> str:
    parts = module.split(".")
    # telemetry (log context, metrics, error reports) sits beside config: every
    # layer may record a metric or bind the log context.
    if parts[1:2] in (["models"], ["config"], ["telemetry"]):
        return "models/config"
    if parts[1:2] in (["db"], ["finance"], ["services"], ["web"], ["api"], ["states"], ["components"], ["pages"]):
        return parts[1]
    # finucity itself, finucity.app and finucity.__main__ put everything together; so
    # does any new top-level module until it is given a layer above.
    return "app"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The dotted name of everything the module imports, anywhere in it (late imports too).

    `from a.b import c` is an import of the module a.b.c when that exists,
    else of a.b (c is a name defined there).
    """
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                # Relative imports count from the package; a module's package is its parent.
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in modules else base


def build_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(finucity module -> finucity modules it imports, module -> outside top-level packages it imports)."""
    modules = discover()
    internal: dict[str, set[str]] = defaultdict(set)
    external: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for name in imported_modules(module, path, modules):
            if name.split(".")[0] != PACKAGE:
                external[module].add(name.split(".")[0])
                continue
            # The module itself, or the package holding the imported name.
            while name not in modules:
                name = name.rpartition(".")[0]
            if name != module:
                internal[module].add(name)
    return internal, external


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _edges(pairs) -> str:
    return "\n".join(f"  {source} -> {target}" for source, target in sorted(pairs))


def _layered_edges(pairs) -> str:
    return "\n".join(
        f"  {source} ({layer_of(source)}) -> {target} ({layer_of(target)})" for source, target in sorted(pairs)
    )


def test_the_graph_sees_top_level_and_late_imports():
    internal, external = build_graph()
    # Sanity checks of the reader itself, on edges known to exist.
    assert "finucity.services.generation" in internal["finucity.services.conversations"]
    assert "redis" in external["finucity.services.health"]  # a late import inside a function
    assert "reflex" in external["finucity.app"]
    assert "finucity.finance.money" in internal["finucity.services.ai.offline.reading"]


def test_no_import_cycles_between_finucity_modules():
    internal, _ = build_graph()
    graph = {source: {t for t in targets if (source, t) not in ALLOWED} for source, targets in internal.items()}
    found = cycles(graph)
    message = "\n\n".join(
        "Import cycle:\n" + _edges((a, b) for a in component for b in graph[a] if b in component) for component in found
    )
    assert not found, message


def test_every_import_follows_the_layer_order():
    internal, _ = build_graph()
    wrong = {
        (source, target)
        for source, targets in internal.items()
        for target in targets
        if layer_of(target) in FORBIDDEN[layer_of(source)] and (source, target) not in ALLOWED
    }
    assert not wrong, "Imports against the layer order:\n" + _layered_edges(wrong)


def test_the_allowed_exceptions_still_exist():
    """An exception that was fixed comes off the list, so it cannot come back unnoticed."""
    internal, _ = build_graph()
    stale = {(source, target) for source, target in ALLOWED if target not in internal.get(source, set())}
    assert not stale, "Remove these from ALLOWED, they are gone:\n" + _edges(stale)


def test_the_plain_python_layers_do_not_import_reflex():
    _, external = build_graph()
    wrong = {
        (module, name)
        for module, names in external.items()
        for name in names
        if layer_of(module) in NO_REFLEX and name.startswith("reflex")
    }
    assert not wrong, "Reflex imported below the states:\n" + _edges(wrong)


def test_finance_needs_nothing_but_the_standard_library():
    _, external = build_graph()
    wrong = {
        (module, name)
        for module, names in external.items()
        for name in names
        if layer_of(module) in STDLIB_ONLY and name not in sys.stdlib_module_names
    }
    assert not wrong, "finucity.finance imports outside the standard library:\n" + _edges(wrong)
