"""This workstation's own settings (本机设置 / 本用户设置): where the database is, and the folders.

They cannot live in the database, since one of them says where the database is. Two INI files, both
optional, both the same shape::

    [courtdesk]
    database = D:\\法院\\courtdesk.sqlite3          ; or postgresql+psycopg://courtdesk@10.1.1.5:5432/courtdesk
    checkpoint_dir = \\\\server\\share\\checkpoints   ; 留痕检查点文件夹
    backup_dir = E:\\备份                            ; 每日备份文件夹
    files_dir = D:\\文书                             ; 生成文件保存文件夹 (the save dialogs' first folder)
    locked = yes                                    ; machine file only, see below

- **本用户设置** ``user_config_dir("CourtDesk")/courtdesk.ini`` (Linux ``~/.config/CourtDesk``, Windows
  ``%LOCALAPPDATA%\\CourtDesk``): this person on this machine.
- **本机设置** ``site_config_dir("CourtDesk")/courtdesk.ini`` (Linux ``/etc/xdg/CourtDesk``, Windows
  ``C:\\ProgramData\\CourtDesk``): every person on this machine; written by the machine's administrator.

One rule per key: the user's file wins over the machine's, unless the machine file says ``locked = yes``
— then every key the machine file sets is fixed for all its users (a shared workstation whose database
nobody may point elsewhere); keys it leaves out stay each user's. For the database the whole order is
``--db`` > ``COURTDESK_DB_URL`` > these files > the per-user default file.

The PostgreSQL password is never written into either file: it goes into ``pgpass`` beside the user's
file, in libpq's own password-file format, created with mode 0600 (on Windows the folder is private to
the user). The URL the program builds names that file (``?passfile=``), so libpq reads the password
itself — and libpq ignores a password file others can read, so a loosened file fails loudly instead of
leaking quietly. Writes go to a temporary file renamed over the old one; a refused value leaves the
file as it was.
"""

from __future__ import annotations

import configparser
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import site_config_dir, user_config_dir

from courtdesk.kernel.errors import DomainError, ValidationError

APP = "CourtDesk"
FILE_NAME = "courtdesk.ini"
PASSFILE_NAME = "pgpass"
SECTION = "courtdesk"
ENV_URL = "COURTDESK_DB_URL"  # the same name as the engine's (kept here so the engine can import us)

#: The keys, with the words the settings page and every refusal use.
LABELS: dict[str, str] = {
    "database": "数据库",
    "checkpoint_dir": "留痕检查点文件夹",
    "backup_dir": "每日备份文件夹",
    "files_dir": "生成文件保存文件夹",
}
KEYS = tuple(LABELS)
FOLDER_KEYS = ("checkpoint_dir", "backup_dir", "files_dir")

# Where a value came from, as the page says it.
COMMAND_LINE = "命令行"
ENVIRONMENT = "环境变量"
MACHINE = "本机设置"
USER = "本用户设置"
DEFAULT = "默认"
DATABASE_SETTING = "法院设置（数据库内）"

SCOPES = {"user": USER, "machine": MACHINE}
PG_DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_S = 5


# --- the files --------------------------------------------------------------------------------------

def user_file() -> Path:
    return Path(user_config_dir(APP, appauthor=False)) / FILE_NAME


def machine_file() -> Path:
    return Path(site_config_dir(APP, appauthor=False)) / FILE_NAME


def passfile() -> Path:
    """The user's PostgreSQL password file (libpq's format, mode 0600)."""
    return Path(user_config_dir(APP, appauthor=False)) / PASSFILE_NAME


def _file_of(scope: str) -> Path:
    return machine_file() if scope == "machine" else user_file()


def read_file(path: Path) -> dict[str, str]:
    """The known keys a file sets (empty values left out; no file: nothing). A file that is not INI
    is refused with its path, so nobody works on the default database believing it is theirs."""
    if not path.is_file():
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise DomainError(f"设置文件「{path}」格式有误，无法读取：{exc}", field="设置文件") from exc
    if not parser.has_section(SECTION):
        return {}
    return {k: v.strip() for k, v in parser.items(SECTION) if (k in KEYS or k == "locked") and v.strip()}


@dataclass(frozen=True)
class Layers:
    """Both files as read: the machine's values, whether it locks them, the user's values."""

    machine: dict[str, str]
    locked: bool
    user: dict[str, str]

    def value(self, key: str) -> tuple[str, str]:
        """``(value, origin)`` of ``key`` by the rule above; ``("", DEFAULT)`` when neither sets it."""
        if self.locked and key in self.machine:
            return self.machine[key], MACHINE
        if key in self.user:
            return self.user[key], USER
        if key in self.machine:
            return self.machine[key], MACHINE
        return "", DEFAULT

    def fixed(self, key: str) -> bool:
        """True when the machine file locks ``key``: the user's own value would not count."""
        return self.locked and key in self.machine


def load() -> Layers:
    machine = read_file(machine_file())
    locked = machine.pop("locked", "").lower() in ("1", "yes", "true", "on", "是")
    user = read_file(user_file())
    user.pop("locked", None)
    return Layers(machine, locked, user)


def value(key: str) -> tuple[str, str]:
    return load().value(key)


def folder(key: str) -> tuple[Path | None, str]:
    """A folder key's path and origin (None: not configured here)."""
    text, origin = value(key)
    return (Path(text).expanduser(), origin) if text else (None, origin)


# --- the database, end to end ------------------------------------------------------------------------

def with_passfile(url: str) -> str:
    """A PostgreSQL URL without a password gets ``passfile=`` the user's password file, when it exists."""
    from sqlalchemy.engine import make_url

    if not url.startswith("postgresql"):
        return url
    parsed = make_url(url)
    if parsed.password or "passfile" in parsed.query or not passfile().is_file():
        return url
    return parsed.update_query_dict({"passfile": str(passfile())}).render_as_string(hide_password=False)


def database(cli: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """``(path or URL, origin)``: ``--db`` > ``COURTDESK_DB_URL`` > the files > ``("", DEFAULT)``."""
    if cli is not None and os.fspath(cli):
        return os.fspath(cli), COMMAND_LINE
    env = os.environ.get(ENV_URL)
    if env:
        return env, ENVIRONMENT
    text, origin = value("database")
    return (with_passfile(text) if "://" in text else text), origin


def describe_url(url: str) -> str:
    """What the page shows for a database: the file, or server, port, database and user (no password)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 — shown as given (a plain path)
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    port = f":{parsed.port}" if parsed.port else ""
    user = f"，用户 {parsed.username}" if parsed.username else ""
    return f"服务器 {parsed.host or '本机'}{port}，数据库 {parsed.database}{user}"


# --- checking and writing ---------------------------------------------------------------------------

def _refuse(key: str, message: str, rule: str) -> ValidationError:
    return ValidationError(f"{LABELS[key]}：{message}", field=LABELS[key], rule=rule)


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def check_value(key: str, text: str) -> ValidationError | None:
    """The refusal of ``text`` for ``key`` (None: fine; empty is always fine — the default then)."""
    from sqlalchemy.engine import make_url

    text = text.strip()
    if not text:
        return None
    if key == "database" and "://" in text:
        try:
            parsed = make_url(text)
        except Exception:  # noqa: BLE001 — any unparsable URL
            return _refuse(key, f"「{text}」不是有效的数据库地址", "地址格式")
        backend = parsed.get_backend_name()
        if backend == "postgresql":
            if parsed.password:
                return _refuse(key, "密码不写进设置文件：请在「密码」栏填写（存入仅本用户可读的密码文件）", "不存密码")
            if not parsed.host or not parsed.database:
                return _refuse(key, "服务器地址和数据库名都须填写", "必填")
            return None
        if backend != "sqlite" or not parsed.database:
            return _refuse(key, "只支持 SQLite 文件或 PostgreSQL 服务器", "数据库种类")
        text = parsed.database
    path = Path(text).expanduser()
    if not path.is_absolute():
        return _refuse(key, f"「{text}」须为完整路径（从盘符或根目录写起）", "完整路径")
    if key == "database":
        if path.is_dir():
            return _refuse(key, f"「{path}」是文件夹，请写出数据库文件名", "须为文件")
        if not path.parent.is_dir():
            return _refuse(key, f"所在文件夹「{path.parent}」不存在", "文件夹须存在")
        if not _writable_dir(path.parent) or (path.exists() and not os.access(path, os.W_OK)):
            return _refuse(key, f"所在文件夹「{path.parent}」不可写", "须可写")
        return None
    if not path.is_dir():
        return _refuse(key, f"文件夹「{path}」不存在", "文件夹须存在")
    if not _writable_dir(path):
        return _refuse(key, f"文件夹「{path}」不可写", "须可写")
    return None


def check(values: Mapping[str, str]) -> None:
    """Every refusal among ``values`` at once (one :class:`ValidationError`, the first field first)."""
    refusals = [r for key in KEYS if key in values and (r := check_value(key, values[key])) is not None]
    unknown = [k for k in values if k not in KEYS]
    if unknown:
        raise ValidationError(f"未知的设置项：{', '.join(unknown)}", field="设置文件", rule="设置项")
    if refusals:
        raise ValidationError.joined(refusals)


def _atomic_write(path: Path, text: str, mode: int) -> None:
    """``text`` into ``path`` by a temporary file in the same folder renamed over it: a reader sees the
    old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(values: Mapping[str, str], locked: bool) -> str:
    lines = ["# CourtDesk 本机/本用户设置（由「数据位置」页写入；可手工编辑，见 docs/POSTGRESQL.md）", f"[{SECTION}]"]
    lines += [f"{key} = {values[key]}" for key in KEYS if values.get(key, "").strip()]
    if locked:
        lines.append("locked = yes")
    return "\n".join(lines) + "\n"


def save(changes: Mapping[str, str], scope: str = "user", *, locked: bool | None = None) -> Path:
    """Put ``changes`` (key → value; ``""`` removes the key) into the ``scope`` file (``"user"`` or
    ``"machine"``), keeping its other keys. Refused values raise :class:`ValidationError` naming the
    field, and the file stays as it was. ``locked`` (machine file only) sets or clears the lock."""
    if scope not in SCOPES:
        raise ValidationError(f"设置范围「{scope}」无效", field="设置范围", rule="范围")
    check(changes)
    path = _file_of(scope)
    current = read_file(path)
    was_locked = current.pop("locked", "").lower() in ("1", "yes", "true", "on", "是")
    merged = {k: v for k, v in current.items() if k in KEYS}
    for key, text in changes.items():
        if text.strip():
            merged[key] = text.strip()
        else:
            merged.pop(key, None)
    keep_lock = (was_locked if locked is None else locked) and scope == "machine"
    try:
        _atomic_write(path, _render(merged, keep_lock), 0o644)
    except PermissionError as exc:
        where = "本机设置须由本机管理员（root / Administrator）保存" if scope == "machine" else "请检查文件夹权限"
        raise DomainError(f"无法写入设置文件「{path}」：{where}", field=SCOPES[scope]) from exc
    return path


# --- the PostgreSQL password file --------------------------------------------------------------------

def _pgpass_field(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


def store_password(host: str, port: int, dbname: str, user: str, password: str) -> Path:
    """Put the password for (host, port, database, user) into :func:`passfile` (mode 0600), replacing
    that line if there is one and keeping the others."""
    key = ":".join(_pgpass_field(x) for x in (host, str(port), dbname, user)) + ":"
    path = passfile()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    kept = [line for line in lines if line.strip() and not line.startswith(key)]
    _atomic_write(path, "\n".join([*kept, key + _pgpass_field(password)]) + "\n", 0o600)
    return path


# --- PostgreSQL: the connection test -----------------------------------------------------------------

@dataclass(frozen=True)
class Server:
    """What the page asks for a PostgreSQL database."""

    host: str
    port: int
    dbname: str
    user: str

    def url(self) -> str:
        """The URL the settings file holds: no password (the password file has it)."""
        from sqlalchemy.engine import URL

        return URL.create(PG_DRIVER, username=self.user, host=self.host, port=self.port,
                          database=self.dbname).render_as_string(hide_password=False)


def server(host: str, port: str | int, dbname: str, user: str) -> Server:
    """The four fields checked (every refusal at once, each naming its field)."""
    refusals = []
    for label, text in (("服务器地址", host), ("数据库名", dbname), ("用户名", user)):
        if not str(text).strip():
            refusals.append(ValidationError(f"{label}：必须填写", field=label, rule="必填"))
    number = 0
    try:
        number = int(str(port).strip())
        if not 1 <= number <= 65535:
            raise ValueError
    except ValueError:
        refusals.append(ValidationError("端口：须为 1–65535 之间的整数（PostgreSQL 默认 5432）", field="端口",
                                        rule="端口范围"))
    if refusals:
        raise ValidationError.joined(refusals)
    return Server(host.strip(), number, dbname.strip(), user.strip())


def server_of(url: str) -> Server | None:
    """The four fields of a PostgreSQL URL (None for anything else)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001
        return None
    if parsed.get_backend_name() != "postgresql":
        return None
    return Server(parsed.host or "", parsed.port or 5432, parsed.database or "", parsed.username or "")
