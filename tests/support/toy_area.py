"""A toy area that exists only in the tests: 部门名片 over the kernel's department table.

It declares what a real area declares — a role, a setting, a register with a dashboard item, a
document kind and a demo filler — so a test can show the kernel, the CLI and the Qt client pick an
area up from its declaration alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courtdesk.kernel.area import Area
from courtdesk.kernel.demo import DemoContext
from courtdesk.kernel.documents.model import Document, Paragraph, Title
from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.models.people import Department, User, declare_role
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.registers import Column, DashboardItem, RegisterSpec
from courtdesk.kernel.settings import SettingSpec

TOY_KEEPER = declare_role("toy_keeper", "名片保管员")
DEMO_MARK = "toy_demo_filled"


def _base() -> Any:
    return select(Department.id).select_from(Department)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    count = int(session.scalar(select(func.count()).select_from(Department)) or 0)
    return [DashboardItem("待印制的部门名片", count, "toy_cards", "", False)]


def _build(session: Session, department_id: int) -> Document:
    dept = session.get(Department, department_id)
    assert dept is not None
    return Document("部门名片", (Title(f"{dept.name}名片"), Paragraph(f"部门：{dept.name}")))


def _demo(ctx: DemoContext) -> None:
    with ctx.db.write() as s:
        s.add(Setting(key=DEMO_MARK, value=str(len(ctx.departments))))


TOY_REGISTER = RegisterSpec(
    key="toy_cards",
    title="部门名片册",
    model=Department,
    columns=(Column("name", "部门", Department.name, 12), Column("kind", "类别", Department.kind, 8)),
    base=_base,
    search=(Department.name,),
    dashboard=_dashboard,
)

TOY_AREA = Area(
    key="toy",
    title="名片（测试）",
    order=99,
    roles=(TOY_KEEPER,),
    settings=(SettingSpec("toy_card_motto", "名片标语", "公正司法", 20),),
    registers=(TOY_REGISTER,),
    documents=(DocumentKind("toy_card", "部门名片", ids=lambda: select(Department.id), build=_build),),
    demo=(_demo,),
)
