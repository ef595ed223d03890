"""Areas name the areas they build on (Odoo's ``depends``): discovery orders by them and refuses an
unknown dependency or a circle with words that name the areas."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from courtdesk.kernel import area
from courtdesk.kernel.area import Area, AreaError, dependency_order

ROOT = Path(__file__).resolve().parents[2]


def _area(key: str, *depends: str, order: int = 100) -> Area:
    return Area(key=key, title=f"区域{key}", order=order, depends=depends)


def test_an_area_comes_after_the_areas_it_depends_on_whatever_its_order():
    base, middle, top = _area("base", order=50), _area("middle", "base", order=1), _area("top", "middle", order=0)
    other = _area("other", order=10)
    assert [a.key for a in dependency_order([top, other, middle, base])] == ["base", "middle", "top", "other"]


def test_a_circle_is_refused_naming_it():
    with pytest.raises(AreaError, match="依赖成环：a → b → c → a"):
        dependency_order([_area("a", "b"), _area("b", "c"), _area("c", "a")])
    with pytest.raises(AreaError, match="成环：self → self"):
        dependency_order([_area("self", "self")])


def test_a_dependency_on_an_area_that_is_not_there_is_refused():
    with pytest.raises(AreaError, match="「lonely」.*依赖的区域「nowhere」没有安装"):
        dependency_order([_area("lonely", "nowhere")])


def test_installing_an_area_whose_dependency_is_missing_is_refused():
    area.discover()
    with pytest.raises(AreaError, match="没有安装"):
        area.install(_area("orphan", "nowhere"))
    assert "orphan" not in {a.key for a in area.areas()}


def test_the_installed_areas_fit_together():
    ordered = [a.key for a in area.in_dependency_order()]
    assert sorted(ordered) == sorted(a.key for a in area.areas())
    for declared in area.areas():
        for dep in declared.depends:
            assert ordered.index(dep) < ordered.index(declared.key), (declared.key, dep)


def _imported_areas(package: Path) -> set[str]:
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                parts = name.split(".")
                if parts[:2] == ["courtdesk", "areas"] and len(parts) > 2:
                    found.add(parts[2])
    return found


def test_an_area_imports_only_areas_it_depends_on():
    """What an area's code uses of another area is declared: ``depends`` (directly or through an area
    it depends on) names every area it imports."""
    for declared in area.areas():
        module = area.module_of(declared.key)
        if not module.startswith("courtdesk.areas."):
            continue
        reach: set[str] = set()
        todo = [declared.key]
        while todo:
            key = todo.pop()
            if key not in reach:
                reach.add(key)
                todo.extend(area.get(key).depends)
        used = _imported_areas(ROOT / Path(*module.split(".")))
        assert used <= reach, f"{declared.key} imports {sorted(used - reach)} but does not depend on them"
