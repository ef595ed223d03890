"""The 介绍信登记簿 (columns, search by bearer, filters, dashboard, scope), demo data in every state,
the bulk filler, and the migration matching the models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from courtdesk.areas.letters.demo import bulk_letters
from courtdesk.areas.letters.models import (
    BlankLetterhead,
    BlankLetterheadReport,
    IntroductionLetter,
    IntroductionLetterBearer,
)
from courtdesk.areas.letters.service import LETTER_WORKFLOW, LetterService
from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel import audit, clock, registers
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.models.infra import Counter
from tests.areas.letters.letters_helpers import letter_data


def _rows(db: Any, user: Any, key: str = "introduction_letter", **query: Any) -> list[dict[str, str]]:
    spec = registers.get(key)
    with db.read() as s:
        rows = registers.RegisterQuery(spec, **query).page(s, user, 0, 500)
    keys = [c.key for c in spec.columns]
    return [dict(zip(keys, registers.display_row(spec, r), strict=True)) for r in rows]


def _dashboard(db: Any, user: Any) -> dict[str, tuple[int, bool, str]]:
    with db.read() as s:
        return {i.title: (i.count, i.urgent, i.filter) for i in registers.dashboard(s, user)
                if i.register == "introduction_letter"}


def test_register_declaration():
    spec = registers.get("introduction_letter")
    assert (spec.title, spec.area) == ("介绍信登记簿", "印章与介绍信")
    assert [c.label for c in spec.columns] == [
        "编号", "开具日期", "收件单位", "持信人", "事由", "状态", "承办人", "签发领导", "人数", "有效期（天）", "开具人",
        "作废原因"]
    assert callable(spec.act)
    assert spec.workflow is LETTER_WORKFLOW


def test_register_act_and_get_run_the_workflow(db, users):
    spec = registers.get("introduction_letter")
    letter = spec.create(db, users["enforcer"], letter_data(users))
    issued = spec.act(db, users["clerk"], letter.id, "issue", "", {})
    assert issued.status == "issued"
    with db.read() as s:
        assert s.get(spec.model, letter.id).number == issued.number


def test_search_by_bearer_name_and_display(db, users):
    rows = _rows(db, users["clerk"], search="何佳")
    assert rows and all("何佳" in r["bearers"] for r in rows)
    used = next(r for r in rows if r["number"] == "(2026)第0001号")
    assert used == {
        "number": "(2026)第0001号", "issued_at": "2026-01-12", "recipient": "中国工商银行股份有限公司廊坊开发区支行",
        "bearers": "黄磊、何佳", "bearer_count": "2", "purpose": "查询被执行人银行存款并办理冻结手续",
        "validity_days": "7", "handler": "黄磊", "signer": "刘建军", "issuer": "王芳", "status": "已使用", "void_reason": "",
    }
    assert not _rows(db, users["clerk"], search="不存在的人")


def test_filters(db, users):
    clerk = users["clerk"]
    assert [r["status"] for r in _rows(db, clerk, filter_key="voided")] == ["已作废"]
    assert {r["status"] for r in _rows(db, clerk, filter_key="to_issue")} == {"待开具"}
    expired = _rows(db, clerk, filter_key="expired")
    assert [r["number"] for r in expired] == ["(2026)第0014号"]  # issued 11-09 for 3 days
    assert {r["status"] for r in _rows(db, clerk, filter_key="finished")} == {"已使用", "已交回"}
    assert len(_rows(db, clerk, date_from=dt.date(2026, 11, 1))) == 6


def test_scope_outside_the_office(db, users):
    judge_rows = _rows(db, users["judge"])
    assert judge_rows and all(r["handler"] in ("郑洁", "吴涛", "林晓") for r in judge_rows)  # 民事审判庭
    assert len(_rows(db, users["clerk"])) > len(judge_rows)


def test_dashboard_items(db, users):
    clerk = _dashboard(db, users["clerk"])
    assert clerk["待开具的介绍信"] == (1, True, "to_issue")
    assert clerk["已过有效期未登记使用或交回的介绍信"] == (1, True, "expired")
    assert _dashboard(db, users["enforcer"])["待我签名确认的介绍信申请"] == (1, True, "to_sign")
    assert _dashboard(db, users["enforce_head"])["已过有效期未登记使用或交回的介绍信"] == (1, True, "expired")
    assert "已过有效期未登记使用或交回的介绍信" not in _dashboard(db, users["judge"])
    letter = LetterService(db).file(users["judge"], letter_data(users))
    assert _dashboard(db, users["clerk"])["待开具的介绍信"][0] == 2
    LetterService(db).act(users["clerk"], letter.id, "issue")
    clock.set_now(clock.now() + dt.timedelta(days=6))  # the last valid day of a 7-day letter
    assert "已过有效期未登记使用或交回的介绍信" not in _dashboard(db, users["judge"])
    clock.set_now(clock.now() + dt.timedelta(days=1))
    # this letter, and the demo letter of 11-20 that she handles (valid 10 days, to 11-29)
    assert _dashboard(db, users["judge"])["已过有效期未登记使用或交回的介绍信"] == (2, True, "expired")
    LetterService(db).act(users["judge"], letter.id, "mark_used")
    assert _dashboard(db, users["judge"])["已过有效期未登记使用或交回的介绍信"] == (1, True, "expired")


def test_demo_covers_every_state(db):
    with db.read() as s:
        letters = set(s.scalars(select(IntroductionLetter.status)))
        batches = list(s.scalars(select(BlankLetterhead)))
        uses = list(s.scalars(select(SealUse).where(SealUse.source_entity == "introduction_letter")))
        linked = {lt.seal_use_id for lt in s.scalars(select(IntroductionLetter))} - {None}
    assert letters == set(LETTER_WORKFLOW.states)
    assert {b.status for b in batches} >= {"requested", "approved", "issued", "closed", "rejected"}
    today = dt.date(2026, 11, 23)
    assert any(b.status == "issued" and b.return_by < today for b in batches)  # overdue
    assert any(b.status == "issued" and 0 < b.used_count < b.issued_count for b in batches)  # partly used
    assert {u.id for u in uses} == linked
    assert {u.status for u in uses} == {"stamped", "submitted", "voided"}


def test_bulk_filler_writes_letters_with_bearers_seal_uses_and_audit(db, users):
    with db.read() as s:
        before = {m: s.scalar(select(func.count()).select_from(m)) for m in
                  (IntroductionLetter, IntroductionLetterBearer, SealUse)}
    clock.set_now(dt.datetime(2026, 11, 23, 9, 0))
    bulk_letters(DemoContext(db, users=users), 300)
    with db.read() as s:
        after = {m: s.scalar(select(func.count()).select_from(m)) for m in before}
        assert after[IntroductionLetter] - before[IntroductionLetter] == 300
        assert after[IntroductionLetterBearer] - before[IntroductionLetterBearer] == 600
        assert after[SealUse] - before[SealUse] == 300
        numbers = list(s.scalars(select(IntroductionLetter.number).where(IntroductionLetter.number.is_not(None))))
        assert len(numbers) == len(set(numbers))
        last = s.scalar(select(func.max(IntroductionLetter.serial)).where(IntroductionLetter.year == 2026))
        counter = s.scalar(select(Counter.last).where(Counter.register == "introduction_letter", Counter.year == 2026))
        assert counter == last
        orphan = s.scalar(select(func.count()).select_from(IntroductionLetter).join(
            SealUse, SealUse.id == IntroductionLetter.seal_use_id).where(SealUse.source_id != IntroductionLetter.id))
        assert orphan == 0
    with db.engine.connect() as conn:
        report = audit.verify(conn)
    assert report.ok, (report.broken_reason, report.row_problems[:3])
    letter = LetterService(db).file(users["enforcer"], letter_data(users))
    issued = LetterService(db).act(users["clerk"], letter.id, "issue")
    assert issued.serial == counter + 1  # the next letter follows the bulk rows


def test_migration_matches_the_models(empty_db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from courtdesk.kernel.models.base import Base

    mine = {m.__tablename__ for m in (IntroductionLetter, IntroductionLetterBearer, BlankLetterhead,
                                      BlankLetterheadReport)}
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)

    def table_of(change: Any) -> str:
        item = change[0] if isinstance(change, list) else change
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            if table is not None:
                return table.name
            if name in mine:
                return name
        return ""

    assert [d for d in diff if table_of(d) in mine] == []


def test_export_writes_the_bearers_as_a_second_sheet(db, users, tmp_path):
    from openpyxl import load_workbook

    from courtdesk.kernel.exporting import export_xlsx

    spec = registers.get("introduction_letter")
    assert [lines.label for lines in spec.lines] == ["持信人"]
    query = registers.RegisterQuery(spec, search="何佳")
    path = tmp_path / "介绍信.xlsx"
    with db.read() as s:
        written = export_xlsx(s, users["clerk"], query, path)
        letters = {r[0]: r for r in query.page(s, users["clerk"], 0, 1000)}
        expected = s.execute(
            select(IntroductionLetterBearer.letter_id, IntroductionLetterBearer.name, IntroductionLetterBearer.title,
                   IntroductionLetterBearer.id_number)
            .where(IntroductionLetterBearer.letter_id.in_(letters))
            .order_by(IntroductionLetterBearer.letter_id.desc(), IntroductionLetterBearer.position)).all()
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["介绍信登记簿", "持信人明细"]
    main = list(book["介绍信登记簿"].iter_rows(values_only=True))
    sheet = list(book["持信人明细"].iter_rows(values_only=True))
    assert "介绍信登记簿　持信人明细" in sheet[0][0]
    assert sheet[1][0].startswith("范围：检索「何佳」")
    assert sheet[2] == ("登记簿序号", "编号", "记录ID", "行号", "姓名", "职务", "身份证号码")
    lines = sheet[3:]
    assert written == len(letters) and len(lines) == len(expected) >= 2 * written
    assert [(r[2], r[4], r[5], r[6]) for r in lines] == [tuple(e) for e in expected]
    # each line points at its letter: the same 序号 and 编号 as on the first sheet
    numbers = {row[0]: row[1] for row in main[3:]}
    assert all(numbers[r[0]] == (r[1] or None) for r in lines)
    used = [r for r in lines if r[1] == "(2026)第0001号"]
    assert [(r[3], r[4], r[5]) for r in used] == [(1, "黄磊", "执行员"), (2, "何佳", "书记员")]
