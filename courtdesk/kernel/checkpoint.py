"""Checkpoints of the audit chain kept outside the database (留痕检查点).

A checkpoint is the chain's length and the hash of its last entry at one moment. Each entry's hash
covers every entry before it, so whoever holds a checkpoint can later prove that the first ``length``
entries in the database are still the ones that existed then: editing any of them — even
recomputing every hash after it — changes entry number ``length``'s hash.

Checkpoints are written by ``python -m courtdesk checkpoint``, beside every backup
(``<backup>.checkpoint.json``), in the footer of every printed 登记簿 (count and a short hash), and by
the app once a day into the folder of the ``checkpoint_dir`` setting. ``verify-audit --checkpoint``
checks a database against one. What this does and does not prove: docs/ARCHITECTURE.md, "Audit
trail and checkpoints".
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from courtdesk.kernel import clock
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.models.base import table_of
from courtdesk.kernel.models.infra import AuditEntry

if TYPE_CHECKING:
    from courtdesk.kernel.db.engine import Database

FORMAT = "courtdesk-audit-checkpoint/1"
SHORT = 12  # hex digits of the hash printed in a register's footer
KEYS_SHORT = 8  # hex digits of the signing keys' fingerprint printed there
_entry = table_of(AuditEntry)


@dataclass(frozen=True)
class Checkpoint:
    """The audit chain at one moment: ``length`` entries, the last one's hash ``head_hash``."""

    length: int
    head_hash: str
    last_id: int
    written_at: str
    db: str = ""
    #: The signing keys the chain knew then (:func:`courtdesk.kernel.audit.keys_fingerprint`): how
    #: many, their fingerprint, and the installation's public key (printed in full on every checkpoint).
    keys: int = 0
    keys_fingerprint: str = ""
    installation_key: str = ""

    @property
    def short(self) -> str:
        return self.head_hash[:SHORT]

    @property
    def keys_short(self) -> str:
        return self.keys_fingerprint[:KEYS_SHORT]

    def footer_text(self) -> str:
        """What a printed register carries: the entry count, a short hash, the key set's fingerprint."""
        text = f"留痕 {self.length} 条　校验码 {self.short}"
        return text + f"　密钥指纹 {self.keys_short}" if self.keys_fingerprint else text


def take(conn: Connection, db: str = "") -> Checkpoint:
    """The chain as it is now on ``conn`` (reads only)."""
    length = int(conn.execute(select(func.count()).select_from(_entry)).scalar_one())
    last = conn.execute(select(_entry.c.id, _entry.c.hash).order_by(_entry.c.id.desc()).limit(1)).one_or_none()
    last_id, head_hash = (int(last[0]), str(last[1])) if last is not None else (0, "0" * 64)
    from courtdesk.kernel import audit, signing

    n_keys, fingerprint, installation = 0, "", ""
    if signing.ready(conn):
        n_keys, fingerprint = audit.keys_fingerprint(audit.chain_keys(conn), last_id)
        installation = signing.installation_public(conn)
    return Checkpoint(length, head_hash, last_id, clock.now().isoformat(timespec="seconds"), db,
                      n_keys, fingerprint, installation)


def write(cp: Checkpoint, out: Path) -> Path:
    """Write ``cp`` as JSON to ``out`` (atomically: a half-written checkpoint never exists)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    data = {"format": FORMAT, **asdict(cp)}
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, out)
    finally:  # a failed write leaves no .part behind
        if tmp.exists():
            tmp.unlink()
    return out


def read(path: Path) -> Checkpoint:
    """Load a checkpoint file; a missing or malformed one is refused with a Chinese message."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"检查点文件：「{path}」不存在", field="检查点文件")
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("format")
        cp = Checkpoint(int(data["length"]), str(data["head_hash"]), int(data.get("last_id", 0)),
                        str(data.get("written_at", "")), str(data.get("db", "")),
                        int(data.get("keys", 0)), str(data.get("keys_fingerprint", "")),
                        str(data.get("installation_key", "")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise DomainError(f"检查点文件：「{path.name}」不是 CourtDesk 留痕检查点", field="检查点文件") from exc
    if cp.length < 0 or len(cp.head_hash) != 64:
        raise DomainError(f"检查点文件：「{path.name}」内容不完整", field="检查点文件")
    return cp


def default_dir(db: Database) -> Path:
    """Where daily checkpoints go unless the ``checkpoint_dir`` setting says otherwise: a
    ``checkpoints`` folder beside the SQLite file, or in the user data folder for a server database."""
    if db.path is not None:
        return db.path.parent / "checkpoints"
    from platformdirs import user_data_dir

    return Path(user_data_dir("CourtDesk", appauthor=False)) / "checkpoints"


def folder(db: Database) -> Path:
    """The ``checkpoint_dir`` setting, else this workstation's (``localconfig``), else :func:`default_dir`."""
    from courtdesk.kernel import settings

    with db.read() as s:
        configured = settings.get(s, "checkpoint_dir").strip()
    if configured:
        return Path(configured).expanduser()
    from courtdesk.kernel import localconfig

    local, _origin = localconfig.folder("checkpoint_dir")  # this workstation's own, when it has one
    return local if local is not None else default_dir(db)


def daily(db: Database) -> Path | None:
    """Write today's checkpoint (``courtdesk-checkpoint-YYYY-MM-DD.json``) into :func:`folder` unless
    it exists. Returns the file written, or None. An unreachable folder raises OSError."""
    target = folder(db) / f"courtdesk-checkpoint-{clock.today().isoformat()}.json"
    if target.exists():
        return None
    with db.read() as s:
        cp = take(s.connection(), str(db.path) if db.path is not None else _safe_url(db))
    return write(cp, target)


def _safe_url(db: Database) -> str:
    """The database URL without its password."""
    try:
        return db.engine.url.render_as_string(hide_password=True)
    except AttributeError:
        return ""


def daily_or_log(db: Database) -> Path | None:
    """:func:`daily` for start-up: an unreachable folder is logged, never stops the app."""
    try:
        return daily(db)
    except OSError as exc:
        logging.getLogger(__name__).warning("留痕检查点未能写入（%s）：%s", folder_or_none(db), exc)
        return None


def folder_or_none(db: Database) -> Path | None:
    try:
        return folder(db)
    except Exception:  # noqa: BLE001 — only for the log line
        return None
