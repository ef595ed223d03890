"""Generated files go where the user says: Word, Excel and PDF copies through the save dialog, which
opens in the user's last folder (at first ``<documents>/CourtDesk``); previews leave nothing behind;
a batch of letters asks for its file before it starts; 预览/打印 shows only for a record with a document.

The save dialog itself is replaced (``tests.ui.conftest.save_dialogs``); everything else is real."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from courtdesk.areas.enforcement.models import InvestigationLetter
from tests.ui.conftest import click_record, idle, login, save_dialogs, wait_table
from ui import files, state

pytestmark = pytest.mark.ui


def _forget_folder(user: object) -> None:
    state.save_text(user, files.FOLDER_KEY, "")


def _issued_and_unissued(page) -> tuple[int, int]:
    rows = range(page.model.rowCount())
    issued = next(page.model.record_id(r) for r in rows if page.model.row_values(r)[0])
    draft = next(page.model.record_id(r) for r in rows if not page.model.row_values(r)[0])
    return issued, draft


def test_word_and_excel_are_saved_where_the_user_chooses_and_the_folder_is_remembered(
        qtbot, desk, tmp_path, monkeypatch):
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("introduction_letter")
    wait_table(qtbot, page)
    _forget_folder(page.ctx.user)
    issued, _draft = _issued_and_unissued(page)
    click_record(qtbot, page, issued)
    dialogs = save_dialogs(monkeypatch, tmp_path / "案卷材料")

    # 导出Word…: the first dialog opens in <documents>/CourtDesk, made for it
    qtbot.mouseClick(page.detail.document_buttons["introduction_letter"][1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.last_document is not None, timeout=20000)
    title, start = dialogs.asked[-1]
    default = tmp_path / "我的文档" / "CourtDesk"
    assert title == "导出Word" and start.parent == default and default.is_dir()
    assert start.suffix == ".docx" and page.detail.heading.text().strip("（）") in start.stem
    saved = Path(page.detail.last_document)
    assert saved.parent == tmp_path / "案卷材料" and saved.read_bytes()[:2] == b"PK"

    # 导出Excel: the dialog now opens where the user saved last; the export lands there
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=20000)
    title, start = dialogs.asked[-1]
    assert title == "导出Excel" and start.parent == tmp_path / "案卷材料" and start.suffix == ".xlsx"
    path, count = page.last_export
    assert Path(path).parent == tmp_path / "案卷材料" and count == page.model.rowCount()
    assert openpyxl.load_workbook(path).active.max_row >= count

    # remembered per user, in the settings file: the next dialog of this user starts there
    assert files.last_folder(page.ctx.user) == tmp_path / "案卷材料"
    idle(qtbot)


def test_the_preview_saves_a_copy_with_save_as_and_leaves_no_scratch_file(qtbot, desk, tmp_path, monkeypatch):
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("introduction_letter")
    wait_table(qtbot, page)
    issued, _draft = _issued_and_unissued(page)
    click_record(qtbot, page, issued)
    dialogs = save_dialogs(monkeypatch, tmp_path / "存档")

    qtbot.mouseClick(page.detail.document_buttons["introduction_letter"][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.preview is not None and page.detail.preview.isVisible(), timeout=20000)
    preview = page.detail.preview
    scratch = Path(preview.path)
    assert scratch.is_file()
    save_as = next(b for b in preview.findChildren(QPushButton) if b.text().startswith("另存为"))
    qtbot.mouseClick(save_as, Qt.MouseButton.LeftButton)
    assert dialogs.asked[-1][0] == "另存为PDF"
    copy = Path(preview.saved_to)
    assert copy.parent == tmp_path / "存档" and copy.suffix == ".pdf"
    assert copy.read_bytes() == scratch.read_bytes()
    preview.accept()
    assert not scratch.exists() and not scratch.parent.exists()  # nothing left in the temporary folder
    assert copy.is_file()  # the user's copy stays
    assert files.last_folder(page.ctx.user) == tmp_path / "存档"

    # 打印登记簿: the same — a preview to print from or save; its scratch PDF goes when it closes
    page.preview = None
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.isVisible(), timeout=30000)
    book = Path(page.preview.path)
    assert book.is_file() and str(book) not in page.info.text()
    page.preview.accept()
    assert not book.exists()
    idle(qtbot)


def test_preview_shows_only_for_a_record_that_has_a_document(qtbot, desk):
    clerk = login(qtbot, desk, "clerk")
    page = clerk.open_register("introduction_letter")
    wait_table(qtbot, page)
    issued, draft = _issued_and_unissued(page)

    click_record(qtbot, page, draft)  # not issued yet: no number, no letter to print
    assert page.detail.details.documents == []
    assert not page.detail.document_box.isVisible() and not page.detail.documents

    click_record(qtbot, page, issued)
    assert page.detail.details.documents == [("introduction_letter", "介绍信（存根联及正本）")]
    assert page.detail.document_box.isVisible() and page.detail.documents == ["introduction_letter"]

    click_record(qtbot, page, draft)
    assert not page.detail.document_box.isVisible()
    idle(qtbot)


def test_a_batch_of_letters_asks_for_its_file_first_and_makes_nothing_when_cancelled(
        qtbot, desk, tmp_path, monkeypatch):
    dialogs = save_dialogs(monkeypatch, tmp_path / "文书")
    dialogs.cancel = True
    enforcer = login(qtbot, desk, "enforcer")
    cases = enforcer.open_register("enforcement_case", "open")
    wait_table(qtbot, cases)
    click_record(qtbot, cases, cases.model.record_id(0))
    with desk.read() as s:
        before = int(s.scalar(select(func.count()).select_from(InvestigationLetter)))
    qtbot.mouseClick(cases.command_buttons["letter_batch"], Qt.MouseButton.LeftButton)
    dialog = cases.active_dialog
    qtbot.mouseClick(dialog.widget("unit_ids").all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert len(dialogs.asked) == 1 and dialogs.asked[0][1].suffix == ".pdf"
    assert dialog.isVisible() and cases.command_progress is None  # nothing started
    assert dialog.all_errors() == ["保存位置：没有选择文件，尚未制作（再点一次可重新选择）"]
    with desk.read() as s:
        assert int(s.scalar(select(func.count()).select_from(InvestigationLetter))) == before
    assert not (tmp_path / "文书").exists()

    dialogs.cancel = False  # the second try: the user picks the file, then the letters are made
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cases.last_result is not None, timeout=60000)
    pdf = Path(cases.last_result.pdf_path)
    assert pdf.parent == tmp_path / "文书" and pdf.read_bytes()[:5] == b"%PDF-"
    qtbot.waitUntil(lambda: cases.preview is not None and cases.preview.isVisible(), timeout=20000)
    cases.preview.accept()
    assert pdf.is_file()  # the user's file, not a scratch copy: it stays after the preview closes
    assert files.last_folder(cases.ctx.user) == tmp_path / "文书"
    idle(qtbot)
