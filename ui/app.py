"""Start-up of the desktop client: ``courtdesk`` / ``python -m ui [--db PATH|URL] [--demo] [--smoke]``.

Start-up: the UI thread imports Qt, registers the bundled CJK font and paints the login dialog
first; only then a background thread imports the core (SQLAlchemy, the models, alembic) and
opens/migrates the database while the user types the password. (Started earlier, the core's
imports compete with Qt's for the GIL and the login dialog appears ~40 % later, while the main
window after login is not measurably sooner.) openpyxl loads only when somebody exports.

``--smoke`` measures start-up: it shows the login dialog, logs in the demo administrator
programmatically (admin / Demo2026; if that account does not exist or has another password, the
first user holding the 系统管理员 role is taken *without* a password — smoke runs only measure and
never run for real users), builds and shows the main window and prints, once it is exposed and
painted::

    login_ms=N          the login dialog was on screen
    login_to_main_ms=N  from pressing 登录 (through the operations runner, as a user does) to the
                        main window with the dashboard exposed and painted
    startup_ms=N        the main window was on screen
    ready_ms=N          the dashboard (我的待办) had its numbers
    hash_ms=N           one argon2 verification of the administrator's password, alone (measured
                        last, when nothing else runs)

Each is milliseconds since this module was first imported (``STARTED`` below), i.e. it excludes
the ~30 ms the interpreter needs to start; :mod:`courtdesk.bench.startup` measures wall time from
outside the process instead.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # first thing: the reference point of --smoke's numbers

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any

UI_FONT_FAMILY = "WenQuanYi Micro Hei"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
EXIT_DB_ERROR = 2
SMOKE_USER = ("admin", "Demo2026")
DEMO_FILLED_TEXT = "已创建演示数据库：可用 admin、clerk、judge 等演示账号登录，密码 Demo2026"
SET_UP_TEXT = "本院设置已保存。请系统管理员{name}（{username}）用初始密码登录，登录后须改为自己的密码"


def fonts_dir() -> Path:
    """``resources/fonts`` (COURTDESK_FONTS_DIR overrides; inside a PyInstaller bundle, its copy)."""
    from courtdesk.kernel.resources import fonts_dir as core_fonts_dir

    return core_fonts_dir()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="courtdesk", description="CourtDesk 法院办公桌面系统")
    parser.add_argument("--db", help="SQLite 文件路径或数据库 URL（默认：本机用户数据目录中的 courtdesk.sqlite3）")
    parser.add_argument("--smoke", action="store_true",
                        help="测量启动时间：自动登录、显示主窗口后退出（新数据库先写入演示数据）")
    parser.add_argument("--demo", action="store_true",
                        help="新数据库写入演示数据（演示账号，密码 Demo2026）；不加时新数据库先进入首次设置")
    return parser.parse_args(argv)


# --- the core, opened in the background ----------------------------------------------------------

class CoreLoader:
    """Imports the core and opens (migrates) the database on a background thread.

    A new database (nobody can log in yet) is filled with demo data when ``demo`` is asked for
    (``--demo``, which the README's run command passes; ``--smoke``), so a new user sees a working
    system (logins in the README, password Demo2026); otherwise ``needs_setup`` is set and the shell
    shows the first-run wizard (``ui/firstrun.py``) before the login.
    """

    def __init__(self, db_arg: str | None, demo: bool = False) -> None:
        self.db_arg = db_arg
        self.demo = demo
        self.needs_setup = False
        self.db: Any = None
        self.error: BaseException | None = None
        self.court_name = ""
        self.demo_filled = False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="courtdesk-open-db", daemon=True)
        self.backup_thread: threading.Thread | None = None  # today's backup, started once the db is open

    def start(self) -> CoreLoader:
        if not self.thread.is_alive() and not self.done.is_set():
            self.thread.start()
        return self

    def _run(self) -> None:
        try:
            from courtdesk.kernel import firstrun
            from courtdesk.kernel.db import open_database

            db = open_database(self.db_arg)
            if firstrun.needs_setup(db):
                if self.demo:
                    from courtdesk.kernel import demo

                    demo.fill(db)
                    self.demo_filled = True
                else:
                    self.needs_setup = True  # the shell asks the court first (ui/firstrun.py)
            from courtdesk.kernel import people

            people.stand_in_hash()  # made now, so an unknown name's first check costs what any check does
            from courtdesk.kernel import area

            area.discover()  # every area's registers, before the main window asks for them
            from courtdesk.kernel import settings

            with db.read() as s:
                self.court_name = settings.get(s, "court_name")
            from courtdesk.kernel import checkpoint

            checkpoint.daily_or_log(db)  # today's audit checkpoint; an unreachable folder is only logged
            self.db = db
            if not self.demo_filled and not os.environ.get("COURTDESK_NO_DAILY_BACKUP"):
                from courtdesk.kernel.db import backup

                # today's backup beside the login, never in its way (a large file takes seconds)
                self.backup_thread = threading.Thread(target=backup.daily_or_log, args=(db,), name="daily-backup",
                                                      daemon=True)
                self.backup_thread.start()
        except BaseException as exc:  # noqa: BLE001 — shown to the user by the UI thread
            self.error = exc
        finally:
            self.done.set()

    def wait(self, app: Any) -> None:
        """Keep the UI responsive until the database is open."""
        self.start()
        while not self.done.wait(0.01):
            app.processEvents()


# --- Qt setup ------------------------------------------------------------------------------------

def setup_fonts(app: Any) -> str | None:
    """Register every bundled font; make the CJK sans the application font. Returns its family."""
    from PySide6.QtGui import QFont, QFontDatabase

    families: list[str] = []
    folder = fonts_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES:
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families.extend(QFontDatabase.applicationFontFamilies(font_id))
    family = UI_FONT_FAMILY if UI_FONT_FAMILY in families else None
    if family is None:
        family = next((f for f in families if "Hei" in f or "Sans" in f), None)
    if family is not None:
        font = QFont(app.font())
        font.setFamilies([family, *app.font().families()])
        app.setFont(font)
    return family


#: Qt's own strings (print and file dialogs, the calendar, context menus) in Chinese.
QT_TRANSLATIONS = ("qtbase_zh_CN",)


#: Strings of Qt's own dialogs that ``qtbase_zh_CN`` does not translate (its file dialog's labels
#: carry a mnemonic the catalogue lacks; the file type of a folder comes from another context).
QT_GAPS = {
    "&Look in:": "查找范围(&L)：",
    "Files of &type:": "文件类型(&T)：",
    "Folder": "文件夹",
    "File Folder": "文件夹",
    "Shortcut": "快捷方式",
}


def _gap_translator(app: Any) -> Any:
    from PySide6.QtCore import QTranslator

    class GapTranslator(QTranslator):
        """Asked last (installed first): only for what the shipped catalogue left in English."""

        def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
            return QT_GAPS.get(source, "")

        def isEmpty(self) -> bool:
            return False

    return GapTranslator(app)


def install_translations(app: Any) -> list[Any]:
    """Load Qt's ``zh_CN`` translations shipped with PySide6 (and :data:`QT_GAPS` under them) and
    make the locale Chinese (month and day names in the calendar). Returns the installed translators
    (kept alive on the app)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    gaps = _gap_translator(app)
    if app.installTranslator(gaps):  # searched after the ones installed later
        installed.append(gaps)
    for name in QT_TRANSLATIONS:
        translator = QTranslator(app)
        if translator.load(name, folder) and app.installTranslator(translator):
            installed.append(translator)
    app.setProperty("courtdesk_translators", len(installed))
    return installed


def create_app(argv0: str = "courtdesk") -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([argv0])
    assert isinstance(app, QApplication)
    app.setApplicationName("CourtDesk")
    # No setApplicationDisplayName: on Windows and X11 Qt appends it to every window title, and the
    # main window's title (「CourtDesk 法院办公桌面系统 — 法院名称 — 用户」) already carries the name.
    app.setOrganizationName("CourtDesk")
    setup_fonts(app)
    install_translations(app)
    from ui import gcguard, screen, workers

    gcguard.install(app)  # Qt objects are only ever freed on the UI thread
    screen.install(app)  # every window and dialog inside the screen's available area

    app.aboutToQuit.connect(lambda: workers.pool().waitForDone(5000))  # no reads cut off at exit
    from ui import ops

    app.aboutToQuit.connect(ops.wait_for_done)  # nor a save
    return app


_warmed = False


def warm_main_window() -> None:
    """Import the main window's code and run its Qt paths once off screen (see MainWindow.warm).

    Called on the UI thread as soon as the database is open, i.e. while the user is still typing
    the password — not after 登录 is pressed, when it would compete with the password check (argon2
    keeps both cores busy) for the CPU. Only the first call does anything."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    import ui.context  # noqa: F401
    from ui.mainwindow import MainWindow

    MainWindow.warm()


def open_main_window(db: Any, user: Any) -> Any:
    """The main window for a logged-in user (used by the shell and by tests)."""
    from ui.context import load_context
    from ui.mainwindow import MainWindow

    window = MainWindow(load_context(db, user))
    return window


# --- the interactive shell -----------------------------------------------------------------------

class Shell:
    """Login → (change password) → main window; 注销 returns to the login dialog."""

    def __init__(self, app: Any, loader: CoreLoader) -> None:
        self.app = app
        self.loader = loader
        self.db: Any = None
        self.window: Any = None
        self.login: Any = None
        self.dialog: Any = None

    def run(self) -> int:
        self.app.setQuitOnLastWindowClosed(False)
        self.show_login()
        _shown(self.app, self.login)
        self.loader.start()
        self.loader.wait(self.app)
        if self.loader.error is not None:
            self.login.close()
            return _database_error(self.loader.error, self.loader.db_arg)
        self.db = self.loader.db
        self.login.set_database(self.db, self.loader.court_name)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, warm_main_window)  # while the password is typed
        if self.loader.demo_filled:
            self.login.say(DEMO_FILLED_TEXT)
        if self.loader.needs_setup:
            self.set_up()
        try:
            return self.app.exec()
        finally:
            from ui import workers

            workers.pool().waitForDone(5000)
            self.db.dispose()

    def set_up(self) -> None:
        """A new database: the first-run wizard instead of the login; the login once it is done."""
        from ui.firstrun import FirstRunWizard

        self.login.hide()
        self.dialog = FirstRunWizard(self.db)
        self.dialog.accepted.connect(self._set_up_done)
        self.dialog.rejected.connect(self.app.quit)
        self.dialog.show()

    def _set_up_done(self) -> None:
        from courtdesk.kernel import settings

        admin = self.dialog.admin
        with self.db.read() as s:
            self.loader.court_name = settings.get(s, "court_name")
        self.login.set_database(self.db, self.loader.court_name)
        self.login.username.setText(admin.username)
        self.login.say(SET_UP_TEXT.format(name=admin.name, username=admin.username))
        self.login.show()
        self.login.password.setFocus()

    def show_login(self) -> None:
        from ui.login import LoginDialog

        self.login = LoginDialog(self.db, court_name=self.loader.court_name)
        self.login.accepted.connect(self._logged_in)
        self.login.rejected.connect(self.app.quit)
        self.login.show()

    def _logged_in(self) -> None:
        user = self.login.user
        if user.must_change_password:
            from ui.login import ChangePasswordDialog

            self.dialog = ChangePasswordDialog(self.db, user)
            self.dialog.accepted.connect(lambda: self._open(user))
            self.dialog.rejected.connect(self.show_login)
            self.dialog.show()
        else:
            self._open(user)

    def _open(self, user: Any) -> None:
        self.window = open_main_window(self.db, user)
        self.window.logout_requested.connect(self._logout)
        self.window.restore_requested.connect(self.restore)
        self.window.closed.connect(self._closed)
        self.window.show()

    def restore(self, source: Path) -> None:
        """系统管理 → 数据备份 → 从所选备份恢复 (already confirmed): end the session, close this
        database, restore it from ``source`` with every check of ``restore_sqlite`` (refused, and the
        database untouched, while another CourtDesk has it open or when the backup fails a check),
        reopen it, and say at the login dialog what happened. Runs off the UI thread, which shows a
        progress dialog meanwhile."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QProgressDialog

        from courtdesk.kernel.errors import DomainError
        from ui import workers

        window, self.window = self.window, None
        by = ""
        if window is not None:
            user = window.ctx.user
            by = f"系统管理员 {user.name}（{user.username}）"
            window.closed.disconnect(self._closed)
            window.close()
            window.deleteLater()
            self._forget_keys(user.id)
        progress = QProgressDialog("正在校验备份并恢复数据库，请稍候…", "", 0, 0)
        progress.setWindowTitle("从备份恢复")
        progress.setCancelButton(None)  # type: ignore[arg-type]  # a half-done restore cannot be stopped
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        progress.show()
        workers.pool().waitForDone(30000)  # nothing of the closed session still reads or writes
        old = self.db
        outcome: dict[str, Any] = {}

        def work() -> None:
            from courtdesk.kernel.db import open_database
            from courtdesk.kernel.db.restore import restore_sqlite

            if self.loader.backup_thread is not None:
                self.loader.backup_thread.join(120)  # today's backup, if still being written
            old.dispose()
            try:
                result = restore_sqlite(old.path, Path(source), by=by)
                kept = f"；原数据库已完整保留为 {result.kept}" if result.kept else ""
                outcome["message"] = f"已从备份「{Path(source).name}」恢复数据库{kept}。请重新登录。"
            except DomainError as exc:
                outcome["error"] = f"恢复未进行，数据库未改动：{exc}"
            try:
                outcome["db"] = open_database(old.url)
            except BaseException as exc:  # noqa: BLE001 — shown below, then the app ends
                outcome["fatal"] = exc

        done = threading.Event()

        def run() -> None:
            try:
                work()
            finally:
                done.set()

        threading.Thread(target=run, name="courtdesk-restore", daemon=True).start()
        while not done.wait(0.02):
            self.app.processEvents()
        progress.close()
        if "fatal" in outcome:
            self.app.exit(_database_error(outcome["fatal"], str(old.path)))
            return
        self.db = outcome["db"]
        from courtdesk.kernel import settings

        with self.db.read() as s:
            self.loader.court_name = settings.get(s, "court_name")
        self.show_login()
        self.login.set_database(self.db, self.loader.court_name)
        if "error" in outcome:
            self.login.error.show_message(outcome["error"])
        else:
            self.login.say(outcome["message"])

    def _logout(self) -> None:
        window, self.window = self.window, None
        self.show_login()
        message = getattr(window, "logout_message", "") if window is not None else ""
        if message:  # the session ended by itself (e.g. the account was deactivated)
            self.login.error.show_message(message)
        if window is not None:
            window.closed.disconnect(self._closed)
            window.close()
            window.deleteLater()
            self._forget_keys(window.ctx.user.id)

    def _forget_keys(self, user_id: int) -> None:
        """The person's signing key leaves this process's memory once their last save is done."""
        from courtdesk.kernel import signing
        from ui import workers

        workers.pool().waitForDone(15000)
        with self.db.read() as s:
            signing.forget_person(s, user_id)

    def _closed(self) -> None:
        self.app.quit()


def database_error_text(exc: BaseException, db_arg: str | None) -> str:
    from courtdesk.kernel.errors import DomainError

    if isinstance(exc, DomainError):  # e.g. SchemaError: the file is newer than this program
        return str(exc)
    where = db_arg or "默认数据库"
    return (f"无法打开数据库（{where}）。请确认这是 CourtDesk 的数据库文件且没有损坏；"
            f"必要时请系统管理员从备份恢复。\n\n技术信息：{type(exc).__name__}: {exc}")


def _database_error(exc: BaseException, db_arg: str | None) -> int:
    from PySide6.QtWidgets import QMessageBox

    text = database_error_text(exc, db_arg)
    QMessageBox.critical(None, "无法打开数据库", text)
    print(text, file=sys.stderr)
    return EXIT_DB_ERROR


# --- smoke ---------------------------------------------------------------------------------------

def _ms() -> int:
    return round((time.perf_counter() - STARTED) * 1000)


def smoke_user(db: Any) -> Any:
    from courtdesk.kernel.errors import DomainError
    from courtdesk.kernel.models.people import ADMIN
    from courtdesk.kernel.people import PeopleService

    people = PeopleService(db)
    try:
        return people.login(*SMOKE_USER)
    except DomainError:
        with db.read() as s:
            admins = people.users_with_role(s, ADMIN)
            if not admins:
                raise
            _ = admins[0].roles, admins[0].department
            return admins[0]


def _shown(app: Any, widget: Any, timeout: float = 5.0) -> None:
    """Process events until ``widget`` is exposed and has been painted once (or ``timeout`` s)."""
    from PySide6.QtCore import QEvent, QObject

    painted = threading.Event()

    class _Watch(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.set()
            return False

    watch = _Watch()
    widget.installEventFilter(watch)
    deadline = time.perf_counter() + timeout
    while not (widget.windowHandle() is not None and widget.windowHandle().isExposed() and painted.is_set()):
        if time.perf_counter() > deadline:
            break
        app.processEvents()
        if not painted.is_set():
            painted.wait(0.001)
    widget.removeEventFilter(watch)


def hash_ms(db: Any) -> float:
    """Milliseconds of one argon2 verification of the smoke user's password (nothing else)."""
    from sqlalchemy import select

    from courtdesk.kernel import people
    from courtdesk.kernel.models.people import User

    with db.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == SMOKE_USER[0]))
    stored = stored or people.hash_password(SMOKE_USER[1])
    started = time.perf_counter()
    people._verify(stored, SMOKE_USER[1])
    return (time.perf_counter() - started) * 1000


def _press_login(app: Any, login: Any) -> Any:
    """Type the smoke user into the dialog and press 登录; the user, or None if refused.

    Waits in an event loop, as the shell's ``app.exec()`` does (a busy polling loop here would take
    CPU from the password check it measures)."""
    from PySide6.QtCore import QEventLoop, QTimer

    login.username.setText(SMOKE_USER[0])
    login.password.setText(SMOKE_USER[1])
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: None if login.busy else loop.quit())
    login.accepted.connect(loop.quit)
    QTimer.singleShot(30000, loop.quit)
    login.login_button.click()
    if login.busy:
        check.start()
        loop.exec()
    check.stop()
    login.accepted.disconnect(loop.quit)
    return login.user


def smoke(app: Any, loader: CoreLoader) -> int:
    from ui.login import LoginDialog

    login = LoginDialog(None)
    login.show()
    _shown(app, login)
    print(f"login_ms={_ms()}", flush=True)  # the parent notes when this line arrives: its wall time
    loader.start()
    loader.wait(app)
    if loader.error is not None:
        print(f"smoke: {database_error_text(loader.error, loader.db_arg)}", file=sys.stderr)
        return EXIT_DB_ERROR
    login.set_database(loader.db)
    warm_main_window()  # as the shell does once the database is open (a user is typing meanwhile)
    pressed = time.perf_counter()
    user = _press_login(app, login)
    if user is None:  # no admin/Demo2026 here: measure with the first administrator, unchecked
        user = smoke_user(loader.db)
    window = open_main_window(loader.db, user)
    window.show()
    login.close()
    _shown(app, window)
    main_at = time.perf_counter()
    startup_ms = _ms()
    if login.user is not None:
        print(f"login_to_main_ms={round((main_at - pressed) * 1000)}")
    print(f"startup_ms={startup_ms}", flush=True)
    deadline = time.perf_counter() + 30
    while not window.dashboard.ready and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    print(f"ready_ms={_ms()}", flush=True)
    print(f"hash_ms={round(hash_ms(loader.db))}", flush=True)  # alone: after everything else settled
    window.close()
    from ui import workers

    workers.pool().waitForDone(5000)
    loader.db.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.smoke and not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                           or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # smoke runs without a person, often without a screen
    loader = CoreLoader(args.db, demo=args.demo or args.smoke)  # smoke measures a working system
    app = create_app(sys.argv[0] if sys.argv else "courtdesk")
    if args.smoke:
        return smoke(app, loader)
    return Shell(app, loader).run()


if __name__ == "__main__":
    raise SystemExit(main())
