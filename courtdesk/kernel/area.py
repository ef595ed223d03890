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

A command that works in one area (``render KIND ID``, ``print-register KEY``) need not import them all
(issue 21: discovery is most of a cold ``render``). A package of areas may hold an ``INDEX``: for each
area it holds (the sub-package named by the key), the names its ``documents`` and ``registers`` declare
and its ``migrations`` when not the default. :func:`declaring` uses it to import the one area that
declares a document kind or register (and the areas it depends on, :func:`load`), and
:func:`branches` to name every area's schema branch without importing any. The index is only a hint:
what an area declares is still read from its ``AREA`` (a name the index puts in the wrong area falls
back to full discovery), and a test compares the index with full discovery, so it cannot drift.
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


# --- one area at a time (see the module's docstring) --------------------------------------------------

#: The attribute of an area package (``courtdesk.areas``) holding its index: ``{key: {"documents":
#: (kind names…), "registers": (register keys…), "migrations": "folder" (only when not the default)}}``.
INDEX_ATTRIBUTE = "INDEX"
#: The attribute that names a declared item, per field of :class:`Area` the index lists.
_NAMED_BY = {"documents": "name", "registers": "key"}


def _index() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every indexed area: key → (its module, its index entry). A package with a sub-package its
    index does not name (an area added without its line) is not trusted: its areas are discovered."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for package_name in AREA_PACKAGES:
        package = importlib.import_module(package_name)
        entries = dict(getattr(package, INDEX_ATTRIBUTE, None) or {})
        folders = {info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg}
        if not entries or folders != set(entries):
            return {}
        for key, entry in entries.items():
            found.setdefault(key, (f"{package_name}.{key}", dict(entry)))
    return found


def index() -> dict[str, dict[str, Any]]:
    """The indexes of the area packages, merged: key → what the index says the area declares."""
    return {key: entry for key, (_module, entry) in _index().items()}


def installed() -> list[Area]:
    """The areas installed so far, in navigation order, without importing any other (after
    :func:`load` only those it loaded; after discovery all)."""
    with _lock:
        return sorted(_AREAS.values(), key=_nav)


def load(key: str) -> Area:
    """Area ``key`` with the areas it depends on, imported and installed without importing the
    others when the index knows where they are; full discovery otherwise (KeyError: no such area)."""
    with _lock:
        known = _AREAS.get(key)
        if known is not None:
            return known
        where = None if _discovered else _index().get(key)
        declared = getattr(importlib.import_module(where[0]), "AREA", None) if where else None
        if not isinstance(declared, Area) or declared.key != key:
            discover()
            return _AREAS[key]
        for dependency in declared.depends:
            load(dependency)
        return install(declared, where[0])  # type: ignore[index]


def declaring(field: str, name: str) -> Area | None:
    """The area whose ``field`` (``"documents"``: a kind's name, ``"registers"``: a register's key)
    declares ``name``, importing only that area (and those it depends on) when the index names it;
    None when no area declares it (every area was looked at)."""
    attribute = _NAMED_BY[field]

    def among(candidates: Iterator[Area] | list[Area]) -> Area | None:
        return next((a for a in candidates if any(getattr(item, attribute) == name for item in getattr(a, field))),
                    None)

    with _lock:
        found = among(list(_AREAS.values()))
        if found is None and not _discovered:
            keys = [key for key, (_module, entry) in _index().items() if name in entry.get(field, ())]
            found = among(load(key) for key in keys)
        if found is None:
            discover()
            found = among(list(_AREAS.values()))
        return found


def branches() -> list[tuple[str, str]]:
    """Every area's schema branch, ``(key, migrations)`` (see :class:`Area`), in key order, without
    importing the indexed areas: those the index names, and the areas of entry points (loaded)."""
    with _lock:
        indexed = {} if _discovered else _index()
        if not indexed:
            discover()
            return sorted((a.key, a.migrations) for a in _AREAS.values())
        found = {key: str(entry.get("migrations", "")) for key, (_module, entry) in indexed.items()}
        for _module_name, declared in _entry_point_areas():
            if isinstance(declared, Area):
                found.setdefault(declared.key, declared.migrations)
        for key, declared in _AREAS.items():  # installed by hand (a toy area of a test)
            found.setdefault(key, declared.migrations)
        return sorted(found.items())


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
