"""The register model keeps the ordered ids as a snapshot: a record another workstation files does
not shift the rows the user is looking at until a reload, and a record gone since the snapshot
shows as an empty row instead of breaking the table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import delete

from courtdesk.areas.seals.demo import bulk_seal_uses
from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel.db import Database, open_database
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.registers import RegisterQuery, get
from tests.conftest import _copy_db, load_users
from tests.ui.conftest import idle
from ui.register_model import LOADING, MISSING, RegisterTableModel

pytestmark = pytest.mark.ui


@pytest.fixture
def bulk_db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    db = open_database(str(_copy_db(template_db, tmp_path)))
    bulk_seal_uses(DemoContext(db, users=load_users(db)), 1_000)
    yield db
    db.dispose()


def _model(qtbot, db) -> RegisterTableModel:
    model = RegisterTableModel(db, load_users(db)["clerk"], RegisterQuery(get("seal_use")), page_size=100)
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    return model


def _load(qtbot, model: RegisterTableModel, row: int) -> None:
    model.fetch_row(row)
    qtbot.waitUntil(lambda: model.is_loaded(row), timeout=20000)


def test_a_record_filed_elsewhere_does_not_shift_the_rows_until_reload(qtbot, bulk_db):
    model = _model(qtbot, bulk_db)
    total = model.rowCount()
    _load(qtbot, model, 550)
    shown = [model.record_id(r) for r in range(500, 600)]
    values = model.row_values(550)

    snapshot_650 = model.ids[650]

    bulk_seal_uses(DemoContext(bulk_db, users=load_users(bulk_db)), 1)  # another workstation

    _load(qtbot, model, 650)  # scrolling on reads another page of the same snapshot
    assert model.rowCount() == total
    assert [model.record_id(r) for r in range(500, 600)] == shown
    assert model.record_id(650) == snapshot_650
    with bulk_db.read() as s:  # what OFFSET would have shown there now: the row above
        assert model.query.page(s, model.actor, 650, 1)[0][0] == model.record_id(649)
    model.reload()
    qtbot.waitUntil(lambda: not model.loading, timeout=20000)
    assert model.rowCount() == total + 1
    _load(qtbot, model, 551)
    assert model.row_values(551) == values  # after the reload everything moved down one row
    idle(qtbot)


def test_a_record_gone_since_the_snapshot_shows_as_an_empty_row(qtbot, bulk_db):
    model = _model(qtbot, bulk_db)
    row = 420
    gone = model.ids[row]
    assert model.row_of(gone) == row  # found in the snapshot before its page is read
    assert not model.is_loaded(row)
    with bulk_db.write() as s:  # stands for a record that vanished meanwhile
        s.execute(delete(SealUse).where(SealUse.id == gone))
    assert model.data(model.index(row, 0)) == LOADING
    qtbot.waitUntil(lambda: model.is_loaded(row), timeout=20000)

    assert model.is_missing(row)
    assert [model.data(model.index(row, c)) for c in range(model.columnCount())] == [""] * model.columnCount()
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole) == MISSING
    assert model.record_id(row) is None and model.row_values(row) is None
    assert model.row_of(gone) is None
    assert model.record_id(row + 1) == model.ids[row + 1]  # its neighbours are unaffected
    assert model.row_values(row - 1) is not None
    idle(qtbot)
