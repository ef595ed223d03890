"""The detail panel beside a register's table: all columns, 办理经过, 附件 and the actions the user
may take now (one button per available workflow transition)."""

from __future__ import annotations

import html
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from courtdesk.kernel.registers import RegisterSpec
from ui import workers
from ui.widgets import ErrorLabel, FlowLayout, message

HINT_STYLE = "color: #5f6368;"


@dataclass(frozen=True)
class HistoryLine:
    at: str
    actor: str
    action: str
    change: str
    comment: str
    #: How the comment is introduced (意见 for a workflow step, 修改原因 for an edit).
    comment_label: str = "意见"


@dataclass(frozen=True)
class AttachmentLine:
    id: int
    filename: str
    purpose: str
    size: int
    uploaded_at: str


@dataclass
class RecordDetails:
    record_id: int
    values: list[str] = field(default_factory=list)  # the register's columns, as displayed
    status: str = ""
    history: list[HistoryLine] = field(default_factory=list)
    attachments: list[AttachmentLine] = field(default_factory=list)
    actions: list[Any] = field(default_factory=list)  # courtdesk.kernel.workflow.Transition
    #: The next steps that are somebody else's, in words: 院长办理「批准」「不批准」（依据…）.
    waiting: str = ""
    #: The record's version as loaded: actions and edits carry it, so a record someone else saved
    #: meanwhile is refused (StaleRecord) instead of being overwritten.
    version: int | None = None
    #: The record's workflow state (key), for per-state field rules of the edit form.
    state: str | None = None
    #: Whether the user may edit (修改) the record now, and the editable fields' current values.
    can_edit: bool = False
    edit_values: dict[str, Any] = field(default_factory=dict)
    #: The record's child rows per ``spec.lines`` key: (rows as text, the 合计 row or None).
    lines: dict[str, tuple[list[list[str]], list[str] | None]] = field(default_factory=dict)
    #: The documents the user may print for the record now: (kind name, title), in declared order.
    documents: list[tuple[str, str]] = field(default_factory=list)
    #: Where the user takes a next step that is a register command (报送区财政局 for several at once).
    command_hint: str = ""
    #: Findings the register points out on this record for this user (``RegisterSpec.notices``).
    notices: list[str] = field(default_factory=list)
    #: What a decision on the record rests on beyond its columns (``RegisterSpec.facts``).
    facts: list[tuple[str, str]] = field(default_factory=list)
    #: Per action offered: its fields as the record suggests them (``Transition.prefill``).
    step_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Per action offered: the options of its fields that follow the record (``choices_by=(RECORD, …)``).
    step_choices: dict[str, dict[str, list[tuple[Any, str]]]] = field(default_factory=dict)


def entity_of(spec: RegisterSpec) -> str:
    """The entity name under which a register's attachments and workflow steps are filed."""
    return spec.entity


def get_record(spec: RegisterSpec, session: Any, record_id: int) -> Any:
    return session.get(spec.model, record_id)


def load_details(db: Any, actor: Any, spec: RegisterSpec, record_id: int) -> RecordDetails | None:
    """Worker side: read what the panel shows about one record."""
    from courtdesk.kernel import attachments, editing, viewlog, workflow
    from courtdesk.kernel.registers import RegisterQuery, display_row

    if spec.log_views:  # recorded first, so the history below shows this very opening
        viewlog.opened(db, actor, spec, record_id)
    with db.read() as s:
        # The row as the register shows it (and only if the user's scope lets them see it).
        row = RegisterQuery(spec).one(s, actor, record_id)
        record = get_record(spec, s, record_id) if row is not None else None
        if record is None:
            return None
        details = RecordDetails(record_id, display_row(spec, tuple(row)))
        version = getattr(record, "version", None)
        details.version = int(version) if version is not None else None
        status = getattr(record, "status", None)
        details.state = str(status) if status is not None else None
        if spec.can_edit(actor, record) and spec.edit is not None:
            details.can_edit = True
            details.edit_values = spec.edit.values(record)
        dated: list[tuple[Any, int, HistoryLine]] = []
        flow = spec.workflow
        if flow is not None:
            details.status = flow.label(str(record.status))
        if spec.live_status is not None:  # what is true today (已到期未续行 …), not the stored state
            keys = [c.key for c in spec.columns]
            details.status = details.values[keys.index(spec.live_status)] or details.status
        if flow is not None:
            details.actions = flow.available(actor, record)
            for t in details.actions:
                if t.prefill is not None:
                    details.step_values[t.action] = t.prefill(s, record)
                if t.fields:
                    from courtdesk.kernel.forms import RECORD, context_options

                    offered = context_options(t.fields, s, actor, {RECORD: record})
                    if offered:
                        details.step_choices[t.action] = offered
            details.waiting = waiting_text(flow, record, details.actions, actor)
            details.command_hint = command_hint(flow, record, actor)
            for step in workflow.history(s, flow.entity, record_id):
                labels = [t.label for t in flow.transition(step.action)]
                dated.append((step.at, len(dated), HistoryLine(
                    at=f"{step.at:%Y-%m-%d %H:%M}",
                    actor=step.actor_name,
                    action=labels[0] if labels else step.action,
                    change=f"{flow.label(step.from_state)} → {flow.label(step.to_state)}",
                    comment=step.comment or "",
                )))
        if spec.edit is not None:
            for edit in editing.edits(s, spec.edit, spec.model, record_id):
                dated.append((edit.at, len(dated), HistoryLine(
                    at=f"{edit.at:%Y-%m-%d %H:%M}",
                    actor=edit.actor,
                    action=spec.edit.label,
                    change="\n".join(f"{label}：{old} → {new}" for label, old, new in edit.changes),
                    comment=edit.reason,
                    comment_label=editing.REASON,
                )))
        if spec.log_views:
            for view in viewlog.views(s, spec.entity, record_id):
                dated.append((view.at, len(dated), HistoryLine(
                    at=f"{view.at:%Y-%m-%d %H:%M}", actor=view.user_name, action=viewlog.VIEWED, change="",
                    comment="")))
        details.history = [line for _at, _n, line in sorted(dated, key=lambda d: (d[0], d[1]))]
        for att in attachments.list_for(s, entity_of(spec), record_id):
            details.attachments.append(AttachmentLine(
                att.id, att.filename, att.purpose, att.size, f"{att.uploaded_at:%Y-%m-%d %H:%M}"
            ))
        for lines in spec.lines:
            from courtdesk.kernel.forms import display_lines

            details.lines[lines.key] = display_lines(lines.field, lines.load(s, record_id))
        if spec.documents:
            from courtdesk.kernel import recorddocs

            details.documents = [(k.name, k.title) for k in recorddocs.record_documents(s, actor, spec, record_id)]
        if spec.notices is not None:
            details.notices = list(spec.notices(s, actor, record))
        if spec.facts is not None:
            details.facts = [(label, text) for label, text in spec.facts(s, record) if text]
    return details


def waiting_text(flow: Any, record: Any, mine: list[Any], actor: Any = None) -> str:
    """Who else may take the next steps of ``record`` and what they are (grouped by who). Steps taken
    by a register command that ``actor`` may take are left to :func:`command_hint`."""
    groups: dict[str, tuple[list[str], str | None]] = {}
    for t in flow.transitions:
        if record.status in t.source and t not in mine and not t.system and not t.aside:
            if t.command and actor is not None and flow.may_take(t, actor, record):
                continue
            labels = groups.setdefault(t.who, ([], t.rule))[0]
            if t.label not in labels:
                labels.append(t.label)
    parts = [f"{who}办理「{'」「'.join(labels)}」" + (f"（依据{rule}）" if rule else "")
             for who, (labels, rule) in groups.items()]
    return "；".join(parts)


def command_hint(flow: Any, record: Any, actor: Any) -> str:
    """Where ``actor`` takes the next steps of ``record`` that are register commands (not buttons
    here): 在登记簿中选中此记录（可多选）后点「报送区财政局」办理."""
    commands = list(dict.fromkeys(t.command for t in flow.transitions
                                  if t.command and flow.may_take(t, actor, record)))
    if not commands:
        return ""
    return f"请在登记簿中选中此记录（可多选）后点「{'」或「'.join(commands)}」办理。"


def _read_attachment(db: Any, attachment_id: int) -> tuple[str, str, bytes]:
    from courtdesk.kernel import attachments

    with db.read() as s:
        return attachments.data_of(s, attachment_id)


def viewer_file(folder: Path, name: str, data: bytes) -> Path:
    """Where an attachment is written to be opened: its safe base name with the extension of the type
    sniffed from its bytes (``attachments.extension_for``) — the operating system picks the program by
    it, so the uploader's extension (``.bat``, ``.html``) is never used. Refuses bytes of no accepted type."""
    from courtdesk.kernel import attachments
    from courtdesk.kernel.errors import ValidationError

    mime = attachments.sniff(data)  # the bytes themselves, not a stored column
    if mime is None:
        raise ValidationError(f"附件：内容不是 {attachments.ACCEPTED} 格式，不能打开", field="附件")
    stem = Path(attachments.safe_name(name, mime)).stem
    return folder / f"{stem}{attachments.extension_for(mime)}"


def _attachment_for_viewer(db: Any, attachment_id: int, folder: Path) -> Path:
    """Read the attachment and write it where a viewer may open it (in the worker, so a refusal is
    shown like any other error)."""
    name, _mime, data = _read_attachment(db, attachment_id)
    path = viewer_file(folder, name, data)
    path.write_bytes(data)
    return path


#: Line columns of free text: they take the width left over and wrap; the others (amounts, dates,
#: choices, numbers) keep the width of their content.
TEXT_KINDS = ("text", "multiline")


class LinesTable(QTableWidget):
    """A record's child rows (费用明细, 原始票据 …) in the narrow detail panel: every row shown (the
    panel scrolls, the table never does) and every column inside the panel's width — a long 摘要
    wraps onto more lines instead of pushing 金额 out of view."""

    def __init__(self, labels: list[str], text_columns: list[int], parent: QWidget | None = None) -> None:
        super().__init__(0, len(labels), parent)
        self.text_columns = text_columns
        self.labels = list(labels)
        self.setHorizontalHeaderLabels(labels)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def show_rows(self, rows: list[list[str]], total: list[str] | None) -> None:
        shown = rows + ([total] if total is not None and rows else [])
        self.setRowCount(len(shown))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, cells in enumerate(shown):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if total is not None and r == len(rows):
                    item.setFont(bold)
                self.setItem(r, c, item)
        self.setVerticalHeaderLabels([str(i + 1) for i in range(len(rows))] + (["合计"] if len(shown) > len(rows) else []))
        self.fit()

    def fit(self) -> None:
        """Widths: each column its content where all fit; else the fixed columns their content and
        the text columns the rest, shared by content, at least four characters each and never
        narrower than their titles — which, where the panel is too narrow for them on one line, break
        onto two (「政治处审查人」 over 「政治处 / 审查人」). Then every row as tall as its wrapped text, and
        the table as tall as all its rows."""
        widths = self._widths(wrap_titles=False)
        if sum(widths) > self.viewport().width():
            widths = self._widths(wrap_titles=True)
        header = self.horizontalHeader()
        room = self.viewport().width()
        for c, width in enumerate(widths):
            header.resizeSection(c, width)
        self.resizeRowsToContents()
        height = header.sizeHint().height() + 2 * self.frameWidth() + 2
        height += sum(self.rowHeight(r) for r in range(self.rowCount())) or self.verticalHeader().defaultSectionSize()
        if sum(widths) > room:  # fixed columns wider than the panel: the scroll bar must not hide a row
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height)

    def _widths(self, *, wrap_titles: bool) -> list[int]:
        for c, label in enumerate(self.labels):
            half = (len(label) + 1) // 2
            title = label[:half] + "\n" + label[half:] if wrap_titles and len(label) > 4 else label
            item = self.horizontalHeaderItem(c)
            if item is not None and item.text() != title:
                item.setText(title)
        header = self.horizontalHeader()
        room = self.viewport().width()
        wanted = [max(header.sectionSizeFromContents(c).width(), self.sizeHintForColumn(c)) + 4
                  for c in range(self.columnCount())]
        widths = list(wanted)
        if sum(wanted) > room and self.text_columns:
            fixed = sum(w for c, w in enumerate(wanted) if c not in self.text_columns)
            least = self.fontMetrics().horizontalAdvance("摘要摘要") + 8
            share = max(0, room - fixed)
            text_total = sum(wanted[c] for c in self.text_columns) or 1
            for c in self.text_columns:
                # never narrower than its title (「政治处审查人」 was cut): the text wraps, a title does not
                title = header.sectionSizeFromContents(c).width() + 4
                widths[c] = max(least, title, share * wanted[c] // text_total)
        elif sum(wanted) < room:  # room to spare: the widest text column (else the last) takes it
            grow = max(self.text_columns, key=lambda c: wanted[c]) if self.text_columns else len(widths) - 1
            widths[grow] += room - sum(wanted)
        return widths

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit()


class RecordDetailPanel(QWidget):
    action_requested = Signal(object)  # a Transition
    edit_requested = Signal()  # 修改 the shown record
    #: 「在全部记录中显示」: the record shown has left the list the user is looking at.
    show_in_all_requested = Signal()
    info = Signal(str)  # a line for the page's status

    def __init__(self, ctx: Any, spec: RegisterSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = spec
        self.record_id: int | None = None
        self.details: RecordDetails | None = None
        self.last_document: str | None = None
        self._generation = 0
        self._answered = 0  # the last generation whose load came back (loaded or failed)
        self.setMinimumWidth(300)

        self.heading = QLabel("请在左侧表格中选择一条记录")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.status = QLabel()
        self.status.setStyleSheet("color: #174ea6; font-weight: bold;")
        self.actions_box = QWidget()
        self.actions_row = FlowLayout(self.actions_box)  # wraps where the panel is narrow
        self.actions_row.setContentsMargins(0, 0, 0, 0)
        self.action_buttons: dict[str, QPushButton] = {}
        self.no_actions = QLabel()
        self.no_actions.setStyleSheet(HINT_STYLE)
        self.notices = QLabel()
        self.notices.setWordWrap(True)
        self.notices.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notices.setStyleSheet("QLabel { background: #fef7e0; border: 1px solid #f9ab00; border-radius: 3px;"
                                   " padding: 4px 6px; color: #3c4043; }")
        self.error = ErrorLabel()
        # Said when a step (or another workstation) moved the record out of the current filter: the
        # hints below would otherwise point to a row the user cannot see.
        self.outside_box = QWidget()
        outside = QHBoxLayout(self.outside_box)
        outside.setContentsMargins(0, 0, 0, 0)
        self.outside_label = QLabel()
        self.outside_label.setWordWrap(True)
        self.outside_label.setStyleSheet("color: #174ea6;")
        self.show_in_all_button = QPushButton("在全部记录中显示")
        self.show_in_all_button.clicked.connect(self.show_in_all_requested)
        outside.addWidget(self.outside_label, 1)
        outside.addWidget(self.show_in_all_button, 0, Qt.AlignmentFlag.AlignTop)
        self.outside_box.hide()

        self.fields_box = QGroupBox("登记信息")
        self.fields_form = QFormLayout(self.fields_box)
        self.fields_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.value_labels: dict[str, QLabel] = {}
        for column in spec.columns:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.value_labels[column.key] = value
            self.fields_form.addRow(f"{column.label}：", value)

        # what a decision rests on beyond the columns (a claim's trip and advance …), rebuilt per record
        self.facts_box = QGroupBox("办理依据")
        self.facts_form = QFormLayout(self.facts_box)
        self.facts_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.facts_box.hide()

        self.history_box = QGroupBox("办理经过")
        self.history_layout = QVBoxLayout(self.history_box)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.RichText)
        self.history_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history_layout.addWidget(self.history_label)
        self.history_box.setVisible(spec.workflow is not None or spec.edit is not None)

        # one small table per kind of child rows (spec.lines), e.g. the people named on a record
        self.lines_boxes: dict[str, QGroupBox] = {}
        self.lines_tables: dict[str, LinesTable] = {}
        for lines in spec.lines:
            box = QGroupBox(lines.label)
            table = LinesTable([c.label for c in lines.columns],
                               [i for i, c in enumerate(lines.columns) if c.kind in TEXT_KINDS])
            QVBoxLayout(box).addWidget(table)
            self.lines_boxes[lines.key] = box
            self.lines_tables[lines.key] = table

        self.attachments_box = QGroupBox("附件")
        att_layout = QVBoxLayout(self.attachments_box)
        self.attachment_list = QListWidget()
        self.attachment_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.attachment_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.attachment_list.itemDoubleClicked.connect(lambda _item: self.open_attachment())
        self.no_attachments = QLabel("无附件")
        self.no_attachments.setStyleSheet(HINT_STYLE)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_attachment)
        self.save_button = QPushButton("另存为…")
        self.save_button.clicked.connect(self.save_attachment)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        att_layout.addWidget(self.no_attachments)
        att_layout.addWidget(self.attachment_list)
        att_layout.addLayout(buttons)

        # one row per document the register prints that applies to the record and the user may print:
        # its title, 预览/打印 (the preview has 打印… and 另存为PDF…) and 导出Word…
        self.document_box = QGroupBox("文书")
        self.document_rows = QFormLayout(self.document_box)
        self.document_rows.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        #: kind name → (预览/打印, 导出Word…) of the record shown
        self.document_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.document_box.hide()  # shown once the record is known to have a document
        self._documents_shown: list[tuple[str, str]] = []
        self.preview: QWidget | None = None

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.addWidget(self.document_box)
        body_layout.addWidget(self.fields_box)
        body_layout.addWidget(self.facts_box)
        for box in self.lines_boxes.values():
            body_layout.addWidget(box)
        body_layout.addWidget(self.history_box)
        body_layout.addWidget(self.attachments_box)
        body_layout.addStretch(1)
        self.body_scroll = QScrollArea()
        self.body_scroll.setWidget(body)
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # A scroll bar that comes and goes changes the width after the wrapped labels were measured
        # (QScrollArea does not measure them again) and cuts their last line: keep it, and never
        # scroll sideways.
        self.body_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.outside_box)
        layout.addWidget(self.status)
        layout.addWidget(self.actions_box)
        layout.addWidget(self.no_actions)
        layout.addWidget(self.notices)
        layout.addWidget(self.error)
        layout.addWidget(self.body_scroll, 1)
        layout.addStretch(0)  # keeps the heading at the top while no record is shown
        self.clear()

    # --- showing a record -----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """Whether the record shown is still being (re)read: ``details`` may be the previous read."""
        return self.record_id is not None and self._answered != self._generation

    def set_outside(self, where: str | None) -> None:
        """Say that the record shown is not in the list the user is looking at (``where``: the list's
        description, e.g. 筛选「待我审批」), or nothing (None)."""
        if where:
            self.outside_label.setText(f"此记录已不在当前列表（{where}）中，表格里看不到它。")
        self.outside_box.setVisible(bool(where))

    def clear(self) -> None:
        self.record_id = None
        self.details = None
        self.outside_box.hide()
        self._generation += 1
        self.heading.setText("请在表格中选择一条记录")
        self.status.hide()
        self._set_actions([])
        self.no_actions.hide()
        self.notices.hide()
        self.error.clear_message()
        self.body_scroll.hide()

    def show_record(self, record_id: int, values: list[str] | None) -> None:
        """Show the table's values at once, then load history, attachments and actions."""
        if record_id != self.record_id:
            self.document_box.hide()  # until the worker says this record has a document
            self.outside_box.hide()
        self.record_id = record_id
        self.error.clear_message()
        if values is not None:
            self._show_values(values)
        self.body_scroll.show()
        self.reload()

    def _show_values(self, values: list[str]) -> None:
        for column, value in zip(self.spec.columns, values, strict=True):
            self.value_labels[column.key].setText(value or "—")
        self.heading.setText(values[0] or "（尚未编号）")

    def reload(self) -> None:
        if self.record_id is None:
            return
        self._generation += 1
        gen, record_id = self._generation, self.record_id
        workers.run_task(
            load_details, self.ctx.db, self.ctx.user, self.spec, record_id,
            owner=self, on_done=lambda d: self._loaded(gen, d),
            on_error=lambda exc: self._failed(gen, exc),
        )

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._answered = gen
            self.error.show_message(f"读取记录失败：{exc}")

    def _loaded(self, gen: int, details: RecordDetails | None) -> None:
        if gen != self._generation:
            return
        self._answered = gen
        if details is None:
            self.heading.setText("该记录已不存在")
            self.details = None
            self._set_actions([])
            self.body_scroll.hide()
            return
        self.details = details
        self._show_values(details.values)
        self._set_documents(details.documents)
        self.status.setText(f"状态：{details.status}" if details.status else "")
        self.status.setVisible(bool(details.status))
        self._set_actions(details.actions)
        self._show_facts(details.facts)
        self.notices.setText("\n".join(f"• {n}" for n in details.notices))
        self.notices.setVisible(bool(details.notices))
        if details.history:
            parts = []
            for h in details.history:
                line = (f"<b>{html.escape(h.action)}</b>　{html.escape(h.actor)}　"
                        f"<span style='color:#5f6368'>{html.escape(h.at)}</span>")
                if h.change:
                    line += f"<br><span style='color:#5f6368'>{html.escape(h.change).replace(chr(10), '<br>')}</span>"
                if h.comment:
                    line += f"<br>{html.escape(h.comment_label)}：{html.escape(h.comment)}"
                parts.append(line)
            self.history_label.setText("<p style='margin-bottom:6px'>" + "</p><p style='margin-bottom:6px'>".join(parts) + "</p>")
        else:
            self.history_label.setText("<span style='color:#5f6368'>尚无办理记录</span>")
        for key, table in self.lines_tables.items():
            self._show_lines(table, *details.lines.get(key, ([], None)))
        self.attachment_list.clear()
        for a in details.attachments:
            size = f"{a.size / 1048576:.1f} MB" if a.size >= 1048576 else f"{max(1, a.size // 1024)} KB"
            item = QListWidgetItem(f"{a.filename}　{size}")
            item.setToolTip(f"{a.filename}\n{a.purpose or '附件'}，{size}，上传于 {a.uploaded_at}")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, a.filename)
            self.attachment_list.addItem(item)
        has = bool(details.attachments)
        self.attachment_list.setVisible(has)
        self.open_button.setVisible(has)
        self.save_button.setVisible(has)
        self.no_attachments.setVisible(not has)
        if has:
            self.attachment_list.setCurrentRow(0)
            # every attachment in view: no list that scrolls inside the scrolling panel
            rows = sum(self.attachment_list.sizeHintForRow(i) for i in range(self.attachment_list.count()))
            self.attachment_list.setFixedHeight(rows + 2 * self.attachment_list.frameWidth() + 2)
            self.attachment_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _show_facts(self, facts: list[tuple[str, str]]) -> None:
        while self.facts_form.rowCount():
            self.facts_form.removeRow(0)
        for label, text in facts:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.facts_form.addRow(f"{label}：", value)
        self.facts_box.setVisible(bool(facts))

    def _show_lines(self, table: LinesTable, rows: list[list[str]], total: list[str] | None) -> None:
        table.show_rows(rows, total)

    def _set_actions(self, actions: list[Any]) -> None:
        for button in self.action_buttons.values():
            self.actions_row.removeWidget(button)
            button.hide()  # gone from the screen at once, not only when the event loop deletes it
            button.deleteLater()
        self.action_buttons = {}
        while self.actions_row.count():
            self.actions_row.takeAt(0)
        for t in actions:
            button = QPushButton(t.label)
            button.setToolTip(f"由{t.who}办理" + (f"（{t.rule}）" if t.rule else ""))
            button.clicked.connect(lambda _checked=False, tr=t: self.action_requested.emit(tr))
            self.actions_row.addWidget(button)
            self.action_buttons[t.label] = button
        editable = self.spec.edit is not None and self.details is not None and self.details.can_edit
        if editable and self.spec.edit is not None:
            button = QPushButton(self.spec.edit.label)
            button.setToolTip(f"由{self.spec.edit.who}修改登记内容（须写明修改原因）")
            button.clicked.connect(lambda _checked=False: self.edit_requested.emit())
            self.actions_row.addWidget(button)
            self.action_buttons[self.spec.edit.label] = button
        self.actions_box.setVisible(bool(actions) or editable)
        text = ""
        if self.record_id is not None and self.details is not None:
            waiting = self.details.waiting
            hint = self.details.command_hint
            if hint:
                text = hint + (f"另由{waiting}。" if waiting else "")
            elif actions or editable:
                text = ""
            elif waiting:
                text = f"您对本条记录暂无可办理的操作。下一步由{waiting}。"
            elif self.spec.workflow is not None:
                text = "本条记录已办结，无需再办理。"
            # (a register without a workflow — a batch, a monthly summary — has no steps to speak of;
            # its commands say for themselves whether they apply to the selected row)
        self.no_actions.setText(text)
        self.no_actions.setWordWrap(True)
        self.no_actions.setVisible(bool(text))

    # --- documents ------------------------------------------------------------------------------

    def _set_documents(self, documents: list[tuple[str, str]]) -> None:
        if documents == self._documents_shown and self.document_buttons:
            self.document_box.setVisible(bool(documents))
            return
        self._documents_shown = list(documents)
        while self.document_rows.rowCount():
            self.document_rows.removeRow(0)
        self.document_buttons = {}
        for name, title in documents:
            preview = QPushButton("预览/打印")
            preview.setToolTip(f"预览「{title}」，可在预览中打印或另存为PDF")
            preview.clicked.connect(lambda _c=False, k=name: self.render_document("pdf", kind=k))
            word = QPushButton("导出Word…")
            word.setToolTip(f"把「{title}」导出为 Word 文档")
            word.clicked.connect(lambda _c=False, k=name: self.render_document("docx", kind=k))
            row = QHBoxLayout()
            row.addWidget(preview)
            row.addWidget(word)
            row.addStretch(1)
            label = QLabel(f"{title}：")
            label.setWordWrap(True)
            self.document_rows.addRow(label, row)
            self.document_buttons[name] = (preview, word)
        self.document_box.setVisible(bool(documents))

    @property
    def documents(self) -> list[str]:
        """The kind names of the documents offered for the record shown."""
        return list(self.document_buttons)

    def render_document(self, fmt: str, target: str | None = None, *, kind: str | None = None) -> Any:
        """Build and render one of this record's documents (the first offered, unless ``kind``) in a
        worker, checked against what this user may print; PDF opens in the preview dialog."""
        from ui import files
        from ui.preview import PdfPreviewDialog, discard_temp, render_document, temp_target

        kind = kind or next(iter(self.document_buttons), None)
        if kind is None or self.record_id is None or kind not in self.document_buttons:
            return None
        titles = dict(self._documents_shown)
        stem = f"{self.heading.text().strip('（）') or self.spec.title}_{titles.get(kind, '')}".rstrip("_")
        temporary = False
        if target is None:
            if fmt == "pdf":  # only to be looked at: 另存为PDF… in the preview keeps a copy
                target, temporary = temp_target(stem, ".pdf"), True
            else:
                target = files.choose_save_path(self, self.ctx.user, "导出Word", f"{stem}.docx", files.DOCX_FILTER)
                if not target:
                    return None
        buttons = self.document_buttons[kind]
        for button in buttons:
            button.setEnabled(False)
        title = f"{titles.get(kind, '')} — {self.heading.text()}"

        def enable() -> None:
            for button in buttons:
                try:
                    button.setEnabled(True)
                except RuntimeError:  # the row was rebuilt for another record meanwhile
                    pass

        def done(path: str) -> None:
            enable()
            if fmt == "pdf":
                self.preview = PdfPreviewDialog(path, title, self, user=self.ctx.user, temporary=temporary)
                self.preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                self.preview.open()
            else:
                self.last_document = path
                self.info.emit(f"已导出Word：{path}")

        def failed(exc: BaseException) -> None:
            enable()
            if temporary:
                discard_temp(str(target))
            self.error.show_message(str(exc))

        return workers.run_task(render_document, self.ctx.db, kind, self.record_id, fmt, target,
                                actor=self.ctx.user, spec=self.spec, owner=self, on_done=done, on_error=failed)

    # --- attachments ----------------------------------------------------------------------------

    def _attachment_error(self, title: str, exc: BaseException) -> None:
        message(self, title, str(exc))

    def _selected_attachment(self) -> int | None:
        item = self.attachment_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def open_attachment(self) -> None:
        att = self._selected_attachment()
        if att is None:
            return

        def opened(path: Path) -> None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        folder = Path(tempfile.mkdtemp(prefix="courtdesk-"))
        workers.run_task(_attachment_for_viewer, self.ctx.db, att, folder, owner=self, on_done=opened,
                         on_error=lambda exc: self._attachment_error("打开附件", exc))

    def save_attachment(self, target: str | None = None) -> None:
        att = self._selected_attachment()
        if att is None:
            return
        item = self.attachment_list.currentItem()
        name = str(item.data(Qt.ItemDataRole.UserRole + 1))
        if not target:
            from ui import files

            target = files.choose_save_path(self, self.ctx.user, "附件另存为", name, "所有文件 (*)")
            if not target:
                return

        def save(result: tuple[str, str, bytes]) -> None:
            Path(target).write_bytes(result[2])  # type: ignore[arg-type]

        workers.run_task(_read_attachment, self.ctx.db, att, owner=self, on_done=save,
                         on_error=lambda exc: self._attachment_error("保存附件", exc))
