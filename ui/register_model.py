"""The table model of every register: a window of pages read from SQL on demand.

``rowCount`` comes from :meth:`RegisterQuery.count`; rows are read ``page_size`` at a time with
:meth:`RegisterQuery.page` on the worker pool when the view first asks for them, and kept in an
LRU cache of at most ``max_pages`` pages, so a register of a million rows opens at once and memory
stays flat. Sorting re-runs the query in SQL. Every reload bumps a generation number; results of an
older generation (the user typed another search meanwhile) are dropped when they arrive.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from courtdesk.kernel.registers import RegisterQuery, display_row
from ui import workers

PAGE_SIZE = 200
MAX_PAGES = 20
LOADING = "加载中…"

Row = tuple[int, list[str]]  # (record id, display values)

_RIGHT = {"int", "money"}
_GREY = QBrush(QColor("#80868b"))
_STATUS = QBrush(QColor("#174ea6"))


def _count_and_first(db: Any, actor: Any, query: RegisterQuery, size: int) -> tuple[int, list[Row]]:
    with db.read() as s:
        total = query.count(s, actor)
        rows = query.page(s, actor, 0, size) if total else []
    return total, [(r[0], display_row(query.spec, r)) for r in rows]


def _load_page(db: Any, actor: Any, query: RegisterQuery, offset: int, size: int) -> list[Row]:
    with db.read() as s:
        rows = query.page(s, actor, offset, size)
    return [(r[0], display_row(query.spec, r)) for r in rows]


class RegisterTableModel(QAbstractTableModel):
    #: Emitted (on the UI thread) when a (re)load has counted the rows.
    counted = Signal(int)
    page_loaded = Signal(int)
    load_failed = Signal(str)

    def __init__(
        self,
        db: Any,
        actor: Any,
        query: RegisterQuery,
        parent: Any = None,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.spec = query.spec
        self._query = query
        self.page_size = page_size
        self.max_pages = max_pages
        self._count = 0
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._pending: set[int] = set()
        self._recent: deque[int] = deque(maxlen=8)
        self._wanted: frozenset[int] = frozenset()
        self._generation = 0
        self._loading = False
        self.stale_dropped = 0  # results thrown away because a newer query replaced theirs
        self.reload()

    # --- query ----------------------------------------------------------------------------------

    @property
    def query(self) -> RegisterQuery:
        return self._query

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def generation(self) -> int:
        return self._generation

    def set_query(self, query: RegisterQuery) -> None:
        if query != self._query:
            self._query = query
            self.reload()

    def reload(self) -> None:
        """Count again and read the first page; the old rows stay on screen until then."""
        self._generation += 1
        gen = self._generation
        self._loading = True
        self._pending.clear()
        workers.run_task(
            _count_and_first, self.db, self.actor, self._query, self.page_size,
            owner=self, on_done=lambda result: self._counted(gen, result),
            on_error=lambda exc: self._failed(gen, exc),
        )

    def _counted(self, gen: int, result: tuple[int, list[Row]]) -> None:
        if gen != self._generation:
            self.stale_dropped += 1
            return
        total, first = result
        self.beginResetModel()
        self._count = total
        self._pages.clear()
        self._pending.clear()
        self._recent.clear()
        self._wanted = frozenset()
        if total:
            self._pages[0] = first
        self._loading = False
        self.endResetModel()
        self.counted.emit(total)

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self.load_failed.emit(str(exc))

    # --- pages ----------------------------------------------------------------------------------

    def _row(self, row: int) -> Row | None:
        page, pos = divmod(row, self.page_size)
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows[pos] if pos < len(rows) else (0, [""] * len(self.spec.columns))
        if not self._recent or self._recent[-1] != page:
            self._recent.append(page)
            self._wanted = frozenset(self._recent)
        self._request(page)
        return None

    def _request(self, page: int) -> None:
        if self._loading or page in self._pending:
            return
        self._pending.add(page)
        gen = self._generation
        workers.run_task(
            _load_page, self.db, self.actor, self._query, page * self.page_size, self.page_size,
            still_wanted=lambda: page in self._wanted,
            owner=self, on_done=lambda rows: self._page_arrived(gen, page, rows),
            on_error=lambda exc: self._failed(gen, exc),
        )

    def _page_arrived(self, gen: int, page: int, rows: Any) -> None:
        if gen != self._generation:
            self.stale_dropped += 1
            return
        self._pending.discard(page)
        if rows is workers.SKIPPED:  # scrolled past before the worker got to it
            return
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = page * self.page_size
        last = min(self._count, first + self.page_size) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
        self.page_loaded.emit(page)

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    def is_loaded(self, row: int) -> bool:
        return row // self.page_size in self._pages

    def fetch_row(self, row: int) -> None:
        """Ask for the page holding ``row`` (as the view does when it paints it)."""
        self._row(row)

    def record_id(self, row: int) -> int | None:
        rows = self._pages.get(row // self.page_size)
        if rows is None or row % self.page_size >= len(rows):
            return None
        return rows[row % self.page_size][0] or None

    def row_values(self, row: int) -> list[str] | None:
        rows = self._pages.get(row // self.page_size)
        if rows is None or row % self.page_size >= len(rows):
            return None
        return rows[row % self.page_size][1]

    def row_of(self, record_id: int) -> int | None:
        """The row of a record among the loaded pages (None if not loaded)."""
        for page, rows in self._pages.items():
            for pos, (rid, _values) in enumerate(rows):
                if rid == record_id:
                    return page * self.page_size + pos
        return None

    # --- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            entry = self._row(index.row())
            if entry is None:
                return LOADING if index.column() == 0 and role == Qt.ItemDataRole.DisplayRole else None
            text = entry[1][index.column()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > 12 or "\n" in text else None
            return text.replace("\n", " ")
        column = self.spec.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.kind in _RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not self.is_loaded(index.row()):
                return _GREY
            if column.kind == "status":
                return _STATUS
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.spec.columns[section].label if 0 <= section < len(self.spec.columns) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: ORDER BY in SQL (column -1 = the register's default order)."""
        descending = order == Qt.SortOrder.DescendingOrder
        if column < 0 or column >= len(self.spec.columns):
            _key, default_desc = self.spec.default_sort
            query = self._query.with_(sort_key=None, descending=None if descending == default_desc else descending)
        else:
            col = self.spec.columns[column]
            if not col.sortable:
                return
            query = self._query.with_(sort_key=col.key, descending=descending)
        self.set_query(query)

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The header indicator that matches the current query."""
        key, desc = self.spec.default_sort
        if self._query.sort_key:
            key = self._query.sort_key
        if self._query.descending is not None:
            desc = self._query.descending
        keys = [c.key for c in self.spec.columns]
        column = keys.index(key) if key in keys else -1
        return column, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder
