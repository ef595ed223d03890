"""What a clerk reads in a window, checked: English words, text cut off by its widget, tiny fonts.

Used by the real-window walk (``tests/support/realwindow.py``) on the windows it has open, so the test
and ``packaging/screenshots.py`` report the same. Each check takes a top-level window and returns
``(key, message)`` pairs; the key lets a walker report one finding once however often the same widget
is shown.

- **English**: every visible text a user reads — labels, buttons, check boxes, group box titles, tab
  texts, table and tree headers, window titles, placeholder texts, combo box items, tool tips — is
  split into words; a word of two or more Latin letters is reported unless it is in
  :data:`ALLOWED_WORDS` (formats, units, product and protocol names a court writes in Latin letters too)
  or in the caller's own list (user names of the data). Tokens mixing letters and digits (case numbers,
  IDs, passwords like Demo2026, 1366x768), URLs, mail addresses, paths and spans set as code
  (``<code>``, a command line to type) are data, not words. What a record holds — a value in the field
  column of a form layout (the detail panel's 登记信息), a drop-down's items — may name a product
  (惠普 LaserJet Pro M405dn): there only a text without any Chinese is reported (an untranslated key
  such as ``organisation`` leaking through).
- **Clipped**: a label's text (plain or rich, wrapped or not) larger than its contents rect; a
  button's, check box's or radio button's text wider than the room the style leaves for it; a tab
  narrower than its text needs (elided) or lying beyond the tab bar; a table header section narrower
  than its title; a group box narrower than its title.
- **Tiny fonts**: any visible widget whose font is below 9 pt (or 12 px).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

#: Latin words a Chinese court's screens may carry: file formats, units, hardware and protocol names,
#: product names (upper-cased for comparison).
ALLOWED_WORDS = frozenset(w.upper() for w in (
    "PDF", "DOCX", "DOC", "XLSX", "XLS", "CSV", "ZIP", "PNG", "JPG", "JPEG", "OFD", "TXT", "JSON",
    "IP", "MAC", "USB", "U", "CPU", "ID", "PIN", "PC", "IT", "OA", "VPN", "LAN", "WAN", "DNS", "URL",
    "KB", "MB", "GB", "TB", "A4", "A3", "QQ", "EMS", "SM2", "SM3", "SM4", "CA", "UKey", "WPS",
    "Word", "Excel", "Windows", "Linux", "PostgreSQL", "SQLite", "CourtDesk", "Ctrl", "Shift", "Alt",
    "Esc", "Enter", "Tab", "Del", "F1", "F2", "F3", "F5", "PgUp", "PgDn", "Wi", "Fi", "Ed25519",
    "SHA", "argon2id", "Qt", "xcb", "IC", "KEY", "TIFF", "DVD",
))

_TOKEN = re.compile(r"[A-Za-z0-9_.:@/\\\-+#%=?&~]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
_MNEMONIC = re.compile(r"\(&\w\)|&(?=[^&])")
_TAGS = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<(code|tt|pre)>.*?</\1>", re.S | re.I)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ENTITIES = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'"}

ENGLISH = "英文"
CLIPPED = "文字被截断"
TINY = "字号过小"
MIN_POINT_SIZE = 9.0
MIN_PIXEL_SIZE = 12


def plain(text: str, *, rich: bool = False, mnemonic: bool = False) -> str:
    """The text as shown: tags and entities of rich text resolved, a mnemonic's & dropped."""
    if rich:
        text = _CODE.sub(" ", text)
        text = _TAGS.sub(" ", text.replace("<br>", "\n").replace("<br/>", "\n"))
        for entity, char in _ENTITIES.items():
            text = text.replace(entity, char)
    if mnemonic:
        text = _MNEMONIC.sub("", text).replace("&&", "&")
    return text


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin words in ``text`` that a Chinese screen should not show."""
    extra = {a.upper() for a in allowed}
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.upper() in extra or any(ch.isdigit() for ch in token) or "://" in token or "@" in token or "/" in token \
                or "\\" in token or "." in token.strip("."):
            continue  # a number, ID, address, path or file name: data
        for word in _WORD.findall(token):
            if word.upper() not in ALLOWED_WORDS and word.upper() not in extra and word not in words:
                words.append(word)
    return words


def _visible_children(window: Any) -> list[Any]:
    """The window and its visible widgets, found once per window and check round (the walk checks
    every window after every step: one pass over the widget tree, not one per check)."""
    from PySide6.QtWidgets import QWidget

    cached = _round.get(id(window))
    if cached is not None:
        return cached
    found = [window] + [w for w in window.findChildren(QWidget) if w.isVisible() and w.window() is window]
    if _round.get("active"):
        _round[id(window)] = found
    return found


#: While :func:`all_checks` runs: the visible widgets per window and the labels holding values.
_round: dict[Any, Any] = {}


def _name(widget: Any) -> str:
    return widget.objectName() or type(widget).__name__


def _window_name(window: Any) -> str:
    return f"{type(window).__name__}「{window.windowTitle()}」"


def readable_texts(window: Any) -> Iterator[tuple[Any, str, str]]:
    """(widget, what, text) for every text a user reads in the visible part of ``window``; ``what``
    is :data:`VALUE` or :data:`CHOICE` for what a record holds."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QGroupBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTabBar,
        QTextEdit,
    )

    yield window, "窗口标题", window.windowTitle()
    values = _value_labels(window)
    for widget in _visible_children(window):
        tip = widget.toolTip()
        if tip:
            yield widget, "提示", plain(tip, rich=_might_be_rich(tip))
        if isinstance(widget, QLabel) and id(widget) in values:
            yield widget, VALUE, plain(widget.text(), rich=_is_rich(widget))
        elif isinstance(widget, QLabel):
            yield widget, "标签", plain(widget.text(), rich=_is_rich(widget), mnemonic=bool(widget.buddy()))
        elif isinstance(widget, QAbstractButton):
            yield widget, "按钮", plain(widget.text(), mnemonic=True)
        elif isinstance(widget, QGroupBox):
            yield widget, "分组标题", plain(widget.title(), mnemonic=True)
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    yield widget, "标签页", plain(widget.tabText(i), mnemonic=True)
        elif isinstance(widget, QHeaderView):
            model = widget.model()
            if model is None:
                continue
            for section in range(widget.count()):
                if not widget.isSectionHidden(section):
                    value = model.headerData(section, widget.orientation(), Qt.ItemDataRole.DisplayRole)
                    if isinstance(value, str):
                        yield widget, "表头", value
        elif isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
            if widget.placeholderText():
                yield widget, "占位提示", widget.placeholderText()
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield widget, CHOICE, widget.itemText(i)
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            continue


def _might_be_rich(text: str) -> bool:
    from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace

    return bool(GuiQt.mightBeRichText(text))


VALUE = "登记内容"
CHOICE = "下拉选项"


def _value_labels(window: Any) -> set[int]:
    """Labels in the field column of a form layout: a record's values, not the interface's words."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    found: set[int] = set()
    for layout in window.findChildren(QFormLayout):
        for row in range(layout.rowCount()):
            item = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                found.add(id(widget))
    return found


def _is_rich(label: Any) -> bool:
    from PySide6.QtCore import Qt

    fmt = label.textFormat()
    return fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and _might_be_rich(label.text()))


def english(window: Any, allowed: Iterable[str] = ()) -> list[tuple[str, str]]:
    allowed = tuple(allowed)
    found = []
    for widget, what, text in readable_texts(window):
        if what in (VALUE, CHOICE) and _CJK.search(text):
            continue  # a record's own words may name a product in Latin letters
        words = english_words(text, allowed)
        if words:
            found.append((f"{ENGLISH}|{type(window).__name__}|{what}|{text}",
                          f"{_window_name(window)} 的{what}「{_short(text)}」含英文：{'、'.join(words)}"))
    return found


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


# --- clipped text ----------------------------------------------------------------------------------

def clipped(window: Any) -> list[tuple[str, str]]:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QCheckBox,
        QGroupBox,
        QHeaderView,
        QLabel,
        QRadioButton,
        QTabBar,
    )

    found: list[tuple[str, str]] = []
    for widget in _visible_children(window):
        if widget.width() <= 1 or widget.height() <= 1:
            continue
        if isinstance(widget, QLabel):
            problem = _label_clipped(widget)
        elif isinstance(widget, (QCheckBox, QRadioButton)):
            problem = _check_clipped(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button_clipped(widget)
        elif isinstance(widget, QTabBar):
            problem = _tabs_clipped(widget)
        elif isinstance(widget, QHeaderView):
            problem = _header_clipped(widget)
        elif isinstance(widget, QGroupBox):
            problem = _group_clipped(widget)
        else:
            problem = None
        if problem:
            text, detail = problem
            found.append((f"{CLIPPED}|{type(window).__name__}|{type(widget).__name__}|{_name(widget)}|{text}",
                          f"{_window_name(window)} 的{type(widget).__name__}「{_short(text)}」{detail}"))
    return found


def _label_clipped(label: Any) -> tuple[str, str] | None:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QTextDocument

    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    room = label.contentsRect()
    margin = label.margin()
    width = room.width() - 2 * margin - max(label.indent(), 0)
    height = room.height() - 2 * margin
    if _is_rich(label):
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if label.wordWrap():
            doc.setTextWidth(width)
            need_w, need_h = doc.idealWidth(), doc.size().height()
        else:
            need_w, need_h = doc.idealWidth(), doc.size().height()
        shown = plain(text, rich=True)
    else:
        flags = int(label.alignment().value) | int(Qt.TextFlag.TextExpandTabs.value)
        if label.wordWrap():
            flags |= int(Qt.TextFlag.TextWordWrap.value)
            rect = label.fontMetrics().boundingRect(QRect(0, 0, max(width, 1), 100000), flags, text)
        else:
            rect = label.fontMetrics().boundingRect(QRect(0, 0, 100000, 100000), flags, text)
        need_w, need_h = rect.width(), rect.height()
        shown = text
    if need_w > width + 1:
        return shown, f"需宽 {int(need_w)} px，只有 {width} px"
    if need_h > height + 2:
        return shown, f"需高 {int(need_h)} px，只有 {height} px"
    return None


def _button_clipped(button: Any) -> tuple[str, str] | None:
    from PySide6.QtWidgets import QStyle

    text = plain(button.text(), mnemonic=True)
    if not text:
        return None
    need = button.fontMetrics().horizontalAdvance(text)
    if not button.icon().isNull():
        need += button.iconSize().width() + 4
    style = button.style()
    room = button.contentsRect().width() - 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button) // 2
    if need > room + 1:
        return text, f"需宽 {need} px，只有 {room} px"
    return None


def _check_clipped(box: Any) -> tuple[str, str] | None:
    from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

    text = plain(box.text(), mnemonic=True)
    if not text:
        return None
    option = QStyleOptionButton()
    box.initStyleOption(option)
    element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(box, QCheckBox)
               else QStyle.SubElement.SE_RadioButtonContents)
    room = box.style().subElementRect(element, option, box).width()
    need = box.fontMetrics().horizontalAdvance(text)
    if need > room + 1:
        return text, f"需宽 {need} px，只有 {room} px"
    return None


def _tabs_clipped(bar: Any) -> tuple[str, str] | None:
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = plain(bar.tabText(i), mnemonic=True)
        rect = bar.tabRect(i)
        if rect.width() < bar.tabSizeHint(i).width() - 1:
            return text, f"标签宽 {rect.width()} px，文字需 {bar.tabSizeHint(i).width()} px（被省略）"
        if rect.right() > bar.width() or rect.left() < 0:
            return text, "标签在标签栏之外，须滚动才看得到"
    return None


def _header_clipped(header: Any) -> tuple[str, str] | None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle

    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return None
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    metrics = header.fontMetrics()
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        value = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not isinstance(value, str) or not value:
            continue
        need = max(metrics.horizontalAdvance(line) for line in value.split("\n")) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            need += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header) + margin
        size = header.sectionSize(section)
        if size < need:
            return value, f"列宽 {size} px，列名需 {need} px"
    return None


def _group_clipped(box: Any) -> tuple[str, str] | None:
    title = plain(box.title(), mnemonic=True)
    if not title:
        return None
    need = box.fontMetrics().horizontalAdvance(title) + 16
    if need > box.width():
        return title, f"需宽 {need} px，只有 {box.width()} px"
    return None


# --- tiny fonts ------------------------------------------------------------------------------------

def tiny_fonts(window: Any) -> list[tuple[str, str]]:
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel

    found = []
    for widget in _visible_children(window):
        font = widget.font()
        points, pixels = font.pointSizeF(), font.pixelSize()
        if (points > 0 and points < MIN_POINT_SIZE) or (pixels > 0 and pixels < MIN_PIXEL_SIZE):
            size = f"{points:g} pt" if points > 0 else f"{pixels} px"
            text = (widget.text() if isinstance(widget, (QLabel, QAbstractButton))
                    else widget.title() if isinstance(widget, QGroupBox) else "")
            found.append((f"{TINY}|{type(window).__name__}|{type(widget).__name__}|{_name(widget)}|{size}",
                          f"{_window_name(window)} 的{type(widget).__name__}「{_short(text) or _name(widget)}」"
                          f"字号 {size}，小于 {MIN_POINT_SIZE:g} pt"))
    return found


def all_checks(window: Any, allowed: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(kind, key, message) of every check on ``window``."""
    out = []
    _round.clear()
    _round["active"] = True
    try:
        checks = ((ENGLISH, english(window, allowed)), (CLIPPED, clipped(window)), (TINY, tiny_fonts(window)))
    finally:
        _round.clear()
    for kind, results in checks:
        out.extend((kind, key, message) for key, message in results)
    return out
