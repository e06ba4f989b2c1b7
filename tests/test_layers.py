"""The house's layers: imports only point down, and no module imports itself round a circle.

Why a test: the catalogue is the lowest package and once imported the answers' module above it
(for a CLI command); nothing showed it until a review. Each package or top-level module of `bot/`
and `actions/` has a layer; an import from one to another must go to a lower layer. Imports
inside functions count too: they are dependencies all the same.
"""
import ast
from pathlib import Path

from tests.conftest import PROJECT

LAYERS = [
    {"bot.settings", "bot.contract"},
    {"bot.catalogue", "bot.storage", "bot.integrations", "bot.servers", "bot.rasa_speedups", "bot.lock_store"},
    {"bot.answers", "bot.nlu", "bot.handover", "bot.reports", "bot.services", "bot.scaleout", "bot.tracker_store"},
    {"bot.insights", "bot.ops"},
    {"bot.web"},
    {"bot.console", "actions", "bot.action_server", "bot.evaluation"},
]
LAYER = {unit: level for level, units in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Modules of the project that `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ("bot", "actions")}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return "actions" if parts[0] == "actions" else ".".join(parts[:2])


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for root in ("bot", "actions") for path in (PROJECT / root).rglob("*.py")}


def test_every_package_has_a_layer():
    assert {unit_of(m) for m in project_modules() if m not in ("bot", "actions")} - set(LAYER) == set()


def test_imports_only_point_down():
    upward = []
    for module, path in project_modules().items():
        if module in ("bot", "actions"):
            continue
        for imported in imports(path):
            source, target = unit_of(module), unit_of(imported)
            if imported != "bot" and target != source and LAYER[target] >= LAYER[source]:
                upward.append(f"{module} imports {imported} ({source} is not above {target})")
    assert upward == []


def test_no_import_cycles():
    modules = project_modules()
    graph = {m: {i for i in imports(p) if i in modules and i != m} for m, p in modules.items()}
    # A package's __init__ importing its own modules is no cycle: the package is their folder.
    graph = {m: {i for i in targets if not i.startswith(m + ".")} for m, targets in graph.items()}
    cycles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
