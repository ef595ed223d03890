"""Slow work off the UI thread: one small helper used by every page.

``run_task(fn, *args, on_done=…, on_error=…, on_progress=…)`` runs ``fn`` on a thread pool and
delivers its result (or exception) on the UI thread. ``fn`` may take a ``report`` keyword argument
(``report(done, total)``) when ``on_progress`` is given. ``owner`` (a widget or model): if it has
been deleted by the time the result arrives (window closed meanwhile), the callbacks are skipped.
Callers that can be outrun by newer requests (a table whose filter changed) drop stale results
themselves with a generation number.
"""

from __future__ import annotations

import atexit
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import Shiboken

_pool: QThreadPool | None = None
_live: set[Task] = set()
#: Delivered tasks are kept a while longer: the pool thread still touches a runnable just after its
#: run() returns, so Python must not free it at once.
_delivered: deque[Task] = deque(maxlen=256)
_lock = threading.Lock()


def pool() -> QThreadPool:
    """The pool used for database reads, exports and document generation."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
        _pool.setExpiryTimeout(30000)
        atexit.register(_pool.waitForDone, 5000)  # let running reads finish before Python goes
    return _pool


class _Relay(QObject):
    """Lives on the UI thread; signals emitted from the worker are queued to its slots.

    Owned by the application object and deleted with ``deleteLater`` once the result is delivered,
    so its C++ object always dies on the UI thread — never in whichever thread the Python garbage
    collector happens to run (a QObject deleted from a worker thread can crash the app)."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(self, task: Task) -> None:
        super().__init__(QCoreApplication.instance())
        self.task = task
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)
        self.progress.connect(self._deliver_progress)

    @Slot(object)
    def _deliver_done(self, result: object) -> None:
        task = self.task
        _forget(task)
        try:
            if task.on_done is not None and task.owner_alive():
                task.on_done(result)
        finally:
            self.deleteLater()

    @Slot(object)
    def _deliver_failed(self, exc: object) -> None:
        task = self.task
        _forget(task)
        try:
            if not task.owner_alive():
                return
            assert isinstance(exc, BaseException)
            _announce(exc)
            if task.on_error is not None:
                task.on_error(exc)
            else:  # never swallow a bug silently
                import traceback

                traceback.print_exception(exc)
        finally:
            self.deleteLater()

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self.task.on_progress is not None and self.task.owner_alive():
            self.task.on_progress(done, total)


#: Called with every failure a task delivers, before its own ``on_error`` (``ui.ops`` adds the one that
#: ends the session of a deactivated account: a read refused so ends it as a write's refusal does).
FAILURE_HOOKS: list[Callable[[BaseException], None]] = []


def _announce(exc: BaseException) -> None:
    for hook in FAILURE_HOOKS:
        hook(exc)


class Task(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int], None] | None,
        still_wanted: Callable[[], bool] | None,
        owner: QObject | None = None,
    ) -> None:
        super().__init__()
        self.owner = owner
        self.setAutoDelete(False)  # Python keeps the reference (see _live)
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.still_wanted = still_wanted
        self.finished = threading.Event()
        self.relay = _Relay(self)

    def owner_alive(self) -> bool:
        return self.owner is None or Shiboken.isValid(self.owner)

    def run(self) -> None:  # worker thread
        try:
            if self.still_wanted is not None and not self.still_wanted():
                result: Any = SKIPPED
            else:
                kwargs = dict(self.kwargs)
                if self.on_progress is not None:
                    kwargs["report"] = self.relay.progress.emit
                result = self.fn(*self.args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 — delivered to the UI thread
            self.finished.set()
            self._emit(self.relay.failed, exc)
            return
        self.finished.set()
        self._emit(self.relay.done, result)

    def _emit(self, signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the relay is gone: the interpreter is shutting down
            _forget(self)


class _Skipped:
    """Result of a task whose ``still_wanted()`` said no before it started."""

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED = _Skipped()


def _forget(task: Task) -> None:
    with _lock:
        if task in _live:
            _live.discard(task)
            _delivered.append(task)


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    still_wanted: Callable[[], bool] | None = None,
    owner: QObject | None = None,
    **kwargs: Any,
) -> Task:
    """Run ``fn(*args, **kwargs)`` on the pool; callbacks run on the UI thread."""
    task = Task(fn, args, kwargs, on_done, on_error, on_progress, still_wanted, owner)
    return start(task)


def start(task: Task, on: QThreadPool | None = None) -> Task:
    """Start a task on ``on`` (default: the shared pool); it counts in :func:`busy` until delivered."""
    with _lock:
        _live.add(task)
    (on if on is not None else pool()).start(task)
    return task


def busy() -> int:
    """Tasks started and not yet delivered (tests wait for 0)."""
    with _lock:
        return len(_live)
