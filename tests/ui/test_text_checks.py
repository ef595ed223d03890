"""The checks the real-window walk runs on what a clerk reads (``tests/support/textchecks.py``) catch
English words, cut-off text and tiny fonts, and leave alone what a record itself holds; the detail
panel's step buttons wrap instead of being cut (``ui.widgets.FlowLayout``)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tests.support import textchecks
from ui.widgets import FlowLayout

pytestmark = pytest.mark.ui


def _kinds(window: Any, allowed: tuple[str, ...] = ()) -> list[str]:
    return [message for _kind, _key, message in textchecks.all_checks(window, allowed)]


def test_english_cut_off_and_tiny_texts_are_reported(qtbot: Any) -> None:
    window = QWidget()
    window.setWindowTitle("Settings")
    qtbot.addWidget(window)
    long = QLabel("这是一个很长很长很长的中文标签文字", window)
    long.setGeometry(0, 0, 50, 20)
    button = QPushButton("保存并关闭窗口", window)
    button.setGeometry(0, 30, 40, 25)
    box = QCheckBox("Remember me", window)
    box.setGeometry(0, 60, 200, 20)
    small = QLabel("小字", window)
    small.setGeometry(0, 90, 80, 20)
    font = small.font()
    font.setPointSize(7)
    small.setFont(font)
    window.resize(300, 200)
    window.show()
    found = "\n".join(_kinds(window))
    assert "窗口标题「Settings」含英文：Settings" in found
    assert "「Remember me」含英文：Remember、me" in found
    assert "QLabel「这是一个很长很长很长的中文标签文字」需宽" in found
    assert "QPushButton「保存并关闭窗口」需宽" in found
    assert "「小字」字号 7 pt，小于 9 pt" in found


def test_formats_user_names_commands_and_a_records_products_are_not_english(qtbot: Any) -> None:
    window = QWidget()
    window.setWindowTitle("CourtDesk 法院办公桌面系统 — 赵敏")
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("导出Word… 另存为PDF… U盘 IP地址 MAC地址 Ctrl+F 案号(2026)冀1091执36号 密码 Demo2026"))
    layout.addWidget(QLabel("在命令行运行 <code>python -m courtdesk restore --db a.sqlite3</code>。"))
    form = QFormLayout()
    form.addRow("品牌型号：", QLabel("惠普 LaserJet Pro M405dn"))
    layout.addLayout(form)
    people = QComboBox()
    people.addItems(["李强（office_head）", "ZC-2026-0021 打印机 惠普 LaserJet Pro"])
    layout.addWidget(people)
    window.show()
    assert _kinds(window, ("office_head",)) == []
    leaked = QComboBox()
    leaked.addItem("organisation")  # a key that was never translated: no Chinese at all
    layout.addWidget(leaked)
    qtbot.waitUntil(leaked.isVisible)
    assert any("organisation" in line for line in _kinds(window, ("office_head",)))


def test_step_buttons_wrap_onto_a_second_line_instead_of_being_cut(qtbot: Any) -> None:
    panel = QWidget()
    qtbot.addWidget(panel)
    row = FlowLayout(panel)
    row.setContentsMargins(0, 0, 0, 0)
    buttons = [QPushButton(text) for text in ("借阅", "清点核对", "移交", "申请销毁", "清退原制发单位")]
    for button in buttons:
        row.addWidget(button)
    panel.resize(340, row.heightForWidth(340))
    panel.show()
    qtbot.waitExposed(panel)
    assert all(b.width() >= b.sizeHint().width() for b in buttons)
    assert buttons[-1].y() > buttons[0].y()  # on the next line
    assert all(b.geometry().right() < 340 for b in buttons)
    assert textchecks.clipped(panel) == []


def test_a_landscape_register_printout_previews_wide_enough_to_read(qtbot: Any, tmp_path: Any,
                                                                    monkeypatch: Any) -> None:
    from PySide6.QtCore import QMarginsF, QRect
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    from ui import screen
    from ui.preview import PdfPreviewDialog

    # a full-HD screen less its taskbar (the offscreen platform's own screen is 800 px wide)
    monkeypatch.setattr(screen, "room", lambda _widget=None: QRect(0, 0, 1908, 1000))

    sizes = {}
    for orientation in (QPageLayout.Orientation.Portrait, QPageLayout.Orientation.Landscape):
        path = tmp_path / f"{orientation.name}.pdf"
        writer = QPdfWriter(str(path))
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF()))
        painter = QPainter(writer)
        painter.drawText(100, 100, "印章使用登记簿")
        painter.end()
        dialog = PdfPreviewDialog(str(path), "印章使用登记簿")
        qtbot.addWidget(dialog)
        sizes[orientation.name] = dialog.size()
    # the landscape page gets a wider window (within the screen), the portrait one stays A4-wide
    assert sizes["Landscape"].width() >= 1.4 * sizes["Landscape"].height()
    assert sizes["Portrait"].width() == 860
