"""The paged register model on a large register: opens with the SQL count, loads pages on demand,
keeps at most ``max_pages`` pages, sorts in SQL and drops results of a superseded query."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from courtdesk.areas.seals.demo import bulk_seal_uses
from courtdesk.kernel.db import Database, open_database
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.registers import RegisterQuery, get
from tests.conftest import load_users
from tests.ui.conftest import idle
from ui.register_model import LOADING, RegisterTableModel

pytestmark = pytest.mark.ui

BULK_ROWS = 20_000


@pytest.fixture(scope="module")
def big_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo database plus 20,000 seal uses (one bulk fill per module)."""
    path = tmp_path_factory.mktemp("big") / "court.sqlite3"
    shutil.copy2(template_db, path)
    db = open_database(str(path))
    ctx = DemoContext(db, users=load_users(db))
    bulk_seal_uses(ctx, BULK_ROWS)
    yield db
    db.dispose()


@pytest.fixture
def clerk(big_db: Database):
    return load_users(big_db)["clerk"]


def _model(qtbot, db, actor, query, **kw) -> RegisterTableModel:
    model = RegisterTableModel(db, actor, query, **kw)
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    return model


def test_large_register_opens_with_the_sql_count_and_loads_the_last_page_on_demand(qtbot, big_db, clerk):
    query = RegisterQuery(get("seal_use"))
    with big_db.read() as s:
        total = query.count(s, clerk)
        last_page = query.page(s, clerk, total - 1, 1)
    assert total > BULK_ROWS
    model = _model(qtbot, big_db, clerk, query, page_size=200, max_pages=5)
    assert model.rowCount() == total
    assert model.cached_pages() == [0]  # only the first page was read
    last = total - 1
    index = model.index(last, 0)
    assert model.data(index) == LOADING  # asks for the page …
    qtbot.waitUntil(lambda: model.is_loaded(last), timeout=20000)  # … which a worker reads
    assert model.record_id(last) == last_page[0][0]
    assert model.data(index) == model.row_values(last)[0]
    idle(qtbot)


def test_scrolling_through_the_register_keeps_memory_bounded(qtbot, big_db, clerk):
    model = _model(qtbot, big_db, clerk, RegisterQuery(get("seal_use")), page_size=100, max_pages=4)
    for page in range(12):
        row = page * 100 + 50
        model.fetch_row(row)
        qtbot.waitUntil(lambda row=row: model.is_loaded(row), timeout=20000)
        assert len(model.cached_pages()) <= 4
    assert model.cached_pages() == [8, 9, 10, 11]  # least recently used pages were dropped
    assert not model.is_loaded(50)
    idle(qtbot)


def test_a_table_view_over_the_large_register_scrolls_to_the_end(qtbot, big_db, clerk):
    from ui.register_view import RegisterTable

    model = _model(qtbot, big_db, clerk, RegisterQuery(get("seal_use")))
    view = RegisterTable()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 500)
    with qtbot.waitExposed(view):
        view.show()
    view.scrollToBottom()
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: model.is_loaded(last), timeout=20000)
    assert len(model.cached_pages()) <= model.max_pages
    idle(qtbot)


def test_header_click_sorts_in_sql(qtbot, big_db, clerk):
    spec = get("seal_use")
    model = _model(qtbot, big_db, clerk, RegisterQuery(spec))
    title = [c.key for c in spec.columns].index("title")
    model.sort(title, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    with big_db.read() as s:
        expected = RegisterQuery(spec, sort_key="title", descending=False).page(s, clerk, 0, 5)
    assert [model.record_id(r) for r in range(5)] == [r[0] for r in expected]
    assert model.sort_column() == (title, Qt.SortOrder.AscendingOrder)
    idle(qtbot)


def test_results_of_a_superseded_query_are_dropped(qtbot, big_db, clerk):
    spec = get("seal_use")
    model = _model(qtbot, big_db, clerk, RegisterQuery(spec))
    counts: list[int] = []
    model.counted.connect(counts.append)
    model.set_query(RegisterQuery(spec, search="证明"))
    model.set_query(RegisterQuery(spec, filter_key="voided"))  # before the first answer arrives
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    idle(qtbot)
    with big_db.read() as s:
        voided = RegisterQuery(spec, filter_key="voided").count(s, clerk)
    assert model.stale_dropped == 1
    assert counts == [voided]
    assert model.rowCount() == voided


def test_a_new_query_shows_its_first_page_at_once_and_appends_the_rest_when_counted(qtbot, big_db, clerk):
    """At a million rows reading every id takes seconds; the first page (LIMIT) takes milliseconds.
    The clerk sees the first rows at once; the rest is appended without a reset (scroll and
    selection stay) once the ids are read."""
    spec = get("seal_use")
    model = RegisterTableModel(big_db, clerk, RegisterQuery(spec), page_size=200)
    previews: list[tuple[int, int, bool, int | None]] = []
    model.previewed.connect(
        lambda n: previews.append((n, model.rowCount(), model.loading, model.record_id(0))))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    with big_db.read() as s:
        total = RegisterQuery(spec).count(s, clerk)
        head = RegisterQuery(spec).page(s, clerk, 0, 1)[0][0]
    assert previews == [(200, 200, True, head)]  # first page shown while still counting
    assert resets == [200]  # the preview's reset only
    assert inserted == [(200, total - 1)]  # then the rest appended
    assert model.rowCount() == total and model.record_id(0) == head
    idle(qtbot)


def test_reloading_the_same_query_keeps_the_rows_on_screen_until_counted(qtbot, big_db, clerk):
    spec = get("seal_use")
    model = _model(qtbot, big_db, clerk, RegisterQuery(spec))
    total = model.rowCount()
    previews: list[int] = []
    model.previewed.connect(previews.append)
    counts: list[int] = []
    model.counted.connect(lambda n: counts.append(model.rowCount()))
    model.reload()  # e.g. after a save
    assert model.rowCount() == total  # nothing shrinks meanwhile
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    assert previews == [] and counts == [total]
    idle(qtbot)
