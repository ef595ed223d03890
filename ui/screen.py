"""Keep every window on the screen it opens on.

A court workstation has a 1366×768 screen, less a taskbar: a window taller than what is left puts
its buttons where nobody can reach them (the print preview's 打印… once sat 200 px below the screen).
So every top-level window — the main window, each dialog, Qt's own file and message boxes — is fitted
to the screen's *available* area (``QScreen.availableGeometry()``, i.e. without the taskbar) as it is
shown (:class:`ScreenFitter`, installed on the application by :func:`install`), and the windows that
choose their own size ask :func:`room` first.

The window manager's frame (title bar, borders) is outside ``QWidget.geometry()``; until a window
has been framed once its size is not known, so a typical frame (:data:`FRAME_GUESS`) is assumed and
replaced by the real one as soon as any window has been framed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

#: The frame a window manager adds around a window (left, top = title bar, right, bottom), until a
#: real one has been seen. Generous: a window a few pixels smaller than it might be is harmless.
FRAME_GUESS = QMargins(6, 34, 6, 6)
#: The main window opens maximised on screens up to this width (1366, 1440, 1920 …); on a larger one
#: (2560 and up) it opens at its designed size. At 1920×1080 the designed 1360 × 820 left a third of
#: the screen black around a register whose columns were cut off (seen in the real-window screenshots).
MAXIMISE_UP_TO = 1920
_frame: QMargins | None = None


def available(widget: QWidget | None = None) -> QRect:
    """The available area (screen less taskbars and docks) of the screen ``widget`` is on, else of
    the screen the mouse is on, else of the primary screen."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.window() if parent is not None else widget).screen()
    if screen is None:
        from PySide6.QtGui import QCursor

        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def frame_margins(widget: QWidget | None = None) -> QMargins:
    """The window manager's frame around ``widget`` (learnt from any framed window, else a guess)."""
    global _frame
    if widget is not None and widget.isVisible():
        outer, inner = widget.frameGeometry(), widget.geometry()
        margins = QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                           outer.right() - inner.right(), outer.bottom() - inner.bottom())
        if margins.top() > 0:
            _frame = margins
            return margins
    return _frame if _frame is not None else FRAME_GUESS


def room(widget: QWidget | None = None) -> QSize:
    """The largest client size (inside the frame) a window may take on its screen."""
    area, frame = available(widget), frame_margins(widget)
    return QSize(area.width() - frame.left() - frame.right(), area.height() - frame.top() - frame.bottom())


def size_within(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` (a window) to ``width`` × ``height``, or less where the screen has less room."""
    space = room(widget)
    widget.resize(min(width, space.width()), min(height, space.height()))


def fit(widget: QWidget) -> None:
    """Shrink a window that is larger than its screen's available area, and move it inside."""
    if widget.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return  # the window manager sizes those
    space = room(widget)
    minimum = widget.minimumSize()
    # a dialog at least as wide as its title (「角色 — 郑洁（judge）」 was cut to 「角色 —…udge）」)
    width = max(minimum.width(), min(max(widget.width(), _title_width(widget)), space.width()))
    height = max(minimum.height(), min(widget.height(), space.height()))
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    area, frame = available(widget), frame_margins(widget)
    x, y = widget.x(), widget.y()
    if widget.isVisible():  # pos() is the frame's top-left corner
        x = min(max(x, area.left()), area.right() + 1 - frame.left() - width - frame.right())
        y = min(max(y, area.top()), area.bottom() + 1 - frame.top() - height - frame.bottom())
        if (x, y) != (widget.x(), widget.y()):
            handle = widget.windowHandle()
            target = QPoint(max(x, area.left()), max(y, area.top()))
            if handle is not None:  # the frame's corner, whether or not Qt has learnt the frame yet
                handle.setFramePosition(target)
            else:
                widget.move(target)


#: What a title bar needs besides its text: the window icon and the minimise/maximise/close buttons.
TITLE_CHROME_PX = 140


def grow_to_content(window: QWidget) -> None:
    """Make a dialog tall enough for what it shows now (an error line that appeared, a message that
    wrapped), up to its screen's room. Qt does not grow a window for word-wrapped text by itself:
    without this the dialog kept its size and squeezed its text boxes to a few pixels."""
    from PySide6.QtWidgets import QDialog

    if not isinstance(window, QDialog) or not window.isVisible():
        return
    layout = window.layout()
    if layout is not None:
        layout.activate()
    width = window.width()
    need = window.heightForWidth(width) if window.hasHeightForWidth() else -1
    need = max(need, window.minimumSizeHint().height(), window.sizeHint().height() if need < 0 else 0)
    space = room(window)
    if need > window.height():
        window.resize(width, min(need, space.height()))
        fit(window)


def _title_width(widget: QWidget) -> int:
    """Width a dialog needs so that the window manager shows its whole title."""
    from PySide6.QtWidgets import QDialog

    if not isinstance(widget, QDialog) or not widget.windowTitle():
        return 0
    return widget.fontMetrics().horizontalAdvance(widget.windowTitle()) + TITLE_CHROME_PX


def _fits_windows(widget: Any) -> bool:
    if not isinstance(widget, QWidget) or not widget.isWindow():
        return False
    kind = widget.windowType()
    return kind not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.SplashScreen,
                        Qt.WindowType.Desktop) and not widget.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)


class ScreenFitter(QObject):
    """Fits each window as it is shown, and once more when the window manager has framed it (the
    frame's real size is known only then, and a window manager may have placed it partly off)."""

    def eventFilter(self, watched: Any, event: Any) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and _fits_windows(watched):
            fit(watched)
            QTimer.singleShot(0, lambda w=watched: _refit(w))
            QTimer.singleShot(150, lambda w=watched: _refit(w))
        return False


def _refit(widget: QWidget) -> None:
    try:
        if widget.isVisible():
            fit(widget)
    except RuntimeError:  # deleted meanwhile
        pass


_fitter: ScreenFitter | None = None


def install(app: QApplication) -> None:
    """Fit every window of ``app`` to its screen as it is shown (once per application)."""
    global _fitter
    if _fitter is None:
        _fitter = ScreenFitter(app)
        app.installEventFilter(_fitter)
