"""The operations runner: every write the UI asks for (a save, a workflow step, a command, an
administrator's change, the login check) goes through :func:`run_op`.

Like Anki's ``CollectionOp`` on ``taskman``'s single background executor: the operation runs on one
dedicated thread (a ``QThreadPool`` of one), so writes from this workstation are serialised and the UI
thread never waits on the database — not even while another workstation holds the write lock for up
to the busy timeout. The result (or the exception) comes back on the UI thread; if the ``owner``
widget is gone by then it is dropped.

While the operation runs, ``status`` hears 「正在保存…」 (``busy_text``) and — when the write has been
waiting for another workstation's lock for more than :data:`WAITING_AFTER_MS` —
「另一台工作站正在保存，正在等待…」; it hears ``""`` just before the result is delivered. A refusal
reaches ``on_failure`` as the service's :class:`DomainError`; anything else is printed (a bug is never
swallowed) and reaches ``on_failure`` too, to be shown with :func:`failure_text`'s generic words.

An operation refused because the user's account has been deactivated meanwhile
(:class:`~courtdesk.kernel.errors.AccountDisabled`) is also announced application-wide on
``events().account_disabled(user_id, text)``, whoever asked: the main window of that user ends the
session (see ``MainWindow.end_session``).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from shiboken6 import Shiboken

from ui import workers

SAVING_TEXT = "正在保存…"
WAITING_TEXT = "另一台工作站正在保存，正在等待…"
WAITING_AFTER_MS = 500
_POLL_MS = 150

_pool: QThreadPool | None = None
_running: set[Op] = set()
_lock = threading.Lock()


class Events(QObject):
    """Application-wide news from the operations runner (on the UI thread)."""

    #: ``(user_id, message)``: a write was refused because that user's account is deactivated.
    account_disabled = Signal(int, str)


_events: Events | None = None


def events() -> Events:
    global _events
    if _events is None:
        _events = Events()
    return _events


def _end_disabled_session(exc: BaseException) -> None:
    """A read (a worker task) refused because the account was deactivated ends the session too."""
    from courtdesk.kernel.errors import AccountDisabled

    if isinstance(exc, AccountDisabled) and exc.user_id is not None:
        events().account_disabled.emit(exc.user_id, str(exc))


workers.FAILURE_HOOKS.append(_end_disabled_session)


def pool() -> QThreadPool:
    """The single thread every operation runs on, one after the other."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(-1)  # keep the thread: the next save starts at once
    return _pool


def wait_for_done(msecs: int = 5000) -> None:
    """Let a running save finish before the program ends (called on quit)."""
    if _pool is not None:
        _pool.waitForDone(msecs)


def failure_text(exc: BaseException, doing: str = "保存") -> str:
    """What the user reads for a failed operation: the service's own words for a refusal, generic
    Chinese words (and the error's type, for the administrator) for anything else."""
    from courtdesk.kernel.errors import DomainError

    if isinstance(exc, DomainError):
        return str(exc)
    return (f"{doing}失败：程序出现意外错误（{type(exc).__name__}），未保存任何内容。"
            "请重试；如仍失败，请联系系统管理员。")


class Op:
    """One running operation (see :func:`run_op`)."""

    def __init__(self, status: Callable[[str], None] | None, busy_text: str) -> None:
        self.status = status
        self.busy_text = busy_text
        #: Set by the worker thread while its write waits for another workstation's lock.
        self.waiting_for_lock = False
        self.done = False
        self.text = ""
        self.timer: QTimer | None = None
        self.task: workers.Task | None = None

    def _lock_state(self, waiting: bool) -> None:  # worker thread
        self.waiting_for_lock = waiting

    def _show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            if self.status is not None:
                self.status(text)

    def _tick(self) -> None:
        if not self.done:
            self._show(WAITING_TEXT if self.waiting_for_lock else self.busy_text)

    def _finish(self, owner_alive: bool) -> None:
        self.done = True
        with _lock:
            _running.discard(self)
        if owner_alive:
            if self.timer is not None:
                self.timer.stop()
                self.timer.deleteLater()  # long-lived owners (the users tab) must not collect timers
                self.timer = None
            self._show("")


def run_op(
    owner: QObject,
    fn: Callable[[], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    *,
    busy_text: str = SAVING_TEXT,
    status: Callable[[str], None] | None = None,
) -> Op:
    """Run ``fn()`` on the operations thread; ``on_success(result)`` or ``on_failure(exc)`` on the UI
    thread, unless ``owner`` has been deleted meanwhile. ``status(text)`` shows what is going on."""
    op = Op(status, busy_text)

    def work() -> Any:  # the operations thread
        from courtdesk.kernel.db.engine import watch_write_lock

        watch_write_lock(op._lock_state)
        try:
            return fn()
        finally:
            watch_write_lock(None)
            op.waiting_for_lock = False

    def succeeded(result: Any) -> None:
        alive = Shiboken.isValid(owner)
        op._finish(alive)
        if alive and on_success is not None:
            on_success(result)

    def failed(exc: BaseException) -> None:
        alive = Shiboken.isValid(owner)
        op._finish(alive)
        from courtdesk.kernel.errors import AccountDisabled, DomainError

        if not isinstance(exc, DomainError):
            traceback.print_exception(exc)  # a bug: the user gets words, the log gets the trace
        if alive and on_failure is not None:
            on_failure(exc)
        if isinstance(exc, AccountDisabled) and exc.user_id is not None:
            events().account_disabled.emit(exc.user_id, str(exc))

    op._show(busy_text)
    timer = QTimer(owner)
    timer.setInterval(WAITING_AFTER_MS)
    timer.timeout.connect(op._tick)
    timer.timeout.connect(lambda: timer.setInterval(_POLL_MS))
    timer.start()
    op.timer = timer
    with _lock:
        _running.add(op)
    # No owner for the task itself: the op must hear of the end even when the owner is gone.
    task = workers.Task(work, (), {}, succeeded, failed, None, None, None)
    op.task = task
    workers.start(task, pool())
    return op


def busy() -> int:
    """Operations started and not yet delivered (tests wait for 0)."""
    with _lock:
        return len(_running)
