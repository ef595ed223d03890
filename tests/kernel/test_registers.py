"""The generic register: SQL search/filter/sort/paging, export to .xlsx, dashboard, layering."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import registers
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.exporting import export_xlsx
from courtdesk.kernel.registers import RegisterQuery, display_row

ROOT = Path(__file__).resolve().parents[2]


def seal_query(**kw) -> RegisterQuery:
    return RegisterQuery(registers.get("seal_use"), **kw)


def test_filters_search_and_sort_run_in_sql(db, users):
    clerk = users["clerk"]
    with db.read() as s:
        total = seal_query().count(s, clerk)
        assert total == s.scalar(select(func.count()).select_from(SealUse))
        newest = s.scalars(select(SealUse.number).order_by(SealUse.id.desc()).limit(10)).all()
        page = seal_query().page(s, clerk, 0, 10)
        assert [r[1] for r in page] == newest
        oldest = seal_query(sort_key="number", descending=False).page(s, clerk, 0, 1)
        assert oldest[0][1] == "(2026)用印第0001号"
        voided = seal_query(filter_key="voided").page(s, clerk, 0, 10)
        n_voided = s.scalar(select(func.count()).select_from(SealUse).where(SealUse.status == "voided"))
        at = [c.key for c in registers.get("seal_use").columns].index("status")
        assert [display_row(registers.get("seal_use"), r)[at] for r in voided] == ["已作废"] * n_voided
        hits = seal_query(search="在职证明").count(s, clerk)
        assert 0 < hits < total
        assert seal_query(search="在职 证明").count(s, clerk) == hits  # all terms must match
        assert seal_query(search="100%").count(s, clerk) == 0  # LIKE wildcards are escaped
        nov = seal_query(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30)).count(s, clerk)
        assert nov == s.scalar(select(func.count()).select_from(SealUse).where(
            SealUse.requested_at >= dt.datetime(2026, 11, 1), SealUse.requested_at < dt.datetime(2026, 12, 1)))
        assert 0 < nov < total


def test_people_outside_the_office_see_only_their_departments_uses(db, users):
    with db.read() as s:
        all_rows = seal_query().count(s, users["clerk"])
        judge_rows = seal_query().count(s, users["judge"])
        page = seal_query().page(s, users["judge"], 0, 100)
    assert 0 < judge_rows < all_rows
    spec = registers.get("seal_use")
    department = [c.key for c in spec.columns].index("department")
    assert {display_row(spec, r)[department] for r in page} == {"民事审判庭"}


def _pending(s, kinds, not_applicant) -> int:
    return s.scalar(select(func.count()).select_from(SealUse).join(Seal).where(
        SealUse.status == "submitted", Seal.kind.in_(kinds), SealUse.applicant_id != not_applicant))


def test_dashboard_shows_what_needs_me(db, users):
    with db.read() as s:
        head = {i.title: i.count for i in registers.dashboard(s, users["office_head"])}
        leader = {i.title: i.count for i in registers.dashboard(s, users["leader"])}
        judge = registers.dashboard(s, users["judge"])
        # office head: office-seal requests; leader: court, party and office seal requests
        assert head["待我审批的用印申请"] == _pending(s, ["office"], users["office_head"].id) >= 1
        assert leader["待我审批的用印申请"] == _pending(s, ["court", "party", "office"], users["leader"].id)
        assert leader["待我审批的用印申请"] > head["待我审批的用印申请"]
        approved_court = s.scalar(select(func.count()).select_from(SealUse).join(Seal).where(
            SealUse.status == "approved", Seal.custodian_id == users["office_head"].id,
            SealUse.approver_id != users["office_head"].id))
        assert head["待我监印盖章"] == approved_court >= 1
    assert [i for i in judge if i.register == "seal_use"] == []


def test_dashboard_count_matches_its_filter(db, users):
    with db.read() as s:
        items = registers.dashboard(s, users["leader"])
        for item in items:
            q = RegisterQuery(registers.get(item.register), filter_key=item.filter)
            assert q.count(s, users["leader"]) == item.count


def test_export_writes_the_current_filter_and_reads_back(db, users, tmp_path):
    path = tmp_path / "用印.xlsx"
    clerk = users["clerk"]
    SealService(db)  # the register is registered by the service module
    with db.read() as s:
        n = export_xlsx(s, clerk, seal_query(filter_key="stamped"), path)
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert "印章使用登记簿" in rows[0][0] and "河北省廊坊经济技术开发区人民法院" in rows[0][0]
    assert rows[1][0].startswith("范围：已盖章")
    assert rows[2][:3] == ("序号", "编号", "申请时间")
    data = rows[3:]
    with db.read() as s:
        stamped = s.scalar(select(func.count()).select_from(SealUse).where(SealUse.status == "stamped"))
    assert len(data) == n == stamped
    assert {r[rows[2].index("状态")] for r in data} == {"已盖章"}


def test_export_cells_are_typed_with_a_frozen_filtered_header(db, users, tmp_path):
    """Clerks sort and sum in Excel: times are date cells, counts numbers; the header stays in view."""
    path = tmp_path / "用印.xlsx"
    with db.read() as s:
        n = export_xlsx(s, users["clerk"], seal_query(), path)
    ws = load_workbook(path).active
    header = [c.value for c in ws[3]]
    at, copies = header.index("申请时间") + 1, header.index("份数") + 1
    first = ws.cell(4, at)
    assert isinstance(first.value, dt.datetime) and first.number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(ws.cell(4, copies).value, int)
    assert ws.freeze_panes == "B4"
    assert ws.auto_filter.ref == f"A3:{ws.cell(3, len(header)).column_letter}{3 + n}"


def test_amounts_export_as_numbers_with_two_decimals(tmp_path):
    from decimal import Decimal

    from openpyxl import Workbook

    from courtdesk.kernel.exporting import _typed
    from courtdesk.kernel.forms import FormField
    from courtdesk.kernel.registers import Column

    ws = Workbook(write_only=True).create_sheet("x")
    cell = _typed(ws, Column("fee", "金额", None, kind="money"), 123450, "1,234.50")  # stored as fen
    assert cell.value == Decimal("1234.50") and cell.number_format == "#,##0.00"
    line = _typed(ws, FormField("amount", "金额", "money"), Decimal("180"), "180.00")  # a line holds yuan
    assert line.value == Decimal("180.00")
    assert _typed(ws, Column("t", "事由", None), "调取材料", "调取材料") == "调取材料"
    assert _typed(ws, Column("d", "日期", None, kind="date"), None, "") == ""


def test_cancelled_export_leaves_no_file(db, users, tmp_path):
    path = tmp_path / "x.xlsx"
    cancel = threading.Event()
    cancel.set()
    with db.read() as s, pytest.raises(DomainError, match="导出已取消"):
        export_xlsx(s, users["clerk"], seal_query(), path, cancel=cancel)
    assert not path.exists() and not list(tmp_path.glob("*.part"))


def test_core_never_imports_qt():
    offenders = []
    for file in (ROOT / "courtdesk").rglob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("PySide6", "ui", "shiboken6") for n in names):
                offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []
    code = "import courtdesk.cli, courtdesk.kernel.area as a, sys; a.discover(); print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
