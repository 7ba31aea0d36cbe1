"""The drawing package stays layered: each module imports only those below it, so there is no cycle.

Imports are read from the source with ``ast`` (including ones under ``if
TYPE_CHECKING``), so a cycle is caught even where Python would not trip on it.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import handouts.art

PACKAGE = "handouts.art"
FOLDER = Path(handouts.art.__file__).parent

# Each module and the art modules it may use. A new module must take its place here.
ALLOWED: dict[str, set[str]] = {
    "geometry": set(),
    "palette": {"geometry"},
    "anatomy": {"geometry", "palette"},
    "marks": {"geometry", "palette", "anatomy"},
    "compose": {"geometry", "palette", "anatomy", "marks", "hands", "tools", "stance"},
    "legend": {"geometry", "palette", "anatomy", "marks"},
    "pictograms": {"geometry", "palette"},
    "hands": {"geometry", "pictograms"},
    "tools": {"geometry", "palette"},
    "stance": {"geometry", "palette"},
    "__init__": {"geometry", "palette", "anatomy", "marks", "compose", "legend", "pictograms", "hands", "tools",
                 "stance"},
}


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports, relative imports resolved."""
    package = PACKAGE.split(".")  # every module sits directly in the package, so ``.`` is the package
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            # ``from . import marks`` imports the module ``marks``, not a name in the package
            found.update(f"{module}.{alias.name}" for alias in node.names
                         if (FOLDER / f"{alias.name}.py").exists() and module == PACKAGE)
    return found


def art_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(FOLDER.glob("*.py")):
        mods = imported_modules(path)
        graph[path.stem] = {m.removeprefix(PACKAGE + ".") for m in mods if m.startswith(PACKAGE + ".")}
        if PACKAGE in mods and path.stem != "__init__":
            graph[path.stem].add("__init__")
    return graph


def test_every_module_has_a_place_in_the_layers():
    assert set(art_graph()) == set(ALLOWED)


def test_modules_import_only_the_layers_below_them():
    wrong = {name: sorted(deps - ALLOWED[name]) for name, deps in art_graph().items() if deps - ALLOWED[name]}
    assert wrong == {}


def test_the_import_graph_has_no_cycle():
    try:
        order = list(TopologicalSorter(art_graph()).static_order())
    except CycleError as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"import cycle: {exc.args[1]}") from None
    assert order.index("geometry") < order.index("anatomy") < order.index("marks") < order.index("compose")


def test_drawing_code_does_not_reach_up_into_the_renderers():
    upward = {path.stem: sorted(m for m in imported_modules(path) if m.startswith("handouts.render"))
              for path in FOLDER.glob("*.py")}
    assert {name: mods for name, mods in upward.items() if mods} == {}
