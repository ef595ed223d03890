"""Walk the client in a real X window and check that nothing lies off the screen, and that what a
clerk reads is Chinese, whole and large enough.

    python -m tests.support.realwindow --db FILE --out FOLDER [--roles clerk,finance,…] [--size 1366x768]

Meant to run under Xvfb with a window manager (``tests/ui/test_real_window.py`` starts both, with a
40 px bottom margin that stands for a taskbar): the client runs on the ``xcb`` platform exactly as
``python -m ui --db FILE`` starts it (:func:`ui.app.main`); a walker started on the UI thread then
does what a person would — types a wrong password and the right one into the login dialog, and for
each role opens 首页, every register it may open with a record selected, the 新建 form, every step
dialog the record offers, every command's form, 预览/打印 of the record's document, 打印登记簿, 修改密码
and, for the administrator, every page and dialog of 系统管理 — and after each asks the real window
geometry (the X server's, frame included) whether

- every top-level window, frame and title bar included, lies inside the screen's available area;
- every visible button and the status bar lie inside it (what a scroll area hides may be scrolled to);
- the last row of a dialog (its buttons) lies inside it;
- no text box has been squeezed below the height its text needs;
- no visible text carries English words, is cut off by its widget, or is set below 9 pt
  (``tests/support/textchecks.py``; each such finding is reported once, the first time it is seen).

Screenshots of the whole screen go to FOLDER (``NN-role-what.png``); the findings go to
``FOLDER/findings.txt`` (one line each, starting with its kind: 超出屏幕 / 英文 / 文字被截断 / 字号过小)
and the exit status is 1 if there are any.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support import textchecks

PASSWORD = "Demo2026"
NEW_PASSWORD = "Walk2026x"
#: Logins that together see every register, step, form and document of the demo data.
DEFAULT_ROLES = ("clerk", "office_head", "president", "finance_leader", "finance", "cashier", "judge",
                 "enforcer", "enforce_head", "political", "admin")
#: Every login of the demo data (``packaging/screenshots.py`` walks them all).
ALL_LOGINS = ("admin", "clerk", "office_head", "president", "leader", "finance_leader", "finance", "cashier",
              "political", "civil_head", "judge", "civil_clerk", "enforce_head", "enforcer", "enforce_clerk",
              "secrecy", "itops")


WIDTH, HEIGHT = 1366, 768
#: The screens of court workstations: the common laptop/office screen and full HD.
SIZES = ((1366, 768), (1920, 1080))
OFF_SCREEN = "超出屏幕"
#: The bottom margin the window manager keeps free, as a taskbar does on a court desktop.
TASKBAR_PX = 40
#: The programs of a real screen (Debian packages xvfb, openbox, x11-utils): a virtual X server, a
#: window manager, and the X server's own word on where each window is.
SCREEN_TOOLS = ("Xvfb", "openbox", "xwininfo", "xprop")
OPENBOX_RC = f"""<?xml version="1.0" encoding="UTF-8"?>
<openbox_config xmlns="http://openbox.org/3.4/rc">
  <margins><top>0</top><bottom>{TASKBAR_PX}</bottom><left>0</left><right>0</right></margins>
  <theme><font place="ActiveWindow"><name>WenQuanYi Micro Hei</name><size>9</size></font>
         <font place="InactiveWindow"><name>WenQuanYi Micro Hei</name><size>9</size></font></theme>
</openbox_config>
"""


def missing_tools() -> list[str]:
    return [tool for tool in SCREEN_TOOLS if shutil.which(tool) is None]


@contextlib.contextmanager
def virtual_screen(width: int = WIDTH, height: int = HEIGHT) -> Iterator[dict[str, str]]:
    """A ``width``×``height`` (default 1366×768) X server (Xvfb, on a free display it picks itself) with the openbox window
    manager, which frames windows and keeps a taskbar's 40 px free; yields the environment for a
    client on it. The window manager draws its titles with the bundled CJK font."""
    folder = Path(tempfile.mkdtemp(prefix="courtdesk-xscreen-"))
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    wm: subprocess.Popen[bytes] | None = None
    try:
        with os.fdopen(read_fd) as answer:
            display = ":" + answer.readline().strip()
        if display == ":":
            raise RuntimeError("Xvfb did not start")
        (folder / "rc.xml").write_text(OPENBOX_RC, encoding="utf-8")
        fonts = Path(__file__).resolve().parents[2] / "resources" / "fonts"
        (folder / "fonts.conf").write_text(
            '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
            f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{fonts}</dir>'
            f'<cachedir>{folder / "fontcache"}</cachedir></fontconfig>', encoding="utf-8")
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        wm = subprocess.Popen(["openbox", "--config-file", str(folder / "rc.xml")],
                              env=dict(env, FONTCONFIG_FILE=str(folder / "fonts.conf")),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        yield env
    finally:
        for proc in (wm, xvfb):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait_until(test: Any, timeout_s: float = 20.0, step_ms: int = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if test():
            return True
        _wait(step_ms)
    return bool(test())


def _idle() -> None:
    from ui import workers

    _wait_until(lambda: workers.busy() == 0)
    _wait(60)


class Walker:
    def __init__(self, out: Path, roles: tuple[str, ...]) -> None:
        self.out = out
        self.roles = roles
        self.findings: list[str] = []
        self.shots = 0
        self.seen: set[str] = set()
        self.role = "login"
        self.checked = 0
        self.reported: set[str] = set()
        self.counts: dict[str, int] = {}
        #: user names of the data: shown as they are, not English to translate
        self.allowed_words: tuple[str, ...] = ()
        self.findings_file: Path | None = None
        self.text_seconds = 0.0  # spent in the text checks (they must not make the walk slow)

    # --- looking ---------------------------------------------------------------------------------

    def windows(self) -> list[Any]:
        from PySide6.QtWidgets import QApplication

        return [w for w in QApplication.topLevelWidgets()
                if w.isVisible() and w.isWindow() and w.windowType() not in (
                    _qt().WindowType.ToolTip, _qt().WindowType.Popup)]

    def check(self, what: str, window: Any | None = None) -> None:
        """Check every visible window (or ``window``) against the available screen area; screenshot."""
        from PySide6.QtCore import QPoint, QRect
        from PySide6.QtWidgets import (
            QAbstractButton,
            QAbstractSpinBox,
            QComboBox,
            QDialog,
            QLineEdit,
            QStatusBar,
        )

        _wait(250)  # the window manager has placed and framed what was just shown
        for win in ([window] if window is not None else self.windows()):
            if not win.isVisible():
                continue
            self.checked += 1
            screen = win.screen()
            avail = screen.availableGeometry()
            name = f"{type(win).__name__}「{win.windowTitle()}」"
            real = x_geometry(win)  # the X server's word, not what Qt believes
            frame, shift = (real[0], real[1] - win.geometry().topLeft()) if real else (win.frameGeometry(), QPoint())
            if not avail.contains(frame):
                self.fail(what, f"{name} 窗口 {_r(frame)} 超出屏幕可用区域 {_r(avail)}")
            for widget in win.findChildren(QAbstractButton) + win.findChildren(QStatusBar):
                if not widget.isVisible() or widget.window() is not win:
                    continue
                region = widget.visibleRegion()
                if region.isEmpty():
                    continue  # scrolled out of view inside a scroll area: a scroll brings it back
                local = region.boundingRect()
                rect = QRect(widget.mapToGlobal(local.topLeft()) + shift, local.size())
                if not avail.contains(rect):
                    label = widget.text() if isinstance(widget, QAbstractButton) else "状态栏"
                    self.fail(what, f"{name} 的「{label}」{_r(rect)} 超出屏幕可用区域 {_r(avail)}")
            if isinstance(win, QDialog) and win.layout() is not None and win.layout().count():
                last = win.layout().itemAt(win.layout().count() - 1)
                geo = last.geometry()
                rect = QRect(win.mapToGlobal(geo.topLeft()) + shift, geo.size())
                if geo.isValid() and not avail.contains(rect):
                    self.fail(what, f"{name} 的最后一行 {_r(rect)} 超出屏幕可用区域 {_r(avail)}")
            for edit in win.findChildren(QLineEdit):
                if isinstance(edit.parentWidget(), (QAbstractSpinBox, QComboBox)):
                    continue  # sized by the spin box or drop-down around it
                if edit.isVisible() and edit.window() is win and not edit.visibleRegion().isEmpty():
                    need = edit.minimumSizeHint().height()
                    if edit.height() < need:
                        self.fail(what, f"{name} 的输入框「{edit.placeholderText() or edit.objectName()}」"
                                        f"高 {edit.height()} px，小于显示文字所需的 {need} px")
            started = time.perf_counter()
            text_findings = textchecks.all_checks(win, self.allowed_words)
            self.text_seconds += time.perf_counter() - started
            for kind, key, message in text_findings:
                if key not in self.reported:
                    self.reported.add(key)
                    self.fail(what, message, kind)
        self.shoot(what)

    def shoot(self, what: str) -> None:
        from PySide6.QtGui import QGuiApplication

        self.shots += 1
        name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"{self.role}-{what}")[:90]
        QGuiApplication.primaryScreen().grabWindow(0).save(str(self.out / f"{self.shots:03d}-{name}.png"))

    def fail(self, what: str, text: str, kind: str = OFF_SCREEN) -> None:
        line = f"{kind} · {self.role} · {what}: {text}"
        print(line, flush=True)
        self.findings.append(line)
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def once(self, key: str) -> bool:
        """True the first time ``key`` is asked (a dialog is checked once, whoever opens it)."""
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    # --- doing -----------------------------------------------------------------------------------

    def close_dialogs(self, keep: Any) -> None:
        from PySide6.QtWidgets import QDialog

        for win in self.windows():
            if win is not keep and isinstance(win, QDialog):
                win.reject()
        _wait(80)

    def login_dialog(self) -> Any:
        from ui.login import LoginDialog

        _wait_until(lambda: any(isinstance(w, LoginDialog) for w in self.windows()))
        dialog = next(w for w in self.windows() if isinstance(w, LoginDialog))
        _wait_until(lambda: dialog.db is not None, 60)
        return dialog

    def log_in(self, login: str, *, wrong_first: bool = False) -> Any:
        from PySide6.QtTest import QTest

        from ui.login import ChangePasswordDialog
        from ui.mainwindow import MainWindow

        dialog = self.login_dialog()
        if wrong_first:
            self.check("登录", dialog)
            dialog.username.clear()
            QTest.keyClicks(dialog.username, login)
            dialog.password.clear()
            QTest.keyClicks(dialog.password, "wrong-password")
            dialog.login_button.click()
            _wait_until(lambda: not dialog.busy and dialog.error.isVisible())
            self.check("登录-密码错误后", dialog)
        dialog.username.clear()
        QTest.keyClicks(dialog.username, login)
        dialog.password.clear()
        QTest.keyClicks(dialog.password, PASSWORD)
        dialog.login_button.click()
        _wait_until(lambda: any(isinstance(w, (MainWindow, ChangePasswordDialog)) for w in self.windows())
                    or dialog.error.isVisible())
        change = next((w for w in self.windows() if isinstance(w, ChangePasswordDialog)), None)
        if change is not None:  # the administrator reset this password: set a new one first
            self.check("登录-须修改密码", change)
            QTest.keyClicks(change.old, PASSWORD)
            QTest.keyClicks(change.new, NEW_PASSWORD)
            QTest.keyClicks(change.again, NEW_PASSWORD)
            change.ok_button.click()
            _wait_until(lambda: any(isinstance(w, MainWindow) for w in self.windows()) or change.error.isVisible())
        window = next((w for w in self.windows() if isinstance(w, MainWindow)), None)
        if window is None:
            self.shoot("登录失败")
            raise RuntimeError(f"{login} 未能登录：{dialog.error.text()}")
        _wait_until(lambda: window.dashboard.ready)
        _idle()
        return window

    def walk(self) -> None:
        for n, role in enumerate(self.roles):
            self.role = role
            window = self.log_in(role, wrong_first=n == 0)
            self.check("首页")
            if n == 0:
                self.change_password(window)
            for key in list(window.specs):
                self.register(window, key)
            if window.is_admin:
                self.admin(window)
            window.logout_requested.emit()
            _wait(200)

    def change_password(self, window: Any) -> None:
        window.change_password()
        _wait(200)
        self.check("修改密码")
        self.close_dialogs(window)

    def register(self, window: Any, key: str) -> None:
        page = window.open_register(key)
        _wait_until(lambda: not page.model.loading)
        _idle()
        title = page.spec.title
        self.check(f"{title}")
        if page.model.rowCount():
            page.table.selectRow(0)
            _wait_until(lambda: page.detail.record_id is not None and not page.detail.loading)
            _idle()
            self.check(f"{title}-选中记录")
            self.detail_dialogs(window, page)
        if page.can_create and self.once(f"new:{key}"):
            page.new_record()
            _wait(200)
            self.check(f"{title}-{page.spec.create_label}")
            self.close_dialogs(window)
        for ckey, button in page.command_buttons.items():
            if button.isEnabled() and self.once(f"command:{key}:{ckey}"):
                dialog = page.start_command(page.commands[ckey])
                _wait(200)
                if dialog is not None:
                    self.check(f"{title}-{page.commands[ckey].label}")
                self.close_dialogs(window)
        if page.print_button.isVisible() and self.once(f"book:{key}"):
            page.choose_print_file()
            _wait_until(lambda: getattr(page, "preview", None) is not None and page.preview.isVisible(), 60)
            _idle()
            self.check(f"{title}-打印登记簿预览")
            self.close_dialogs(window)

    def detail_dialogs(self, window: Any, page: Any) -> None:
        title = page.spec.title
        detail = page.detail
        for label, button in list(detail.action_buttons.items()):
            if not button.isVisible() or not self.once(f"step:{page.spec.key}:{label}"):
                continue
            button.click()
            _wait(250)
            self.check(f"{title}-{label}")
            self.close_dialogs(window)
        for kind, (preview, _word) in list(detail.document_buttons.items()):
            if not preview.isVisible() or not self.once(f"doc:{page.spec.key}:{kind}"):
                continue
            detail.preview = None
            preview.click()
            _wait_until(lambda: detail.preview is not None and detail.preview.isVisible(), 60)
            _idle()
            self.check(f"{title}-预览-{kind}")
            self.close_dialogs(window)

    def admin(self, window: Any) -> None:
        page = window.open_register("admin") if "admin" in window.specs else window.show_page("admin")
        _idle()
        for index in range(page.tabs.count()):
            page.tabs.setCurrentIndex(index)
            _idle()
            self.check(f"系统管理-{page.tabs.tabText(index)}")
        page.tabs.setCurrentIndex(0)
        users = page.users
        users.table.selectRow(0)
        for name in ("new_user", "edit_roles", "reset_password"):
            getattr(users, name)()
            _wait(250)
            self.check(f"系统管理-{name}")
            self.close_dialogs(window)
        page.tabs.setCurrentIndex(1)
        page.departments.table.selectRow(0)
        for name in ("new_department", "rename"):
            getattr(page.departments, name)()
            _wait(250)
            self.check(f"系统管理-{name}")
            self.close_dialogs(window)

    def run(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from ui.login import LoginDialog

        # Start only once the shell has handed the login dialog its database (its event loop runs):
        # walking inside the loop that waits for the database would keep it from ever arriving.
        if not any(isinstance(w, LoginDialog) and w.db is not None for w in self.windows()):
            QTimer.singleShot(100, self.run)
            return
        # The window manager has taken over the screen (its work area excludes the taskbar margin).
        screen = QApplication.primaryScreen()
        _wait_until(lambda: screen.availableGeometry() != screen.geometry(), 10)
        try:
            self.walk()
        except Exception:  # noqa: BLE001 — a crash of the walk is a finding too
            self.findings.append(f"{self.role}: 巡检中断\n{traceback.format_exc()}")
            print(traceback.format_exc(), file=sys.stderr, flush=True)
        (self.findings_file or self.out / "findings.txt").write_text("\n".join(self.findings) + "\n", encoding="utf-8")
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.counts.items()))
        print(f"checked {self.checked} windows, {self.shots} screenshots, {len(self.findings)} findings"
              f"{f' ({kinds})' if kinds else ''}; text checks {self.text_seconds:.1f} s", flush=True)
        for win in QApplication.topLevelWidgets():
            win.close()
        QApplication.exit(1 if self.findings else 0)


def x_geometry(window: Any) -> tuple[Any, Any] | None:
    """The window's frame (title bar and borders included) and its client area's top-left corner on
    the screen, as the X server has them (``xwininfo`` and ``xprop`` of x11-utils); None without them.
    Qt's own ``frameGeometry()`` is what Qt last heard and has been seen to miss a title bar pushed
    above the screen."""
    from PySide6.QtCore import QPoint, QRect

    if shutil.which("xwininfo") is None or shutil.which("xprop") is None:
        return None
    wid = str(int(window.winId()))
    info = subprocess.run(["xwininfo", "-id", wid], capture_output=True, text=True).stdout
    extents = subprocess.run(["xprop", "-id", wid, "_NET_FRAME_EXTENTS"], capture_output=True, text=True).stdout
    values: dict[str, int] = {}
    for line in info.splitlines():
        key, _, value = line.strip().partition(":")
        if key in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height"):
            values[key] = int(value)
    if len(values) < 4:
        return None
    left = right = top = bottom = 0
    if "=" in extents:
        left, right, top, bottom = (int(v) for v in extents.split("=", 1)[1].split(","))
    x, y = values["Absolute upper-left X"], values["Absolute upper-left Y"]
    frame = QRect(x - left, y - top, values["Width"] + left + right, values["Height"] + top + bottom)
    return frame, QPoint(x, y)


def _qt() -> Any:
    from PySide6.QtCore import Qt

    return Qt


def _r(rect: Any) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}×{rect.height()})"


def _remember_oversized_window(login: str) -> None:
    """Leave ``login`` a main window remembered at 1600 × 1000 (from a larger screen)."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QMainWindow

    from ui import state

    probe = QMainWindow()
    probe.setGeometry(QRect(40, 30, 1600, 1000))
    state.save_bytes(type("U", (), {"username": login})(), "main/geometry", probe.saveGeometry())
    probe.deleteLater()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--roles", default=",".join(DEFAULT_ROLES))
    parser.add_argument("--findings", help="where the findings go (default: OUT/findings.txt)")
    args = parser.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QSettings, QTimer

    from ui import app as client

    # What the client remembers per user goes to a scratch folder: every login starts as on a new
    # workstation, except one whose remembered window is larger than this screen.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(out / "settings"))

    walker = Walker(out, tuple(r for r in args.roles.split(",") if r))
    walker.allowed_words = ALL_LOGINS  # the demo's user names appear as data (账号 columns, titles)
    if args.findings:
        walker.findings_file = Path(args.findings)
    qapp = client.create_app()
    _remember_oversized_window(DEFAULT_ROLES[1])
    QTimer.singleShot(0, walker.run)
    status = client.main(["--db", args.db])
    qapp.processEvents()
    return 1 if walker.findings else status


if __name__ == "__main__":
    raise SystemExit(main())
