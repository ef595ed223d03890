"""定密审批表 (第十八条(1)): what the 承办人 proposed, the 定密责任人's review and the 主管领导's approval,
and every later 变更/解密; 涉密载体分发表 (第十八条(2)): each copy's recipient, route and signature;
涉密载体移交清单 (第二十三条): what one keeper handed to another, both signing with 保密办;
涉密载体销毁清单 (《保密工作制度》第十八条(7)): what is destroyed, who approved, where, and the two
escorting witnesses' signature lines; 涉密载体借阅登记表 (第十八条(3)): a copy's loans with the
borrowers' signature columns. The 涉密载体台账 itself is the register printed as a 登记簿."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from courtdesk.areas.secrecy.models import (
    SecretChange,
    SecretCopy,
    SecretDispatch,
    SecretHandover,
    SecretItem,
    SecretLoan,
)
from courtdesk.areas.secrecy.service import (
    APPROVAL_KIND,
    DESTRUCTION_KIND,
    DISPATCH_KIND,
    HANDOVER_KIND,
    ITEM_KEY,
    LOANS_KIND,
    scope_words,
)
from courtdesk.kernel import settings, workflow
from courtdesk.kernel.documents.dates import court_date, court_time
from courtdesk.kernel.documents.model import (
    Block,
    Column,
    Document,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    Title,
)
from courtdesk.kernel.models.people import User
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse


def build_destruction_list(session: Session, copy_id: int) -> Document:
    copy = load_or_refuse(session, SecretCopy, copy_id, "涉密载体副本", "该副本不存在")
    item = copy.item
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    approver = copy.destroy_approver.name if copy.destroy_approver else "（待批准）"
    approved = court_date(copy.destroyed_at.date(), style) if copy.destroyed_at else ""
    asked = court_date(copy.destroy_requested_at.date(), style) if copy.destroy_requested_at else ""
    witnesses = [w.name for w in (copy.witness1, copy.witness2) if w is not None]
    rows = [(copy.number, item.category, item.title, copy.marking, "1", item.originator)]
    return Document(
        "涉密载体销毁清单",
        (
            Title(f"{court}\n涉密载体销毁清单"),
            Paragraph(f"依据《保密工作制度》第十八条(7)，下列涉密载体经清点、登记，报主管领导批准后，"
                      f"送交{copy.destroy_facility}监督销毁。", indent=True),
            Table((Column("副本编号", 3.4), Column("类别", 0.8), Column("标题", 2.6), Column("密级★期限", 1.8),
                   Column("份数", 0.8), Column("制发单位", 2.0)), rows, size=10.5),
            Spacer(),
            Paragraph(f"申请销毁日期：{asked}", indent=False),
            Paragraph(f"批准销毁：{approver}　{approved}", indent=False),
            Paragraph(f"销毁机构：{copy.destroy_facility}", indent=False),
            Paragraph(f"监销人：{'、'.join(witnesses)}", indent=False),
            Spacer(),
            SignatureLine(tuple((f"监销人（{n}）{name}签字", "") for n, name in zip("一二", witnesses, strict=False)),
                          blank_chars=8),
            SignatureLine((("保密办经办人签字", ""), ("日期", "")), blank_chars=8),
        ),
    )


DESTRUCTION_DOCUMENT = DocumentKind(
    DESTRUCTION_KIND, "涉密载体销毁清单",
    ids=lambda: select(SecretCopy.id).where(SecretCopy.status.in_(("to_destroy", "destroyed")))
    .order_by(SecretCopy.id),
    build=build_destruction_list,
    missing="该副本尚未申请销毁，没有销毁清单",
)


def build_loans(session: Session, copy_id: int) -> Document:
    copy = load_or_refuse(session, SecretCopy, copy_id, "涉密载体副本", "该副本不存在")
    item = copy.item
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    loans = session.scalars(select(SecretLoan).where(SecretLoan.copy_id == copy.id).order_by(SecretLoan.id))
    rows = [(str(n), loan.borrower.name, court_time(loan.lent_at, style), court_date(loan.due_on, style), "",
             court_time(loan.returned_at, style) if loan.returned_at else "未归还",
             loan.receiver.name if loan.receiver else "")
            for n, loan in enumerate(loans, 1)]
    return Document(
        "涉密载体借阅登记表",
        (
            Title(f"{court}\n涉密载体借阅登记表"),
            Paragraph(f"副本编号：{copy.number}　类别：{item.category}　标志：{copy.marking}", indent=False),
            Paragraph(f"标题：{item.title}", indent=False),
            Paragraph(f"知悉范围：{scope_words(item)}（只限知悉范围内人员借阅，《保密工作制度》第十八条(3)）",
                      indent=False),
            Table((Column("序号", 0.5), Column("借阅人", 1.0), Column("借出时间", 1.8), Column("应还日期", 1.6),
                   Column("借阅人签收", 1.2), Column("归还时间", 1.8), Column("收回经办人", 1.1)), rows, size=10.5,
                  min_row_height_mm=10),
        ),
    )


LOANS_DOCUMENT = DocumentKind(
    LOANS_KIND, "涉密载体借阅登记表",
    ids=lambda: select(SecretCopy.id).where(exists(select(SecretLoan.id).where(SecretLoan.copy_id == SecretCopy.id)))
    .order_by(SecretCopy.id),
    build=build_loans,
    missing="该副本没有借阅记录，没有借阅登记表",
)


def _steps(session: Session, item_id: int) -> dict[str, tuple[str, str, str]]:
    """The last time each step of the item's 定密 was taken: action → (who, date, comment)."""
    style = settings.date_style(session)
    found: dict[str, tuple[str, str, str]] = {}
    for step in workflow.history(session, ITEM_KEY, item_id):
        found[step.action] = (step.actor_name, court_date(step.at.date(), style), step.comment or "")
    return found


def build_approval(session: Session, item_id: int) -> Document:
    item = load_or_refuse(session, SecretItem, item_id, "涉密载体", "该涉密载体不存在")
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    steps = _steps(session, item.id)
    proposed = court_date(item.proposed_at.date(), style)
    facts = (
        ("编号", item.number, "载体类别", item.category),
        ("标题", item.title, "制发单位", item.originator),
        ("密级", item.level, "保密期限", f"{item.term_years}年"),
        ("标志", f"已解密（原{item.marking}，{court_date(item.declassified_at.date(), style)}解密）"
         if item.declassified_at else item.marking, "制作份数", f"{item.copies}份"),
        ("制作地点", item.produced_at, "责任人", item.responsible.name),
        ("知悉范围", scope_words(item) or item.scope_text, "承办人", item.proposer.name),
    )

    def opinion(action: str, who: str) -> str:
        if action not in steps:
            return f"{who}：（尚未办理）"
        name, date, comment = steps[action]
        return f"{who}：{comment or '同意'}　{name}　{date}"

    blocks: list[Block] = [
        Title(f"{court}\n国家秘密定密审批表"),
        Table((Column("项目", 1.2), Column("内容", 3.0, "left"), Column("项目", 1.2), Column("内容", 2.6, "left")),
              facts, header=False, size=10.5, min_row_height_mm=9),
        Spacer(0.5),
        Paragraph(f"承办人拟定意见：拟定为{item.marking}，知悉范围如上。　{item.proposer.name}　{proposed}", indent=False),
        Paragraph(opinion("review", "定密责任人审核意见"), indent=False),
        Paragraph(opinion("approve", "主管领导批准意见"), indent=False),
    ]
    changes = list(session.scalars(select(SecretChange).where(SecretChange.item_id == item.id)
                                   .order_by(SecretChange.id)))
    if changes:
        def by(who: User | None, when: dt.datetime | None) -> str:
            return f"{who.name}\n{when:%Y.%m.%d}" if who is not None and when is not None else ""

        rows = [(c.kind, c.words, c.reason, by(c.proposer, c.proposed_at), by(c.reviewer, c.reviewed_at),
                 by(c.approver, c.approved_at), c.status) for c in changes]
        blocks += [Spacer(0.5), Paragraph("定密变更、解密情况：", indent=False),
                   Table((Column("类别", 0.7), Column("变更内容", 2.2), Column("理由", 2.0), Column("提出", 1.4),
                          Column("审核", 1.4), Column("批准", 1.4), Column("状态", 0.9)), rows, size=9)]
    blocks += [Spacer(),
               SignatureLine((("承办人签字", ""), ("定密责任人签字", ""), ("主管领导签字", "")), blank_chars=6)]
    return Document("国家秘密定密审批表", tuple(blocks))


APPROVAL_DOCUMENT = DocumentKind(
    APPROVAL_KIND, "国家秘密定密审批表",
    ids=lambda: select(SecretItem.id).order_by(SecretItem.id),
    build=build_approval,
)


def build_dispatch(session: Session, item_id: int) -> Document:
    item = load_or_refuse(session, SecretItem, item_id, "涉密载体", "该涉密载体不存在")
    court = settings.get(session, "court_name")
    dispatches = session.scalars(
        select(SecretDispatch).join(SecretCopy, SecretCopy.id == SecretDispatch.copy_id)
        .where(SecretCopy.item_id == item.id).order_by(SecretCopy.copy_no, SecretDispatch.id))
    rows = []
    for d in dispatches:
        copy = session.get(SecretCopy, d.copy_id)
        route = d.route + (f"（{d.courier}）" if d.courier else "")
        rows.append((f"第{copy.copy_no if copy else ''}份", d.recipient.name,
                     d.recipient.department.name if d.recipient.department else "", route,
                     f"{d.sent_at:%Y.%m.%d}", "", f"{d.recalled_at:%Y.%m.%d}" if d.recalled_at else ""))
    return Document(
        "涉密载体分发表",
        (
            Title(f"{court}\n涉密载体分发表"),
            Paragraph(f"编号：{item.number}　类别：{item.category}　标志：{item.marking}　共{item.copies}份", indent=False),
            Paragraph(f"标题：{item.title}", indent=False),
            Paragraph(f"发放范围：{scope_words(item)}（只发知悉范围内人员，经机要交通、机要通信或专人传递，"
                      "不得通过普通邮政寄发，《保密工作制度》第十六条、第十八条(2)）", indent=False),
            Table((Column("份号", 0.8), Column("接收人", 1.0), Column("部门", 1.4), Column("传递方式", 1.6),
                   Column("分发日期", 1.6), Column("接收人签收", 1.2), Column("清退日期", 1.6)), rows, size=10.5,
                  min_row_height_mm=10),
            Spacer(),
            SignatureLine((("分发经办人签字", ""), ("日期", "")), blank_chars=8),
        ),
    )


DISPATCH_DOCUMENT = DocumentKind(
    DISPATCH_KIND, "涉密载体分发表",
    ids=lambda: select(SecretItem.id).where(exists(
        select(SecretDispatch.id).join(SecretCopy, SecretCopy.id == SecretDispatch.copy_id)
        .where(SecretCopy.item_id == SecretItem.id))).order_by(SecretItem.id),
    build=build_dispatch,
    missing="该载体尚未分发，没有分发表",
)


def build_handover(session: Session, copy_id: int) -> Document:
    """The 移交清单 of the copy's latest 移交: every copy the same keeper handed the same person that day."""
    copy = load_or_refuse(session, SecretCopy, copy_id, "涉密载体副本", "该副本不存在")
    style = settings.date_style(session)
    court = settings.get(session, "court_name")
    latest = session.scalars(select(SecretHandover).where(SecretHandover.copy_id == copy.id)
                             .order_by(SecretHandover.id.desc())).first()
    if latest is None:
        from courtdesk.kernel.errors import ValidationError

        raise ValidationError("移交清单：该副本没有移交记录", field="移交清单")
    day = latest.at.date()
    same = and_(SecretHandover.to_id == latest.to_id, SecretHandover.at >= dt.datetime.combine(day, dt.time()),
                SecretHandover.at < dt.datetime.combine(day + dt.timedelta(days=1), dt.time()),
                (SecretHandover.from_id == latest.from_id) if latest.from_id is not None
                else SecretHandover.from_id.is_(None))
    handed = list(session.scalars(select(SecretHandover).where(same).order_by(SecretHandover.id)))
    rows = []
    for n, h in enumerate(handed, 1):
        c = session.get(SecretCopy, h.copy_id)
        assert c is not None
        rows.append((str(n), c.number, c.item.category, c.item.title, c.marking, "1"))
    giver = latest.from_user.name if latest.from_user else "（保密办）"
    count = session.scalar(select(func.count()).select_from(SecretHandover).where(same))
    return Document(
        "涉密载体移交清单",
        (
            Title(f"{court}\n涉密载体移交清单"),
            Paragraph(f"因{latest.reason}，{giver}将下列涉密载体共{count}份移交{latest.to_user.name}保管，"
                      f"经清理清点，登记在册，报院保密办备案（《保密工作制度》第二十三条）。", indent=True),
            Table((Column("序号", 0.7), Column("副本编号", 3.0), Column("类别", 0.8), Column("标题", 2.6),
                   Column("密级★期限", 1.6), Column("份数", 0.6)), rows, size=10.5),
            Spacer(),
            Paragraph(f"移交日期：{court_date(day, style)}　保密办经办人：{latest.actor.name}", indent=False),
            Spacer(),
            SignatureLine((("移交人签字", ""), ("接收人签字", ""), ("保密办监交人签字", "")), blank_chars=6),
        ),
    )


HANDOVER_DOCUMENT = DocumentKind(
    HANDOVER_KIND, "涉密载体移交清单",
    ids=lambda: select(SecretCopy.id).where(exists(select(SecretHandover.id)
                                                   .where(SecretHandover.copy_id == SecretCopy.id)))
    .order_by(SecretCopy.id),
    build=build_handover,
    missing="该副本没有移交记录，没有移交清单",
)
