"""The database's lock file: every open app shares it, a restore needs it alone.

Beside an SQLite file ``court.sqlite3`` lies ``court.sqlite3.lock`` (empty; only its lock matters).
Every :class:`~courtdesk.kernel.db.engine.Database` opened on the file holds a *shared* lock on it
until :meth:`Database.dispose` (or the process ends: the operating system drops the locks of a process
that exits or crashes, so a stale lock file is harmless). :func:`restore_sqlite` takes the lock
*exclusively* without waiting, so it is refused while any program — on this machine or, on a network
share that supports locks, on another — has the database open.

POSIX: ``fcntl.flock`` (``LOCK_SH`` / ``LOCK_EX``, with ``LOCK_NB``). Windows: ``msvcrt.locking`` has no
shared locks, so the Win32 ``LockFileEx`` is called through ctypes on the file's first byte: without
``LOCKFILE_EXCLUSIVE_LOCK`` the lock is shared (any number of holders), with it exclusive, and
``LOCKFILE_FAIL_IMMEDIATELY`` makes either attempt return at once. Windows byte-range locks are
mandatory, but nobody reads or writes the lock file, and locking beyond its end is allowed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from courtdesk.kernel.errors import DomainError

IN_USE_MESSAGE = "数据库正在被使用（有 CourtDesk 程序打开了它），请先关闭所有使用该数据库的程序再恢复"
RESTORING_MESSAGE = "数据库正在被恢复或维护（有程序独占了它），请稍后再打开"


def lock_path(db_path: Path) -> Path:
    """``<db>.lock`` beside the file the path names through any symlink: a client that opened the
    database by one name and a restore given another (a link) meet at the same lock."""
    real = Path(os.path.realpath(os.path.expanduser(str(db_path))))
    return real.with_name(real.name + ".lock")


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2
    _ERROR_LOCK_VIOLATION = 33
    _ERROR_IO_PENDING = 997

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_void_p),  # ULONG_PTR
            ("InternalHigh", ctypes.c_void_p),  # ULONG_PTR
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _LockFileEx = _kernel32.LockFileEx
    _LockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                            ctypes.POINTER(_Overlapped)]
    _LockFileEx.restype = wintypes.BOOL
    _UnlockFileEx = _kernel32.UnlockFileEx
    _UnlockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                              ctypes.POINTER(_Overlapped)]
    _UnlockFileEx.restype = wintypes.BOOL

    def _try_lock(fd: int, exclusive: bool) -> bool:
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(fd))
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        overlapped = _Overlapped()  # offset 0: the lock covers byte 0, length 1
        if _LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(overlapped)):
            return True
        error = ctypes.get_last_error()
        if error in (_ERROR_LOCK_VIOLATION, _ERROR_IO_PENDING):
            return False
        raise ctypes.WinError(error)

    def _unlock(fd: int) -> None:
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(fd))
        overlapped = _Overlapped()
        _UnlockFileEx(handle, 0, 1, 0, ctypes.byref(overlapped))

else:
    import fcntl

    def _try_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class DatabaseLock:
    """A held lock on ``<db>.lock``; :meth:`release` (idempotent) gives it back."""

    def __init__(self, path: Path, fd: int, exclusive: bool) -> None:
        self.path = path
        self.exclusive = exclusive
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def __del__(self) -> None:  # a Database never disposed still lets go when it is collected
        try:
            self.release()
        except Exception:  # noqa: BLE001 — also at interpreter shutdown, when modules are gone
            pass


def _open(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
    return os.open(path, flags, 0o666)


def try_lock(db_path: Path, *, exclusive: bool) -> DatabaseLock | None:
    """The lock on ``db_path``'s lock file if it can be had right now, else None."""
    path = lock_path(Path(db_path))
    fd = _open(path)
    try:
        if _try_lock(fd, exclusive):
            return DatabaseLock(path, fd, exclusive)
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return None


def remove_unused(db_path: Path) -> None:
    """Remove ``db_path``'s lock file if nobody holds it (after opening a file that turned out not to
    be a database, so no empty ``<file>.lock`` is left beside it). Never removes a held one: a restore
    waiting on it would otherwise lock a new file while an app holds the old one."""
    lock = try_lock(db_path, exclusive=True)
    if lock is None:
        return
    if os.name == "nt":  # an open file cannot be removed there: let go first
        lock.release()
        with contextlib.suppress(OSError):
            lock.path.unlink()
        return
    try:
        lock.path.unlink(missing_ok=True)
    finally:
        lock.release()


def shared(db_path: Path, *, wait_s: float = 15.0) -> DatabaseLock | None:
    """The shared lock an open app holds. Waits up to ``wait_s`` while a restore holds it exclusively,
    then refuses. Returns None when the lock file cannot be created (a read-only folder: nothing can
    replace the database there either)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            lock = try_lock(db_path, exclusive=False)
        except OSError:
            return None
        if lock is not None:
            return lock
        if time.monotonic() >= deadline:
            raise DomainError(RESTORING_MESSAGE, field="数据库")
        time.sleep(0.1)


def exclusive(db_path: Path) -> DatabaseLock:
    """The exclusive lock a restore needs, without waiting; refuses while any program has it open."""
    try:
        lock = try_lock(db_path, exclusive=True)
    except OSError as exc:
        raise DomainError(f"无法锁定数据库（{lock_path(Path(db_path))}：{exc.strerror or exc}）", field="数据库") from exc
    if lock is None:
        raise DomainError(IN_USE_MESSAGE, field="数据库")
    return lock
