"""The one-way layers of ARCHITECTURE.md, enforced: who may import whom, and no cycles.

Every module of the package is read as text (nothing is imported), its imports of
wbtool modules resolved — at module level and inside functions alike — and checked
against the layer table below.  A new module must be given a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wbtool"

MODEL, BASE, DOMAIN, IO, PIPELINE, CLI = "model", "base", "domain", "io", "pipeline", "cli"
LAYERS = {
    # What one 字 is belongs to the model: entries and rows are measured by it.
    MODEL: ("wbtool", "wbtool.model", "wbtool.errors", "wbtool.wordcount"),
    BASE: ("wbtool.owners", "wbtool.text", "wbtool.layout", "wbtool.findings", "wbtool.identity", "wbtool.atomic"),
    DOMAIN: ("wbtool.check", "wbtool.merge", "wbtool.carryover", "wbtool.report", "wbtool.identify", "wbtool.plan", "wbtool.units", "wbtool.catalogue", "wbtool.importer", "wbtool.package", "wbtool.indicators"),
    IO: ("wbtool.io",),
    PIPELINE: ("wbtool.pool", "wbtool.pipeline", "wbtool.demo", "wbtool.outbox", "wbtool.catalog_import"),
    CLI: ("wbtool.cli", "wbtool.__main__"),
}
# Domain code and file formats sit side by side: neither knows the other.
MAY_IMPORT = {
    MODEL: {MODEL},
    BASE: {MODEL, BASE},
    DOMAIN: {MODEL, BASE, DOMAIN},
    IO: {MODEL, BASE, IO},
    PIPELINE: {MODEL, BASE, DOMAIN, IO, PIPELINE},
    CLI: {MODEL, BASE, DOMAIN, IO, PIPELINE, CLI},
}
# Imports inside a function, each for a reason said where it is made: the stages
# import their writers (heavy libraries) only when they run; the pool and the
# command import the readers only in the processes that read.
DEFERRED_OK = {
    ("wbtool.pipeline", "wbtool.io.manifest"),
    ("wbtool.pipeline", "wbtool.io.template_xlsx"),
    ("wbtool.pipeline", "wbtool.io.indicator_xlsx"),
    ("wbtool.pipeline", "wbtool.io.indicator_master"),
    ("wbtool.pipeline", "wbtool.io.master_xlsx"),
    ("wbtool.pipeline", "wbtool.io.master_read"),
    ("wbtool.pipeline", "wbtool.io.markup"),
    ("wbtool.pipeline", "wbtool.io.report_docx"),
    ("wbtool.pipeline", "wbtool.io.compilation_docx"),
    ("wbtool.pipeline", "wbtool.io.read"),
    ("wbtool.pool", "wbtool.io.read"),
    ("wbtool.io.read", "wbtool.io.read_docx"),
    ("wbtool.io.read", "wbtool.io.read_pdf"),
    ("wbtool.__main__", "wbtool.pool"),
    ("wbtool.__main__", "wbtool.cli"),
    ("wbtool.cli.catalog_import", "wbtool.catalog_import"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> str:
    matches = [
        (len(prefix), layer)
        for layer, prefixes in LAYERS.items()
        for prefix in prefixes
        if name == prefix or name.startswith(prefix + ".")
    ]
    assert matches, f"{name} has no layer: add it to LAYERS (and to ARCHITECTURE.md)"
    return max(matches)[1]


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """``(imported wbtool module, deferred)`` for every import in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    deferred_nodes = {
        id(node)
        for func in ast.walk(tree)
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(func)
    }
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # ``from . import x`` imports the module x when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            if target == "wbtool" or target.startswith("wbtool."):
                while target not in known and "." in target:
                    target = target.rpartition(".")[0]
                found.append((target, id(node) in deferred_nodes))
    return found


GRAPH = {name: imports_of(name, path, set(modules())) for name, path in modules().items()}


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_a_module_imports_only_its_own_and_lower_layers(name):
    layer = layer_of(name)
    wrong = sorted({target for target, _ in GRAPH[name] if layer_of(target) not in MAY_IMPORT[layer]})
    assert not wrong, f"{name} ({layer}) must not import {wrong}"


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_inside_functions_are_the_documented_ones(name):
    deferred = sorted({target for target, inside in GRAPH[name] if inside and (name, target) not in DEFERRED_OK})
    assert not deferred, f"{name} imports {deferred} inside a function: import at the top, or say why in DEFERRED_OK"


def test_there_is_no_import_cycle():
    edges = {name: {target for target, _ in targets if target != name} for name, targets in GRAPH.items()}
    # A package imports its own submodules to re-export them; that is not a cycle.
    for name in edges:
        edges[name] = {t for t in edges[name] if not name.startswith(t + ".")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)


def test_the_checker_sees_a_broken_rule(tmp_path):
    """The layer test can fail: an io module importing the pipeline is caught."""
    fake = tmp_path / "wbtool" / "io" / "bad.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from ..pipeline import merge\n\ndef f():\n    from .. import check\n", encoding="utf-8")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "wbtool"
    try:
        found = imports_of("wbtool.io.bad", fake, {"wbtool.pipeline", "wbtool.check", "wbtool.io.bad"})
    finally:
        PACKAGE = saved
    assert found == [("wbtool.pipeline", False), ("wbtool.check", True)]
    assert layer_of("wbtool.pipeline") not in MAY_IMPORT[layer_of("wbtool.io.bad")]
