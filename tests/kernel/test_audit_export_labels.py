"""The 操作留痕 .xlsx export speaks the viewer's words (issue 20 §6): Chinese headers, each register by
its declared label (``__label__``), each changed field by its label (``doc=``), never a table or
column name — the registers without a screen of their own (部门, 用户) included."""

from __future__ import annotations

import re

import openpyxl
from sqlalchemy import select

from courtdesk.kernel import auditlog
from courtdesk.kernel.models.people import User

_IDENTIFIER = re.compile(r"(?:^|\n)([A-Za-z_][A-Za-z0-9_]*)：")


def test_the_audit_export_uses_the_viewers_chinese_labels(db, tmp_path):
    path = tmp_path / "留痕.xlsx"
    with db.read() as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        count = auditlog.export_xlsx(s, admin, auditlog.AuditFilter(), path)
        viewer = auditlog.entries(s, admin, auditlog.AuditFilter(entity="department"), limit=5)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:8] == auditlog.HEADERS == (
        "序号", "时间", "操作人", "操作", "登记簿", "记录号", "变化（修改前 → 修改后）", "说明")
    entries = [r for r in rows[3:] if r[0] is not None]
    assert count == len(entries) > 100
    tables = {table for table, _ in auditlog.registers()}
    for row in entries:
        action, register, change = row[3], row[4], str(row[6] or "")
        assert register not in tables and re.search(r"[\u4e00-\u9fff]", register), row[:6]
        assert not re.search(r"[A-Za-z]{3,}", str(action)), row[:6]
        assert not _IDENTIFIER.findall(change), (register, change[:200])
    by_register = {r[4] for r in entries}
    assert {"部门", "用户", "用印登记"} <= by_register
    # the same words as the viewer: the department entries as 操作留痕 shows them
    exported = [r for r in entries if r[4] == "部门"][:5]
    assert [(r[3], r[4], r[6]) for r in exported] == [
        (line.action_label, line.entity_label, line.difference) for line in viewer]
    user_changes = "\n".join(str(r[6]) for r in entries if r[4] == "用户")
    assert "姓名：" in user_changes and "用户名：" in user_changes
