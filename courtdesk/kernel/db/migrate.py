"""Schema upgrades at start-up (alembic versions, one branch per area).

Each area keeps its migrations on its own alembic branch, labelled with its key: a folder
``database/versions/<key>/`` (or the folder the area's ``migrations`` names, for an area offered by
another distribution), the kernel's own tables on the branch ``kernel`` (``database/versions/kernel/``).
An area's first migration ``depends_on`` the revisions of the kernel and of the areas it builds on. The
schema's head is whatever the branches' heads are — no constant names it.

Start-up must stay cheap: :func:`history` reads the ``revision``/``down_revision``/``depends_on`` lines of
the version files without importing alembic (~130 ms), and :func:`is_current` compares the database
with it in one query. Alembic itself is imported only when there is something to upgrade.

Rules: a database newer than the app (a revision it does not know) is refused with a clear message; an
existing SQLite file is backed up before any upgrade; on SQLite foreign keys are switched off for the
migration (batch mode re-creates tables, and cascades would delete child rows) and ``PRAGMA
foreign_key_check`` must come back empty before the upgrade commits.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

import database
from courtdesk.kernel import area, clock
from courtdesk.kernel.db.backup import backup_sqlite
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(database.__file__).resolve().parent
#: The folder holding one sub-folder of versions per branch (the kernel's and each area's).
VERSIONS = SCRIPT_LOCATION / "versions"
#: The branch of the kernel's own tables (people, audit, counters, workflow steps, settings …).
KERNEL = "kernel"


def branch_folder(key: str) -> Path:
    """Where the versions of branch ``key`` (the kernel or an area) live."""
    return _folder(key, area.get(key).migrations if key != KERNEL else "")


def _folder(key: str, migrations: str) -> Path:
    return Path(migrations).resolve() if migrations else VERSIONS / key


def version_folders() -> list[Path]:
    """The kernel's folder and the folder of every installed area that has migrations (named by
    :func:`courtdesk.kernel.area.branches`: no area is imported for it)."""
    return list(_folders(VERSIONS, tuple(area.branches())))


@lru_cache(maxsize=8)
def _folders(versions: Path, areas: tuple[tuple[str, str], ...]) -> tuple[Path, ...]:
    found = [f for f in (_folder(key, migrations) for key, migrations in areas) if f.is_dir()]
    return (_folder(KERNEL, ""), *found)


# --- the history as the version files tell it (no alembic) ------------------------------------------

@dataclass(frozen=True)
class Revision:
    id: str
    down: tuple[str, ...]
    depends: tuple[str, ...]
    labels: tuple[str, ...]
    path: Path


_ASSIGNMENT = re.compile(r"^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=\n]*)?=\s*(.+?)\s*$",
                         re.MULTILINE)


def _ids(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(value)


def _read_revision(path: Path) -> Revision:
    found: dict[str, object] = {}
    source = path.read_text(encoding="utf-8")
    header = source[:source.find("\ndef ")] if "\ndef " in source else source  # the assignments come first
    for name, text in _ASSIGNMENT.findall(header):
        if name in found:
            continue
        try:
            found[name] = ast.literal_eval(text)
        except (ValueError, SyntaxError) as exc:
            raise SchemaError(f"结构版本文件「{path}」：{name} 应写成一行文字（{text}）", field="数据库") from exc
    try:
        (rev,) = _ids(found["revision"])
        return Revision(rev, _ids(found.get("down_revision")), _ids(found.get("depends_on")),
                        _ids(found.get("branch_labels")), path)
    except (KeyError, ValueError) as exc:
        raise SchemaError(f"结构版本文件「{path}」：读不出 revision/down_revision/depends_on", field="数据库") from exc


@dataclass(frozen=True)
class History:
    """Every revision of the installed branches, read from the version files."""

    revisions: dict[str, Revision]

    def parents(self, rev: str) -> tuple[str, ...]:
        r = self.revisions[rev]
        return r.down + r.depends

    def heads(self) -> set[str]:
        """The revisions nothing builds on: what ``alembic_version`` holds once everything is applied."""
        used = {p for r in self.revisions for p in self.parents(r)}
        return set(self.revisions) - used

    def unknown(self, stamped: Iterable[str]) -> set[str]:
        """Revisions a database holds that this program does not know (a newer program wrote them)."""
        return set(stamped) - set(self.revisions)

    def applied(self, stamped: Iterable[str]) -> set[str]:
        """Every revision a database stamped ``stamped`` has: those and all they build on."""
        seen: set[str] = set()
        todo = [s for s in stamped if s in self.revisions]
        while todo:
            rev = todo.pop()
            if rev not in seen:
                seen.add(rev)
                todo.extend(self.parents(rev))
        return seen

    def pending(self, stamped: Iterable[str]) -> set[str]:
        return set(self.revisions) - self.applied(stamped)

    def branch(self, rev: str) -> str:
        """The branch (label) a revision is on: the label of the base its ``down_revision`` leads to."""
        r = self.revisions[rev]
        while not r.labels and r.down:
            r = self.revisions[r.down[0]]
        return r.labels[0] if r.labels else ""

    def branch_heads(self, label: str) -> list[str]:
        """The heads of one branch (one, unless two migrations were written on it side by side)."""
        members = {rev for rev in self.revisions if self.branch(rev) == label}
        downs = {d for rev in members for d in self.revisions[rev].down}
        return sorted(members - downs)


def history() -> History:
    return _history(tuple(version_folders()))


@lru_cache(maxsize=8)
def _history(folders: tuple[Path, ...]) -> History:
    revisions: dict[str, Revision] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.py")):
            if path.name == "__init__.py":
                continue
            rev = _read_revision(path)
            if rev.id in revisions:
                raise SchemaError(f"结构版本 {rev.id} 出现两次：「{revisions[rev.id].path}」和「{path}」",
                                  field="数据库")
            revisions[rev.id] = rev
    return History(revisions)


def forget_history() -> None:
    """Read the version files again on the next question (after a migration was written)."""
    _folders.cache_clear()
    _history.cache_clear()


def heads() -> set[str]:
    """The schema's heads: what an up-to-date database is stamped with."""
    return history().heads()


def describe_heads() -> str:
    return ", ".join(sorted(heads()))


# --- the database ----------------------------------------------------------------------------------

def current_revisions(db: Database) -> set[str]:
    """What ``alembic_version`` holds (empty for a new database)."""
    with db.engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
        except DBAPIError:
            rows = []
        conn.rollback()
    return {str(r[0]) for r in rows}


def is_current(db: Database) -> bool:
    """True when the database has every revision and none this program does not know (cheap: one
    query and the version files' text, no alembic)."""
    stamped = current_revisions(db)
    hist = history()
    return bool(stamped) and not hist.unknown(stamped) and not hist.pending(stamped)


def check_current(db: Database) -> None:
    """Refuse a database whose schema is not exactly this program's (a command that only reads
    neither upgrades nor creates): newer, older, or not a CourtDesk database yet — each in one sentence."""
    stamped = check_not_newer(db)
    if not stamped:
        raise SchemaError("数据库还没有建立 CourtDesk 的表（没有结构版本），请先运行 init 创建，或换用正确的数据库文件",
                          field="数据库")
    pending = history().pending(stamped)
    if pending:
        raise SchemaError(
            f"数据库的结构版本比本程序旧（缺少 {len(pending)} 个结构版本），只读命令不升级数据库。"
            "请先运行 init 升级（升级前自动备份），或用客户端打开一次后再试。",
            field="数据库",
        )


def check_not_newer(db: Database) -> set[str]:
    current = current_revisions(db)
    unknown = history().unknown(current)
    if unknown:
        raise SchemaError(
            f"数据库的结构版本（{', '.join(sorted(unknown))}）比本程序新，"
            "本程序无法安全打开它。请先升级 CourtDesk，或联系系统管理员。",
            field="数据库",
        )
    return current


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(f) for f in version_folders()))
    return cfg


def upgrade(db: Database, *, target: str = "heads", backup_dir: Path | None = None) -> Path | None:
    """Bring ``db`` to ``target``. Returns the backup file made before upgrading, if any."""
    from alembic import command

    if target == "heads" and is_current(db):
        return None
    current = check_not_newer(db)
    if target == "heads" and current and not history().pending(current):
        return None
    backup: Path | None = None
    path = db.path
    if current and path is not None and path.exists():
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.parent
        backup = folder / f"{path.stem}.before-upgrade-{'-'.join(sorted(current))}-{stamp}.bak"
        backup_sqlite(db, backup)
    cfg = alembic_config()
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
            if db.dialect == "sqlite":
                _check_foreign_keys(conn)
            conn.commit()
        finally:
            if db.dialect == "sqlite":
                conn.rollback()
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    return backup


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        conn.rollback()
        tables = sorted({row[0] for row in broken})
        raise SchemaError(f"升级后发现外键不一致（表：{'、'.join(tables)}），已撤销升级", field="数据库")
