"""Areas of the court's work, each declared once.

An area is one package under ``courtdesk/areas/`` (or any package named in an installed
distribution's ``courtdesk.areas`` entry point) whose ``__init__`` holds one :class:`Area`: its key and
Chinese title, the roles and settings it adds, its registers, document kinds, demo fillers and
dashboard items. The kernel, the CLI and the Qt client find everything through :func:`areas`; no list
grows when an area is added (anchors: Odoo addons, Tryton modules, Frappe apps).

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
    from courtdesk.kernel.models.people import Role, User
    from courtdesk.kernel.printing import DocumentKind
    from courtdesk.kernel.registers import DashboardItem, RegisterSpec
    from courtdesk.kernel.settings import SettingSpec

#: Packages whose sub-packages are areas.
AREA_PACKAGES: tuple[str, ...] = ("courtdesk.areas",)
#: Entry-point group under which other distributions may offer areas (an ``Area`` object).
ENTRY_POINT_GROUP = "courtdesk.areas"


@dataclass(frozen=True)
class Area:
    """One area of work. Everything it adds to the application is named here, once."""

    key: str
    title: str
    #: Position in the navigation and in the demo filling (lower first).
    order: int = 100
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
    #: Dashboard items that belong to no single register.
    dashboard: tuple[Callable[[Session, User], list[DashboardItem]], ...] = ()

    @property
    def group(self) -> str:
        return self.menu or self.title


_AREAS: dict[str, Area] = {}
_lock = threading.RLock()
_discovered = False


def install(area: Area) -> Area:
    """Make ``area`` part of the application (discovery calls this; tests may add a toy area)."""
    with _lock:
        known = _AREAS.get(area.key)
        if known is not None and known is not area:
            raise ValueError(f"two areas share the key {area.key!r}")
        _AREAS[area.key] = area
    return area


def uninstall(key: str) -> None:
    with _lock:
        _AREAS.pop(key, None)


def _area_modules() -> Iterator[Any]:
    for package_name in AREA_PACKAGES:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.ispkg:
                yield importlib.import_module(f"{package_name}.{info.name}")


def _entry_point_areas() -> Iterator[Any]:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        yield ep.load()


def discover() -> None:
    """Import every area package once and install its ``AREA``."""
    global _discovered
    with _lock:
        if _discovered:
            return
        for module in _area_modules():
            declared = getattr(module, "AREA", None)
            if isinstance(declared, Area):
                install(declared)
        for declared in _entry_point_areas():
            if isinstance(declared, Area):
                install(declared)
        _discovered = True


def areas() -> list[Area]:
    """Every area, in navigation order."""
    discover()
    with _lock:
        return sorted(_AREAS.values(), key=lambda a: (a.order, a.key))


def get(key: str) -> Area:
    discover()
    return _AREAS[key]
