"""A bare PySide6 window, the baseline of `python -m courtdesk bench startup` (not part of the app)."""

import time

started = time.perf_counter()
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(["bare"])
window = QMainWindow()
window.resize(1360, 820)
painted = []


class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            painted.append(True)
        return False


watch = Watch()
window.installEventFilter(watch)
window.show()
while not (window.windowHandle() is not None and window.windowHandle().isExposed() and painted):
    app.processEvents()
print(f"startup_ms={round((time.perf_counter() - started) * 1000)}", flush=True)
