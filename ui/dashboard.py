"""首页: 我的待办 — what needs the user today, from every register's dashboard hook."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel import clock
from ui import workers

WEEKDAYS = "一二三四五六日"


def _load(db: Any, actor: Any) -> list[Any]:
    from courtdesk.kernel.registers import dashboard

    with db.read() as s:
        return dashboard(s, actor)


class DashboardCard(QPushButton):
    """One line of 我的待办: a count and what it is; clicking opens the filtered register."""

    def __init__(self, item: Any, register_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(88)
        self.setFixedWidth(340)
        accent = "#c5221f" if item.urgent else "#1a73e8"
        self.setStyleSheet(
            "QPushButton { text-align: left; background: #ffffff; border: 1px solid #dadce0;"
            f" border-left: 4px solid {accent}; padding: 8px 12px; }}"
            "QPushButton:hover { background: #f1f5fd; } QPushButton:focus { border: 1px solid #1a73e8;"
            f" border-left: 4px solid {accent}; }}"
        )
        count = QLabel(str(item.count))
        count.setMinimumWidth(44)
        count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        count.setStyleSheet(f"color: {accent}; border: none; background: transparent; font-size: 24pt;"
                            " font-weight: bold;")
        title = QLabel(item.title)
        title_font = QFont(title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        title.setFont(title_font)
        title.setWordWrap(True)
        title.setStyleSheet("border: none; background: transparent;")
        where = QLabel(f"{register_title} ›")
        where.setStyleSheet("color: #5f6368; border: none; background: transparent;")
        for label in (count, title, where):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title)
        text.addWidget(where)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.addWidget(count)
        row.addSpacing(12)
        row.addLayout(text, 1)
        self.setAccessibleName(f"{item.title} {item.count}")


class DashboardPage(QWidget):
    #: (register key, filter key) — the main window opens that register with the filter.
    open_requested = Signal(str, str)
    loaded = Signal(int)

    def __init__(self, ctx: Any, titles: dict[str, str], parent: QWidget | None = None) -> None:
        """``titles``: register key → title of the registers this user may open (in nav order)."""
        super().__init__(parent)
        self.ctx = ctx
        self.titles = titles
        self.items: list[Any] = []
        self.ready = False  # the first numbers have arrived
        self.cards: list[DashboardCard] = []
        self._generation = 0

        today = clock.today()
        greeting = QLabel(f"{ctx.user.name}，您好")
        font = QFont(greeting.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        greeting.setFont(font)
        date = QLabel(f"今天是 {today.year} 年 {today.month} 月 {today.day} 日，星期{WEEKDAYS[today.weekday()]}"
                      f"　·　{ctx.court_name}")
        date.setStyleSheet("color: #5f6368;")
        heading = QLabel("我的待办")
        heading_font = QFont(heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading_font.setBold(True)
        heading.setFont(heading_font)
        self.state = QLabel("正在统计待办事项…")
        self.state.setStyleSheet("color: #5f6368;")
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        self.grid.setColumnStretch(3, 1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("刷新（F5）")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.refresh_button)

        self.registers_heading = QLabel("我的登记簿")
        self.registers_heading.setFont(heading_font)
        self.register_links: dict[str, QPushButton] = {}
        links = QGridLayout()
        links.setSpacing(8)
        for i, (key, title) in enumerate(titles.items()):
            link = QPushButton(title)
            link.setCursor(Qt.CursorShape.PointingHandCursor)
            link.setMinimumHeight(34)
            link.setMinimumWidth(200)
            link.setMaximumWidth(300)
            link.clicked.connect(lambda _c=False, k=key: self.open_requested.emit(k, ""))
            links.addWidget(link, i // 4, i % 4)
            self.register_links[key] = link
        links.setColumnStretch(4, 1)
        self.registers_heading.setVisible(bool(titles))

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(greeting)
        layout.addWidget(date)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #dadce0;")
        layout.addWidget(line)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.grid_holder)
        layout.addSpacing(16)
        layout.addWidget(self.registers_heading)
        layout.addLayout(links)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        # Count once 「正在统计待办事项…」 is on screen: started earlier, the counting threads hold the
        # interpreter while the window's first frame waits (measured: 60–90 ms to it instead of 20).
        self.state.installEventFilter(self)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.state and event.type() == QEvent.Type.Paint:
            self.state.removeEventFilter(self)
            QTimer.singleShot(0, self.refresh)
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        self._generation += 1
        gen = self._generation
        workers.run_task(_load, self.ctx.db, self.ctx.user,
                         owner=self, on_done=lambda items: self._show(gen, items),
                         on_error=lambda exc: self._failed(gen, exc))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self.state.setText(f"统计待办事项失败：{exc}")

    def _show(self, gen: int, items: list[Any]) -> None:
        if gen != self._generation:
            return
        self.items = sorted(items, key=lambda i: not i.urgent)  # urgent first, else as the registers list them
        self.ready = True
        for card in self.cards:
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for i, item in enumerate(self.items):
            card = DashboardCard(item, self.titles.get(item.register, item.register))
            card.clicked.connect(lambda _c=False, it=item: self.open_requested.emit(it.register, it.filter))
            self.grid.addWidget(card, i // 3, i % 3)
            self.cards.append(card)
        # items count different things (件, 张): say how many lines need the user, not a sum
        urgent = sum(1 for i in self.items if i.urgent)
        text = f"共 {len(self.items)} 项待办" + (f"，其中 {urgent} 项紧急" if urgent else "") + "，点击即可办理。"
        self.state.setText(text if self.items else "今天没有需要您办理的事项。")
        self.loaded.emit(len(self.items))

    def focus_search(self) -> None:  # Ctrl+F on the dashboard: nothing to search
        pass
