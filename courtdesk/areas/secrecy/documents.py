"""涉密载体销毁清单 (《保密工作制度》第十八条(7)): what is destroyed, who approved, where, and the two
escorting witnesses' signature lines; 涉密载体借阅登记表 (第十八条(3)): a copy's loans with the
borrowers' signature columns. The 涉密载体台账 itself is the register printed as a 登记簿."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from courtdesk.areas.secrecy.models import SecretCopy, SecretLoan
from courtdesk.areas.secrecy.service import DESTRUCTION_KIND, LOANS_KIND, scope_words
from courtdesk.kernel import settings
from courtdesk.kernel.documents.dates import court_date, court_time
from courtdesk.kernel.documents.model import Column, Document, Paragraph, SignatureLine, Spacer, Table, Title
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
