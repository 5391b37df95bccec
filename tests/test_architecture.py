"""The rules of docs/architecture.md, checked on the source: who may import whom.

* No import cycle among the package's parts (model, engine, analysis, io, render, export,
  cli, walk, ...), counting the imports a module makes when it is loaded (not those inside
  functions, which load later, nor those for type checkers only).
* The model never imports the engine or the analyses when loaded.
* Drawings, exports, the walk-through and the command line read results: they never
  import the engine's compiled form or its passes, nor touch ``.compiled``.
* No source module is longer than 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "scenarios"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: The engine's internals; everything outside the engine reads results instead.
ENGINE_INTERNALS = ("compiled", "bind", "propagate", "paths", "batch", "strategic", "belief", "check",
                    "segments", "rescale", "overrides")
#: Parts that must only read results.
CONSUMERS = ("render", "export", "cli", "walk", "briefing")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _part(module: str) -> str:
    """``scenarios.engine.bind`` -> ``engine``; a top-level module is its own part."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    if node.module is None:  # from . import x: x may be a module
        return [f"{base}.{alias.name}" for alias in node.names]
    return [base]


def _imports(path: Path, *, load_time_only: bool) -> list[str]:
    """Modules of this package that ``path`` imports (at load time only, or anywhere)."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(body, top: bool):
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue  # for type checkers only
            if isinstance(node, ast.Import):
                found.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                found.extend(_resolve(module, path.name == "__init__.py", node))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not load_time_only:
                    visit(node.body, False)
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                child = getattr(node, field, None)
                if isinstance(child, list) and child and isinstance(child[0], ast.AST):
                    visit(child, top)

    visit(tree.body, True)
    return [m for m in found if m == "scenarios" or m.startswith("scenarios.")]


def test_no_import_cycle_among_parts():
    graph = nx.DiGraph()
    for path in MODULES:
        source = _part(_module_name(path))
        for target in _imports(path, load_time_only=True):
            if target != "scenarios" and _part(target) != source:
                graph.add_edge(source, _part(target))
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles among parts: {cycles}"


def test_model_does_not_import_engine_or_analysis_when_loaded():
    for name in ("model.py", "kinds.py", "errors.py", "expressions.py", "formatting.py"):
        bad = [m for m in _imports(PACKAGE / name, load_time_only=True)
               if _part(m) in ("engine", "analysis", "render", "export", "cli")]
        assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("path", [p for p in MODULES if _part(_module_name(p)) in CONSUMERS],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_consumers_read_results_not_the_engine(path):
    imports = _imports(path, load_time_only=False)
    bad = [m for m in imports if m.startswith("scenarios.engine.") and m.split(".")[2] in ENGINE_INTERNALS]
    assert not bad, f"{path.name} imports the engine's internals: {bad}"
    text = path.read_text(encoding="utf-8")
    assert ".compiled" not in text, f"{path.name} touches the compiled form"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_source_module_over_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 600, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_the_loader_and_the_engine_share_one_probability_tolerance():
    from scenarios.engine.rescale import TOLERANCE
    from scenarios.io.whole import PROBABILITY_TOLERANCE

    assert PROBABILITY_TOLERANCE == TOLERANCE


#: docs/architecture.md's layers: a part imports (when loaded) only from lower layers.
LAYERS = {
    "errors": 0, "kinds": 0, "formatting": 0, "labels": 0, "lazy": 0, "expressions": 1, "model": 2, "engine": 3,
    "io": 4, "analysis": 4, "builder": 4, "walk": 5, "render": 5, "export": 6, "briefing": 6,
    "cli": 7, "__main__": 8,
}


def test_parts_import_only_lower_layers():
    for path in MODULES:
        source = _part(_module_name(path))
        if source == "scenarios":  # the package's own __init__: lazy names only
            continue
        assert source in LAYERS, f"{source} has no layer in docs/architecture.md"
        for target in _imports(path, load_time_only=True):
            part = _part(target)
            if target == "scenarios" or part == source:
                continue
            assert LAYERS[part] < LAYERS[source], f"{path.relative_to(PACKAGE)} ({source}) imports {target}"


def test_the_architecture_page_examples_run():
    from doc_examples import check_doctests

    check_doctests("docs/architecture.md", "python", minimum=3)
