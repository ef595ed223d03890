"""A voided record never prints as a bare 已作废: every register whose workflow can void a record
carries its 作废原因 on screen, in the export and on the printed 登记簿 (issue 20 §5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from courtdesk.kernel import printing
from courtdesk.kernel.documents import document_text_lines
from courtdesk.kernel.registers import RegisterQuery, all_registers, display_row, get
from tests.support.readback import pdf_page_texts, squash

REASON = "作废原因"


def _voiding_registers():
    return [spec for spec in all_registers()
            if spec.workflow is not None and any("作废" in label for label in spec.workflow.states.values())]


def test_every_register_that_voids_prints_the_reason():
    """A printed 作废原因 column, or (印章使用登记簿) the 备注 cell that carries 「作废原因：…」."""
    specs = _voiding_registers()
    assert {"seal_use", "introduction_letter", "seizure_notice"} <= {spec.key for spec in specs}
    for spec in specs:
        labels = [c.label for c in spec.printed]
        assert REASON in labels or "备注" in labels, f"「{spec.title}」打印时作废记录没有作废原因"


def _reader(users, spec):
    return next(u for u in users.values() if spec.can_open(u))


def _voided_rows(session, actor, spec):
    """(status cell, reason) of the rows that show 已作废: the 作废原因 column's cell, or what follows
    「作废原因：」 in a printed cell."""
    at = {c.key: i for i, c in enumerate(spec.columns)}
    printed = [at[c.key] for c in spec.printed]
    column = next((at[c.key] for c in spec.printed if c.label == REASON), None)
    found = []
    for row in RegisterQuery(spec).stream(session, actor):
        cells = display_row(spec, row)
        if "作废" not in cells[at["status"]]:
            continue
        if column is not None:
            reason = cells[column]
        else:
            marked = [cells[i] for i in printed if f"{REASON}：" in cells[i]]
            reason = marked[0].split(f"{REASON}：", 1)[1] if marked else ""
        found.append((cells[at["status"]], reason))
    return found


def test_the_seal_use_register_prints_the_voided_rows_reason(db, users, tmp_path):
    """The demo's voided seal uses (申请人重复提交，作废本条 …): the printed 印章使用登记簿 says why."""
    spec = get("seal_use")
    out = tmp_path / "seal.pdf"
    with db.read() as s:
        clerk = users["clerk"]
        voided = _voided_rows(s, clerk, spec)
        doc = printing.register_document(s, clerk, RegisterQuery(spec))
        printing.render(doc, out, "pdf", fonts=printing.fonts_for(s))
        cells = document_text_lines(doc)
    assert voided and all(reason.strip() for _, reason in voided), voided
    printed = squash("".join(pdf_page_texts(out)))
    assert squash(REASON) in printed
    for _, reason in voided:
        cell = next(c for c in cells if squash(reason) in squash(c))  # a cell of the printed table …
        for line in cell.split("\n"):  # … and every line it wraps into is on the paper
            assert squash(line) in printed, (reason, line)


def test_each_voided_row_shows_its_reason(db, users):
    with db.read() as s:
        for spec in _voiding_registers():
            for status, reason in _voided_rows(s, _reader(users, spec), spec):
                assert reason.strip(), f"「{spec.title}」的一条{status}记录没有作废原因"


def test_a_voided_transcript_shows_the_reason_given_at_the_step(db, users):
    """The 告知笔录 keeps no column for it: the register reads the 作废 step's reason."""
    from courtdesk.areas.enforcement.models import SeizureNotice
    from courtdesk.areas.enforcement.seizures import SeizureService
    from courtdesk.kernel import clock

    clock.set_now(dt.datetime(2026, 11, 30, 9, 0))
    service = SeizureService(db)
    with db.read() as s:
        draft = s.scalar(select(SeizureNotice.id).where(SeizureNotice.status == "draft"))
    if draft is None:  # the demo's notices are all told: make one to void
        from courtdesk.areas.enforcement.models import Seizure

        with db.read() as s:
            seizure = s.scalar(select(Seizure).where(Seizure.status == "active"))
            case_id, seizure_id = seizure.case_id, seizure.id
        draft = service.create_notice(users["enforcer"], case_id, [seizure_id], {"party_name": "张伟"}).id
    service.notice_act(users["enforcer"], draft, "void", "当事人未到场，告知改期另行制作")
    spec = get("seizure_notice")
    with db.read() as s:
        rows = _voided_rows(s, users["enforcer"], spec)
    assert ("已作废", "当事人未到场，告知改期另行制作") in rows
