"""What the Qt client remembers per user on this workstation (QSettings, an INI file in the user's
configuration folder): the main window's size and position, and per register the column widths,
the sort order and the width of the detail panel.

Keys live under ``users/<login name>/``, so two clerks sharing a workstation each get their own
layout. Nothing here is court data: losing the file only resets the layout.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings


def store() -> QSettings:
    """The settings file (INI format on every platform, so tests can point it at a folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "CourtDesk", "CourtDesk")


def _key(user: Any, name: str) -> str:
    return f"users/{getattr(user, 'username', '') or 'anonymous'}/{name}"


def load_bytes(user: Any, name: str) -> QByteArray | None:
    value = store().value(_key(user, name))
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_bytes(user: Any, name: str, value: QByteArray) -> None:
    settings = store()
    settings.setValue(_key(user, name), value)
    settings.sync()


def load_int(user: Any, name: str, default: int) -> int:
    value = store().value(_key(user, name))
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def save_int(user: Any, name: str, value: int) -> None:
    settings = store()
    settings.setValue(_key(user, name), int(value))
    settings.sync()


def load_text(user: Any, name: str, default: str = "") -> str:
    value = store().value(_key(user, name))
    return value if isinstance(value, str) and value else default


def save_text(user: Any, name: str, value: str) -> None:
    settings = store()
    settings.setValue(_key(user, name), str(value))
    settings.sync()
