"""The table model of every register: the ordered record ids, and pages of rows read on demand.

A (re)load for a new query first reads just the first page (``LIMIT``, milliseconds even at a
million rows) and shows it, then reads the ids of every matching record in display order with
:meth:`RegisterQuery.ids` (one narrow query: filters, scope and sort in SQL; seconds at a million
rows) and keeps them as one ``array('q')`` — 8 bytes a row, 8 MB for a million; the rows after the
first page are then appended (or, if the first page changed meanwhile, the model is reset). A reload
of the same query keeps the old rows on screen until the new ids are read. ``rowCount`` is its length. Rows are read ``page_size`` at a time with
:meth:`RegisterQuery.rows_for` (``WHERE id IN (…the window's ids…)``, put back in the window's
order) on the worker pool when the view first asks for them, and kept in an LRU cache of at most
``max_pages`` pages, so a page near the end costs what the first one does (no OFFSET) and memory
stays flat. The ids are a snapshot: rows another workstation inserts meanwhile do not shift what the
user sees until the next reload; a record deleted (or moved out of the user's scope) since then
comes back missing and shows as an empty row. Sorting re-runs the id query in SQL. Every reload
bumps a generation number; results of an older generation (the user typed another search
meanwhile) are dropped when they arrive.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from courtdesk.kernel.registers import RegisterQuery, display_row
from ui import workers

PAGE_SIZE = 200
MAX_PAGES = 20
LOADING = "加载中…"
MISSING = "该记录已不存在或不在您的查看范围内（刷新后不再列出）"

Row = tuple[int, list[str]]  # (record id, display values)
Page = list[Row | None]  # None: a record of the snapshot that is gone

_RIGHT = {"int", "money", "days"}
_GREY = QBrush(QColor("#80868b"))
_STATUS = QBrush(QColor("#174ea6"))
#: Row backgrounds for the tones a register's columns declare (Column.tones).
_TONES = {"overdue": QBrush(QColor("#fbe3e1")), "urgent": QBrush(QColor("#fdebd3")),
          "soon": QBrush(QColor("#fff6d6"))}
_TONE_TEXT = {"overdue": QBrush(QColor("#a50e0e")), "urgent": QBrush(QColor("#b05a00"))}


def _shown(query: RegisterQuery, rows: list[tuple[Any, ...] | None]) -> Page:
    return [None if r is None else (int(r[0]), display_row(query.spec, r)) for r in rows]


def _first_rows(db: Any, actor: Any, query: RegisterQuery, size: int) -> Page:
    with db.read() as s:
        rows = query.page(s, actor, 0, size)
    return _shown(query, list(rows))


def _ids_and_first(db: Any, actor: Any, query: RegisterQuery, size: int) -> tuple[array[int], Page]:
    with db.read() as s:
        ids = query.ids(s, actor)
        rows = query.rows_for(s, actor, ids[:size])
    return ids, _shown(query, rows)


def _load_page(db: Any, actor: Any, query: RegisterQuery, window: Sequence[int]) -> Page:
    with db.read() as s:
        rows = query.rows_for(s, actor, window)
    return _shown(query, rows)


class RegisterTableModel(QAbstractTableModel):
    #: Emitted (on the UI thread) when a (re)load has counted the rows.
    counted = Signal(int)
    #: The first page of a new query is on screen (its row count) while the rest is being counted.
    previewed = Signal(int)
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
        self._tone_columns = [(i, c.tone) for i, c in enumerate(self.spec.columns) if c.tone is not None]
        self.page_size = page_size
        self.max_pages = max_pages
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, Page] = OrderedDict()
        self._pending: set[int] = set()
        self._recent: deque[int] = deque(maxlen=8)
        self._wanted: frozenset[int] = frozenset()
        self._generation = 0
        self._loading = False
        self._preview = False  # only the first page is there, the ids are being read
        self._shown_query: RegisterQuery | None = None  # the query whose rows are on screen
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

    @property
    def ids(self) -> array[int]:
        """The snapshot: ids of the rows in display order (do not modify)."""
        return self._ids

    def reload(self) -> None:
        """Read the ids again and the first page. For a new query, its first page is shown first
        (:attr:`previewed`); for the same query, the old rows stay on screen until the ids are read."""
        self._generation += 1
        gen = self._generation
        self._loading = True
        self._pending.clear()
        if self._shown_query != self._query:
            workers.run_task(
                _first_rows, self.db, self.actor, self._query, self.page_size,
                owner=self, on_done=lambda page: self._previewed(gen, page),
                on_error=lambda exc: self._failed(gen, exc),
            )
        else:
            self._read_ids(gen)

    def _read_ids(self, gen: int) -> None:
        workers.run_task(
            _ids_and_first, self.db, self.actor, self._query, self.page_size,
            owner=self, on_done=lambda result: self._counted(gen, result),
            on_error=lambda exc: self._failed(gen, exc),
        )

    def _previewed(self, gen: int, first: Page) -> None:
        if gen != self._generation:
            self.stale_dropped += 1
            return
        self.beginResetModel()
        self._ids = array("q", [row[0] for row in first if row is not None])
        self._pages.clear()
        self._recent.clear()
        self._wanted = frozenset()
        if first:
            self._pages[0] = first
        self._preview = True
        self._shown_query = self._query
        self.endResetModel()
        self.previewed.emit(len(first))
        self._read_ids(gen)

    def _counted(self, gen: int, result: tuple[array[int], Page]) -> None:
        if gen != self._generation:
            self.stale_dropped += 1
            return
        ids, first = result
        total = len(ids)
        shown = len(self._ids)
        if self._preview and shown and ids[:shown] == self._ids:
            # the preview is still the head of the list: append the rest, keep selection and scroll
            self._preview = False
            self._pages[0] = first
            if total > shown:
                self.beginInsertRows(QModelIndex(), shown, total - 1)
                self._ids = ids
                self.endInsertRows()
            self._loading = False
            if shown:
                self.dataChanged.emit(self.index(0, 0), self.index(min(shown, total) - 1, self.columnCount() - 1))
            self.counted.emit(total)
            return
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self._pending.clear()
        self._recent.clear()
        self._wanted = frozenset()
        if total:
            self._pages[0] = first
        self._preview = False
        self._shown_query = self._query
        self._loading = False
        self.endResetModel()
        self.counted.emit(total)

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self.load_failed.emit(str(exc))

    # --- pages ----------------------------------------------------------------------------------

    def _loaded_entry(self, row: int) -> tuple[bool, Row | None]:
        """(whether the row's page is loaded, the row or None if its record is gone)."""
        rows = self._pages.get(row // self.page_size)
        if rows is None:
            return False, None
        pos = row % self.page_size
        return True, rows[pos] if pos < len(rows) else None

    def _row(self, row: int) -> Row | None:
        """The row to paint (an empty one for a record gone since the snapshot), or None while
        its page is being read."""
        page, pos = divmod(row, self.page_size)
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            entry = rows[pos] if pos < len(rows) else None
            return entry if entry is not None else (0, [""] * len(self.spec.columns))
        if not self._recent or self._recent[-1] != page:
            self._recent.append(page)
            self._wanted = frozenset(self._recent)
        self._request(page)
        return None

    def _request(self, page: int) -> None:
        if self._loading or page in self._pending:
            return
        start = page * self.page_size
        window = self._ids[start:start + self.page_size].tolist()
        if not window:
            return
        self._pending.add(page)
        gen = self._generation
        workers.run_task(
            _load_page, self.db, self.actor, self._query, window,
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
        last = min(len(self._ids), first + self.page_size) - 1
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

    def is_missing(self, row: int) -> bool:
        """Whether the row's page is loaded and its record is gone (deleted, or out of the user's
        scope, since the ids were read)."""
        loaded, entry = self._loaded_entry(row)
        return loaded and entry is None

    def record_id(self, row: int) -> int | None:
        """The record on ``row`` once its page is loaded (None before, and for a record gone)."""
        _loaded, entry = self._loaded_entry(row)
        return entry[0] if entry is not None else None

    def row_values(self, row: int) -> list[str] | None:
        _loaded, entry = self._loaded_entry(row)
        return entry[1] if entry is not None else None

    def row_of(self, record_id: int) -> int | None:
        """The row of a record in the snapshot, loaded or not (None if the query does not list it,
        or it is gone)."""
        try:
            row = self._ids.index(int(record_id))
        except ValueError:
            return None
        return None if self.is_missing(row) else row

    # --- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

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
            if not entry[0] and role == Qt.ItemDataRole.ToolTipRole:
                return MISSING
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > 12 or "\n" in text else None
            return text.replace("\n", " ")
        column = self.spec.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.kind in _RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not self.is_loaded(index.row()) or self.is_missing(index.row()):
                return _GREY
            if column.tone is not None:
                tone = self.row_tone(index.row())
                if tone in _TONE_TEXT:
                    return _TONE_TEXT[tone]
            if column.kind == "status" or column.tone is not None:
                return _STATUS
        if role == Qt.ItemDataRole.BackgroundRole:
            tone = self.row_tone(index.row())
            return _TONES.get(tone) if tone else None
        return None

    def row_tone(self, row: int) -> str | None:
        """The tone of a loaded row (``overdue``, ``urgent``, ``soon``) from its columns' tones."""
        if not self._tone_columns:
            return None
        values = self.row_values(row)
        if values is None:
            return None
        for i, tone_of in self._tone_columns:
            tone = tone_of(values[i])
            if tone:
                return tone
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
