"""The main window: navigation by area on the left, the page on the right, 首页 first.

Every register the user may open gets a page automatically from its RegisterSpec (grouped by
its ``Area``); pages are built on first visit so start-up stays quick.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from courtdesk.kernel.area import areas
from courtdesk.kernel.models.people import ADMIN as ADMIN_ROLE
from courtdesk.kernel.registers import RegisterSpec, listed_registers
from ui import state
from ui.dashboard import DashboardPage

HOME = "home"
#: The main window's size on a screen with room for it (on smaller ones it opens maximised).
DESIGNED_SIZE = (1360, 820)
ADMIN = "admin"
_KEY = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    logout_requested = Signal()
    #: 系统管理 → 数据备份 asked to restore this backup (a Path): the shell ends the session, closes the
    #: database, restores and reopens it (see ``ui.app.Shell``).
    restore_requested = Signal(object)
    closed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        user = ctx.user
        self.setWindowTitle(f"CourtDesk 法院办公桌面系统 — {ctx.court_name} — {user.name}")
        self._place(state.load_bytes(user, "main/geometry"))
        with ctx.db.read() as session:
            self.specs: dict[str, RegisterSpec] = {s.key: s for s in listed_registers(session, user)}
        self.pages: dict[str, QWidget] = {}
        self.is_admin = user.has(ADMIN_ROLE)

        self.nav = QTreeWidget()
        self.nav.setHeaderHidden(True)
        self.nav.setRootIsDecorated(False)
        self.nav.setIndentation(14)
        self.nav.setMinimumWidth(190)
        self.nav.setUniformRowHeights(True)
        self.nav.setStyleSheet("QTreeWidget { border: none; background: #f6f8fb; } "
                               "QTreeWidget::item { padding: 5px 4px; }")
        self.nav_items: dict[str, QTreeWidgetItem] = {}
        self._build_nav()
        self.nav.currentItemChanged.connect(lambda cur, _prev: self._nav_changed(cur))

        self.stack = QStackedWidget()
        self.dashboard = DashboardPage(ctx, {k: s.title for k, s in self.specs.items()})
        self.dashboard.open_requested.connect(self.open_register)
        self._add_page(HOME, self.dashboard)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([210, 1150])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.user_label = QLabel(f"当前用户：{ctx.user_text}　角色：{ctx.roles_text}")
        self.user_label.setContentsMargins(0, 0, 8, 0)  # not flush against the screen's edge
        self.statusBar().addPermanentWidget(self.user_label)
        self._build_actions()
        self.nav.setCurrentItem(self.nav_items[HOME])
        #: Why the session ended by itself (the login dialog shows it), else "".
        self.logout_message = ""
        from ui import ops

        ops.events().account_disabled.connect(self.end_session)

    def _place(self, saved: Any) -> None:
        """This user's size and place from last time, shrunk to the screen when it has less room now
        (another workstation, a taskbar); the first time, maximised on screens up to 1920 px wide and
        the designed 1360 × 820 (or what fits) on larger ones. The screen fitter (``ui.screen``) keeps
        whatever results inside the available area."""
        from ui import screen

        screen.size_within(self, *DESIGNED_SIZE)
        if saved is not None and self.restoreGeometry(saved):
            screen.fit(self)
        elif screen.available(self).width() <= screen.MAXIMISE_UP_TO:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    @staticmethod
    def warm() -> None:
        """Run, once and off screen, the Qt code paths a main window's first build and paint take
        (PySide6 creates its Python enums and signal signatures lazily, styles polish on first use,
        the first top-level window of this size costs ~30 ms more to show than the next): called while
        the password is typed, so the real window opens sooner after 登录. Nothing is shown or kept."""
        shell = QMainWindow()
        nav = QTreeWidget()
        QTreeWidgetItem(nav, ["首页 印章 登记 待办"])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(nav)
        splitter.addWidget(QStackedWidget())
        shell.setCentralWidget(splitter)
        shell.statusBar().addPermanentWidget(QLabel("当前用户：角色：一般工作人员"))
        action = QAction("检索", shell)
        action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        action.triggered.connect(lambda: None)
        shell.menuBar().addMenu("账号(&A)").addAction(action)
        shell.resize(*DESIGNED_SIZE)
        shell.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # a platform window, never on screen
        shell.show()
        shell.grab()  # layout, polish and one paint, into a pixmap
        shell.close()
        shell.deleteLater()

    # --- navigation -----------------------------------------------------------------------------

    def _build_nav(self) -> None:
        bold = QFont(self.nav.font())
        bold.setBold(True)
        home = QTreeWidgetItem(["首页 · 我的待办"])
        home.setData(0, _KEY, HOME)
        home.setFont(0, bold)
        self.nav.addTopLevelItem(home)
        self.nav_items[HOME] = home
        groups: dict[str, QTreeWidgetItem] = {}
        for declared in areas():  # one group per area (two small areas may share one)
            for spec in declared.registers:
                if spec.key not in self.specs:
                    continue
                group = groups.get(declared.group)
                if group is None:
                    group = QTreeWidgetItem([declared.group])
                    group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    group.setFont(0, bold)
                    group.setForeground(0, Qt.GlobalColor.darkGray)
                    self.nav.addTopLevelItem(group)
                    groups[declared.group] = group
                item = QTreeWidgetItem([spec.title])
                item.setData(0, _KEY, spec.key)
                group.addChild(item)
                self.nav_items[spec.key] = item
        if self.is_admin:
            admin = QTreeWidgetItem(["系统管理"])
            admin.setData(0, _KEY, ADMIN)
            admin.setFont(0, bold)
            self.nav.addTopLevelItem(admin)
            self.nav_items[ADMIN] = admin
        self.nav.expandAll()

    def _nav_changed(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        key = item.data(0, _KEY)
        if key:
            self.show_page(key)

    def _add_page(self, key: str, page: QWidget) -> None:
        self.pages[key] = page
        self.stack.addWidget(page)
        signal = getattr(page, "status_message", None)
        if signal is not None:
            signal.connect(lambda text: self.statusBar().showMessage(text, 10000))

    def page(self, key: str) -> QWidget:
        """The page for ``key`` (home, admin or a register key), built on first use."""
        page = self.pages.get(key)
        if page is None:
            if key == ADMIN and self.is_admin:
                from ui.admin import AdminPage

                page = AdminPage(self.ctx)
                page.restore_requested.connect(self.restore_requested)
            elif key in self.specs:
                from ui.register_view import RegisterPage

                page = RegisterPage(self.ctx, self.specs[key])
            else:
                raise KeyError(key)
            self._add_page(key, page)
        return page

    def show_page(self, key: str) -> QWidget:
        existed = key in self.pages
        page = self.page(key)
        returning = self.stack.currentWidget() is not page
        self.stack.setCurrentWidget(page)
        item = self.nav_items.get(key)
        if item is not None and self.nav.currentItem() is not item:
            self.nav.blockSignals(True)
            self.nav.setCurrentItem(item)
            self.nav.blockSignals(False)
        if key == HOME and returning and self.dashboard.ready:
            self.dashboard.refresh()  # back on 首页: numbers may have changed meanwhile
        elif returning and existed and hasattr(page, "refresh"):
            page.refresh()  # back on a register: rows and the open record may have changed meanwhile
        return page

    def open_register(self, key: str, filter_key: str | None = None) -> Any:
        # filter "" (a plain link) keeps the page's current filter; a key selects that preset
        """Open a register page, optionally with a preset filter (dashboard click)."""
        page = self.show_page(key)
        if filter_key and hasattr(page, "set_filter"):
            page.set_filter(filter_key)  # type: ignore[attr-defined]
        return page

    def current_page(self) -> QWidget:
        page = self.stack.currentWidget()
        assert page is not None
        return page

    # --- keyboard -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def add(text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str, slot: Any) -> QAction:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.find_action = add("检索", QKeySequence.StandardKey.Find, lambda: self._call("focus_search"))
        self.new_action = add("新建", QKeySequence.StandardKey.New, lambda: self._call("new_record"))
        self.refresh_action = add("刷新", QKeySequence.StandardKey.Refresh, lambda: self._call("refresh"))
        self.home_action = add("首页", "Ctrl+H", lambda: self.show_page(HOME))
        menu = self.menuBar().addMenu("账号(&A)")
        change = QAction("修改密码…", self)
        change.triggered.connect(self.change_password)
        menu.addAction(change)
        places = QAction("数据位置…", self)  # every user: their own generated-files folder (ui/places.py)
        places.triggered.connect(self.show_places)
        menu.addAction(places)
        logout = QAction("注销（切换用户）", self)
        logout.triggered.connect(self.logout_requested)
        menu.addAction(logout)
        menu.addSeparator()
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        view = self.menuBar().addMenu("查看(&V)")
        for action in (self.home_action, self.find_action, self.new_action, self.refresh_action):
            view.addAction(action)

    def end_session(self, user_id: int, message: str) -> None:
        """The account was deactivated (a write said so): say why and return to the login dialog."""
        if user_id != self.ctx.user.id or self.logout_message:
            return
        self.logout_message = message
        self.statusBar().showMessage(message)
        self.setEnabled(False)  # no further action in this window
        self.logout_requested.emit()

    def closeEvent(self, event: Any) -> None:
        state.save_bytes(self.ctx.user, "main/geometry", self.saveGeometry())  # this user's size, next time
        self.closed.emit()
        super().closeEvent(event)

    def _call(self, name: str) -> None:
        method = getattr(self.current_page(), name, None)
        if method is not None:
            method()

    def show_places(self) -> Any:
        from ui.places import PlacesDialog

        dialog = PlacesDialog(self.ctx, admin=self.is_admin, parent=self)
        dialog.page.changed.connect(self.statusBar().showMessage)
        dialog.open()
        return dialog

    def change_password(self) -> None:
        from ui.login import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.ctx.db, self.ctx.user, self, forced=False)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("密码已修改", 10000))
        dialog.open()
        self.active_dialog = dialog
