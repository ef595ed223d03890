"""Garbage collection only on the UI thread.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is passed.
If that is a worker thread and the garbage holds Qt objects (a closed dialog, a page from a window
that was closed), their C++ destructors run on the wrong thread and the process can crash — seen
here as a segmentation fault in a worker rendering a document. The usual remedy for PyQt/PySide
programs: switch off automatic collection and collect from a timer on the UI thread.
"""

from __future__ import annotations

import gc
from typing import Any

from PySide6.QtCore import QObject, QTimer

_installed: Any = None


class MainThreadCollector(QObject):
    INTERVAL_MS = 500

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds (as gc would)."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self._threshold
        if c2 > t2:
            gc.collect(2)
        elif c1 > t1:
            gc.collect(1)
        elif c0 > t0:
            gc.collect(0)


def install(app: QObject) -> MainThreadCollector:
    """Install once per application (idempotent)."""
    global _installed
    if _installed is None:
        _installed = MainThreadCollector(app)
    return _installed
