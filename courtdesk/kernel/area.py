"""Areas of the court's work, each declared once.

An area is one package under ``courtdesk/areas/`` (or any package named in an installed
distribution's ``courtdesk.areas`` entry point) whose ``__init__`` holds one :class:`Area`: its key and
Chinese title, the areas it builds on, the roles and settings it adds, its registers, document kinds,
demo fillers, first-run setup steps and dashboard items. The kernel, the CLI and the Qt client find
everything through :func:`areas`; no list grows when an area is added (anchors: Odoo addons and their ``depends``, Tryton
modules, Frappe apps).

An area names the areas it builds on (``depends``; the kernel is always there). Discovery checks them:
an unknown one or a circle is refused with :class:`AreaError`, naming the areas. :func:`in_dependency_order`
lists the areas so that each comes after those it depends on; the migrations runner and the demo use it.
An area's schema lives on its own alembic branch (``database/versions/<key>/``, or the folder its
``migrations`` names — an area offered by another distribution keeps its migrations in its package).

This module sits at the bottom of the kernel: it imports nothing of the kernel at run time, so every
mechanism (registers, documents, settings, demo) can ask it for the areas without an import circle.
Areas are discovered on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from courtdesk.kernel.demo import BulkFiller, Filler
    from courtdesk.kernel.firstrun import SetupStep
    from courtdesk.kernel.models.people import Role, User
    from courtdesk.kernel.printing import DocumentKind
    from courtdesk.kernel.registers import DashboardItem, RegisterSpec
    from courtdesk.kernel.settings import SettingSpec

#: Packages whose sub-packages are areas.
AREA_PACKAGES: tuple[str, ...] = ("courtdesk.areas",)
#: Entry-point group under which other distributions may offer areas (an ``Area`` object).
ENTRY_POINT_GROUP = "courtdesk.areas"


class AreaError(Exception):
    """The installed areas do not fit together (an unknown dependency, a circle, a key used twice)."""


@dataclass(frozen=True)
class Area:
    """One area of work. Everything it adds to the application is named here, once."""

    key: str
    title: str
    #: Position in the navigation and in the demo filling (lower first).
    order: int = 100
    #: The keys of the areas this one builds on (their roles, models, tables); the kernel is implied.
    depends: tuple[str, ...] = ()
    #: The folder of the area's alembic versions, when it is not ``database/versions/<key>/`` (an area
    #: from another distribution: a folder inside its own package).
    migrations: str = ""
    #: The navigation group the area's registers appear under (defaults to ``title``); two small
    #: areas may share one group.
    menu: str = ""
    roles: tuple[Role, ...] = ()
    settings: tuple[SettingSpec, ...] = ()
    registers: tuple[RegisterSpec, ...] = ()
    documents: tuple[DocumentKind, ...] = ()
    #: Demo fillers: realistic records through the services (see courtdesk.kernel.demo).
    demo: tuple[Filler, ...] = ()
    #: Bulk fillers for scale benchmarks (``demo-data --rows N``).
    bulk_demo: tuple[BulkFiller, ...] = ()
    #: What a new database asks the court at its first run (courtdesk.kernel.firstrun): one page each.
    setup: tuple[SetupStep, ...] = ()
    #: Dashboard items that belong to no single register.
    dashboard: tuple[Callable[[Session, User], list[DashboardItem]], ...] = ()

    @property
    def group(self) -> str:
        return self.menu or self.title


_AREAS: dict[str, Area] = {}
#: The module each area was declared in (``courtdesk.areas.finance``; an entry point's module).
_MODULES: dict[str, str] = {}
_lock = threading.RLock()
_discovered = False


def install(area: Area, module: str = "") -> Area:
    """Make ``area`` part of the application (discovery calls this; tests may add a toy area).
    Installed after discovery, the areas it depends on must be there already."""
    with _lock:
        known = _AREAS.get(area.key)
        if known is not None and known is not area:
            raise AreaError(f"两个业务区域使用同一个标识「{area.key}」（{known.title}、{area.title}）")
        if _discovered:
            dependency_order([*_AREAS.values(), area])
        _AREAS[area.key] = area
        _MODULES[area.key] = module or _MODULES.get(area.key, "")
    return area


def uninstall(key: str) -> None:
    with _lock:
        _AREAS.pop(key, None)
        _MODULES.pop(key, None)


def module_of(key: str) -> str:
    """The module that declared area ``key`` ('' for an area installed by hand)."""
    discover()
    return _MODULES.get(key, "")


def dependency_order(areas: list[Area] | tuple[Area, ...]) -> list[Area]:
    """``areas`` so that each comes after every area it depends on (ties: navigation order).
    Raises :class:`AreaError` for a dependency on an area that is not there, or a circle."""
    by_key = {a.key: a for a in areas}
    for a in sorted(areas, key=_nav):
        missing = [d for d in a.depends if d not in by_key]
        if missing:
            raise AreaError(f"业务区域「{a.key}」（{a.title}）依赖的区域「{'、'.join(missing)}」没有安装")
    placed: list[Area] = []
    done: set[str] = set()
    visiting: list[str] = []

    def visit(a: Area) -> None:
        if a.key in done:
            return
        if a.key in visiting:
            circle = [*visiting[visiting.index(a.key):], a.key]
            raise AreaError(f"业务区域之间的依赖成环：{' → '.join(circle)}，请改正其中一个区域的 depends")
        visiting.append(a.key)
        for dep in sorted((by_key[d] for d in a.depends), key=_nav):
            visit(dep)
        visiting.pop()
        done.add(a.key)
        placed.append(a)

    for a in sorted(areas, key=_nav):
        visit(a)
    return placed


def _nav(a: Area) -> tuple[int, str]:
    return (a.order, a.key)


def _area_modules() -> Iterator[Any]:
    for package_name in AREA_PACKAGES:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.ispkg:
                yield importlib.import_module(f"{package_name}.{info.name}")


def _entry_point_areas() -> Iterator[tuple[str, Any]]:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        yield ep.module, ep.load()


def discover() -> None:
    """Import every area package once and install its ``AREA``; refuse areas that do not fit
    together (:class:`AreaError`: an unknown dependency, a circle, a key used twice)."""
    global _discovered
    with _lock:
        if _discovered:
            return
        found: list[tuple[Area, str]] = []
        for module in _area_modules():
            declared = getattr(module, "AREA", None)
            if isinstance(declared, Area):
                found.append((declared, module.__name__))
        for module_name, declared in _entry_point_areas():
            if isinstance(declared, Area):
                found.append((declared, module_name))
        for declared, module_name in found:
            install(declared, module_name)
        dependency_order(list(_AREAS.values()))
        _discovered = True


def areas() -> list[Area]:
    """Every area, in navigation order."""
    discover()
    with _lock:
        return sorted(_AREAS.values(), key=_nav)


def in_dependency_order() -> list[Area]:
    """Every area, each after the areas it depends on (navigation order where that leaves a choice)."""
    discover()
    with _lock:
        return dependency_order(list(_AREAS.values()))


def get(key: str) -> Area:
    discover()
    return _AREAS[key]
