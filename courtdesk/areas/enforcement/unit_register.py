"""The register of the recipient-unit list (调查函发往单位名录): add units, load the reference list,
stop and restart units — the list 批量制作调查函 offers. Imported last, so it comes last in the area."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from courtdesk.areas.enforcement.common import VISIBLE_TO
from courtdesk.areas.enforcement.models import UNIT_KINDS, RecipientUnit
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.areas.enforcement.units import REFERENCE_UNITS, UNIT_FIELDS, UnitService
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.models.people import ADMIN, User
from courtdesk.kernel.registers import Column, Command, CommandResult, Filter, RegisterSpec, no_fields

REGISTER_KEY = "recipient_unit"


def _may_edit(actor: User) -> bool:
    return actor.has(ENFORCEMENT, ADMIN)


def _load_reference(db: Database, actor: User, ids: list[int], data: dict[str, Any], progress: Any,
                    cancel: Any) -> CommandResult:
    added = UnitService(db).load_reference_list(actor)
    if not added:
        return CommandResult("参考名录中的单位都已在名录中，未新增")
    return CommandResult(f"已从参考名录新增 {added} 个单位；请核对名称和地址后再发函")


def _switch(active: bool) -> Any:
    def run(db: Database, actor: User, ids: list[int], data: dict[str, Any], progress: Any,
            cancel: Any) -> CommandResult:
        changed = UnitService(db).set_active(actor, ids, active)
        verb = "启用" if active else "停用"
        return CommandResult(f"已{verb} {changed} 个单位" if changed else f"所选单位均已{verb}，未作改动",
                             record_ids=tuple(ids))

    return run


def _switch_intro(active: bool) -> Any:
    def intro(session: Session, actor: User, ids: list[int]) -> str:
        names = [u.name for u in session.scalars(select(RecipientUnit).where(RecipientUnit.id.in_(ids)))]
        shown = "、".join(names[:5]) + (f" 等 {len(names)} 个单位" if len(names) > 5 else "")
        if active:
            return f"启用：{shown}。启用后制作调查函时可以选择。"
        return f"停用：{shown}。停用后制作调查函时不再列出；已发出的调查函不受影响。"

    return intro


def _of_kind(kind: str) -> Any:
    return lambda actor: RecipientUnit.kind == kind


_KIND_LABEL = case(UNIT_KINDS, value=RecipientUnit.kind, else_=RecipientUnit.kind)

UNIT_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="调查函发往单位名录",
    model=RecipientUnit,
    columns=(
        Column("name", "单位名称", RecipientUnit.name, 30),
        Column("kind", "单位类别", _KIND_LABEL, 12),
        Column("address", "地址", RecipientUnit.address, 26),
        Column("postcode", "邮政编码", RecipientUnit.postcode, 8),
        Column("phone", "联系电话", RecipientUnit.phone, 12),
        Column("active", "在用", RecipientUnit.active, 4, "bool"),
    ),
    base=lambda: select(RecipientUnit.id).select_from(RecipientUnit),
    search=(RecipientUnit.name, RecipientUnit.address, RecipientUnit.phone),
    default_sort=("id", False),
    filters=(
        Filter("active", "在用", lambda a: RecipientUnit.active.is_(True)),
        Filter("inactive", "已停用", lambda a: RecipientUnit.active.is_(False)),
        *(Filter(f"kind_{k}", label, _of_kind(k)) for k, label in UNIT_KINDS.items()),
    ),
    visible_to=(*VISIBLE_TO, ADMIN),
    form=UNIT_FIELDS,
    create=lambda db, actor, data: UnitService(db).add(actor, data),
    create_label="新增单位",
    may_create=lambda a: a.has(ENFORCEMENT, ADMIN),
    create_who="执行干警或系统管理员",
    commands=(
        Command("load_reference", "载入参考名录", _may_edit, "执行干警或系统管理员", "none", no_fields,
                _load_reference, ok_text="载入",
                intro=lambda s, a, ids: f"把参考名录中的 {len(REFERENCE_UNITS)} 个单位（派出所、不动产登记、社保、"
                "公积金、银行等）中尚未在名录里的加入名录。已有的单位不变。",
                help="把本区常用的派出所、不动产登记、社保、公积金、银行等单位加入名录"),
        Command("deactivate", "停用", _may_edit, "执行干警或系统管理员", "many", no_fields, _switch(False),
                intro=_switch_intro(False), help="选中的单位不再出现在制作调查函的单位列表中"),
        Command("activate", "启用", _may_edit, "执行干警或系统管理员", "many", no_fields, _switch(True),
                intro=_switch_intro(True), help="重新启用选中的单位"),
    ),
)
