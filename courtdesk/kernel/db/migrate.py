"""Schema upgrades at start-up (alembic versions in ``database/``).

Rules: a database newer than the app is refused with a clear message; an existing SQLite file is
backed up before any upgrade; on SQLite foreign keys are switched off for the migration (batch mode
re-creates tables, and cascades would delete child rows) and ``PRAGMA foreign_key_check`` must come
back empty before the upgrade commits.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

import database
from courtdesk.kernel import clock
from courtdesk.kernel.db.backup import backup_sqlite
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(database.__file__).resolve().parent

#: The newest revision in database/versions. Start-up compares the database with it and skips
#: alembic altogether when they match (alembic's import alone costs ~130 ms); a test keeps this
#: constant equal to alembic's own view of the script directory.
SCHEMA_HEAD = "0014"


def is_current(db: Database) -> bool:
    """True when the database is exactly at :data:`SCHEMA_HEAD` (cheap: one query, no alembic)."""
    with db.engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
        except DBAPIError:
            conn.rollback()
            return False
        conn.rollback()
    return {r[0] for r in rows} == {SCHEMA_HEAD}


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    return cfg


def script_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(db: Database) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        revs = set(MigrationContext.configure(conn).get_current_heads())
        conn.rollback()
    return revs


def check_not_newer(db: Database) -> set[str]:
    from alembic.script import ScriptDirectory

    current = current_revisions(db)
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = current - known
    if unknown:
        raise SchemaError(
            f"数据库的结构版本（{', '.join(sorted(unknown))}）比本程序新，"
            "本程序无法安全打开它。请先升级 CourtDesk，或联系系统管理员。",
            field="数据库",
        )
    return current


def upgrade(db: Database, *, target: str = "heads", backup_dir: Path | None = None) -> Path | None:
    """Bring ``db`` to ``target``. Returns the backup file made before upgrading, if any."""
    from alembic import command

    if target == "heads" and is_current(db):
        return None
    current = check_not_newer(db)
    if target == "heads" and current == script_heads():
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
