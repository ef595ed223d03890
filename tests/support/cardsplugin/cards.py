"""The toy area's workflow, service, register, document and demo."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from courtdesk.kernel import clock, numbering
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.documents.model import Document, Paragraph, Title
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User, declare_role
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.registers import Column, RegisterSpec, service_act
from courtdesk.kernel.workflow import Transition, Workflow, src

from .models import BusinessCard

CARD_KEEPER = declare_role("card_keeper", "名片管理员")
KEY = "cards_card"


def _may_print(actor: User, card: Any) -> bool:
    return actor.has(CARD_KEEPER, ADMIN)


def _print_effect(session: Session, actor: User, card: BusinessCard, values: dict[str, Any]) -> None:
    card.printer_id = actor.id


def _void_effect(session: Session, actor: User, card: BusinessCard, values: dict[str, Any]) -> None:
    card.void_reason = values["comment"]


CARD_WORKFLOW = Workflow(
    entity=KEY,
    states={"requested": "待印制", "printed": "已印制", "voided": "已作废"},
    initial="requested",
    transitions=(
        Transition("print_cards", "印制", src("requested"), "printed", _may_print, "名片管理员",
                   effect=_print_effect),
        Transition("void", "作废", src("requested"), "voided", _may_print, "名片管理员",
                   effect=_void_effect, comment_required=True),
    ),
)

FIELDS = (FormField("quantity", "盒数", "int", minimum=1, maximum=20, default=1),)


class CardService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def request(self, actor: User, data: dict[str, Any]) -> BusinessCard:
        values = clean(FIELDS, data)
        with self.db.write(actor) as s:
            now = clock.now()
            card = BusinessCard(status=CARD_WORKFLOW.initial, holder_id=actor.id, department_id=actor.department_id,
                                quantity=values["quantity"], requested_at=now)
            numbering.assign(s, card, register=KEY, pattern="({year})名片第{serial:03d}号", year=now.year)
            s.add(card)
            s.flush()
            return card

    def act(self, actor: User, card_id: int, action: str, comment: str = "", **params: Any) -> BusinessCard:
        with self.db.write(actor) as s:
            card = s.get(BusinessCard, card_id)
            assert card is not None
            CARD_WORKFLOW.fire(s, actor, card, action, comment, **params)
            return card


_Holder = aliased(User)
_Printer = aliased(User)

CARD_REGISTER = RegisterSpec(
    key=KEY,
    title="名片印制登记簿",
    model=BusinessCard,
    columns=(
        Column("number", "印制单号", BusinessCard.number, 14),
        Column("holder", "持卡人", _Holder.name, 8),
        Column("department", "部门", Department.name, 10),
        Column("quantity", "盒数", BusinessCard.quantity, 5, "int"),
        Column("requested_at", "申请时间", BusinessCard.requested_at, 13, "datetime"),
        Column("status", "状态", BusinessCard.status, 8, "status"),
        Column("printer", "印制人", _Printer.name, 8),
    ),
    base=lambda: (select(BusinessCard.id).select_from(BusinessCard)
                  .join(_Holder, _Holder.id == BusinessCard.holder_id)
                  .outerjoin(_Printer, _Printer.id == BusinessCard.printer_id)
                  .outerjoin(Department, Department.id == BusinessCard.department_id)),
    search=(BusinessCard.number, _Holder.name),
    workflow=CARD_WORKFLOW,
    form=FIELDS,
    create=lambda db, actor, data: CardService(db).request(actor, data),
    act=service_act(CardService),
)


def _build(session: Session, card_id: int) -> Document:
    card = session.get(BusinessCard, card_id)
    assert card is not None
    return Document("名片印制单", (Title("名片印制单"), Paragraph(f"{card.number}：{card.holder.name}，{card.quantity} 盒")))


CARD_DOCUMENT = DocumentKind(KEY, "名片印制单", ids=lambda: select(BusinessCard.id), build=_build)


def demo_cards(ctx: DemoContext) -> None:
    """One box printed for the clerk, one still waiting, one voided."""
    service = CardService(ctx.db)
    printer = ctx.users["admin"]
    printed = service.request(ctx.users["clerk"], {"quantity": 2})
    service.act(printer, printed.id, "print_cards", "已送文印室")
    service.request(ctx.users["office_head"], {"quantity": 1})
    voided = service.request(ctx.users["judge"], {"quantity": 3})
    service.act(printer, voided.id, "void", "重复申请")
