"""The architecture as a contract: the kernel knows no area, the Qt client names no area, nothing
imports in a circle, and benchmark and test-support code stay out of the product.

Imports are read from the source (every ``import`` statement, also those inside functions, except
``if TYPE_CHECKING:`` blocks, which never run)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("courtdesk", "ui")
#: The words issue 7 lists: an area's names must not appear in the kernel or the Qt client.
AREA_WORDS = re.compile(
    r"seal_use|SealUse|introduction_letter|IntroductionLetter|investigation_letter|InvestigationLetter"
    r"|[Ss]eizure|enforcement|用印|介绍信|调查函|查封"
)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            stack.append(child)


def _package_of(module: str) -> str:
    path = MODULES[module]
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imports_of(module: str) -> set[str]:
    """The project modules ``module`` imports (``from a import b`` counts ``a.b`` when b is a module)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                package = _package_of(module).split(".")
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        out.update(t for t in targets if t in MODULES and t != module)
    return out


GRAPH = {m: imports_of(m) for m in MODULES}


def test_the_kernel_imports_no_area_and_nothing_above_it():
    offenders = sorted(
        f"{m} → {t}" for m, targets in GRAPH.items() if m.startswith("courtdesk.kernel")
        for t in targets if not t.startswith("courtdesk.kernel")
    )
    assert offenders == []


def test_the_qt_client_imports_no_area():
    offenders = sorted(f"{m} → {t}" for m, targets in GRAPH.items() if m.split(".")[0] == "ui"
                       for t in targets if t.startswith("courtdesk.areas"))
    assert offenders == []


def test_the_kernel_and_the_qt_client_name_no_area():
    offenders = []
    for module, path in MODULES.items():
        if module.startswith("courtdesk.kernel") or module.split(".")[0] == "ui":
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if AREA_WORDS.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def circles_in(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle: Tarjan's strongly connected components of two or more modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_another_in_a_circle():
    assert circles_in(GRAPH) == []


def test_the_circle_finder_finds_a_circle_it_is_given():
    """The contract above would pass on a finder that finds nothing: give it the former
    cli → commands → cli circle, and a longer one through the kernel, among acyclic imports."""
    graph = {m: set(t) for m, t in GRAPH.items()}
    graph["courtdesk.commands"] = graph.get("courtdesk.commands", set()) | {"courtdesk.cli"}
    graph["courtdesk.cli"] = graph.get("courtdesk.cli", set()) | {"courtdesk.commands"}
    graph["courtdesk.kernel.registers"] = graph["courtdesk.kernel.registers"] | {"courtdesk.kernel.printing"}
    found = circles_in(graph)
    assert ["courtdesk.cli", "courtdesk.commands"] in found
    assert any({"courtdesk.kernel.printing", "courtdesk.kernel.registers"} <= set(c) for c in found)


def test_benchmark_and_test_support_code_stay_out_of_the_product():
    product = [m for m in MODULES if not m.startswith("courtdesk.bench") and m not in ("courtdesk.cli",)]
    offenders = sorted(f"{m} → {t}" for m in product for t in GRAPH[m] if t.startswith("courtdesk.bench"))
    assert offenders == []
    assert not any(m.startswith("tests") for targets in GRAPH.values() for m in targets)
    assert not (ROOT / "courtdesk" / "kernel" / "documents" / "readback.py").exists()


def test_the_import_graph_sees_real_imports():
    """The checker itself reads imports (else every contract above would pass on an empty graph)."""
    assert "courtdesk.kernel.registers" in GRAPH["courtdesk.kernel.printing"] or \
        "courtdesk.kernel.registers" in GRAPH["courtdesk.kernel.exporting"]
    assert imports_of("courtdesk.areas.seals") >= {"courtdesk.kernel.area", "courtdesk.areas.seals.service"}
