"""印章名录 — the court's seals with their custodian (保管人) and deputy (代为监印人), kept by the
system administrator on the generic register page: 登记印章 (新建) and 修改 (with a reason), each
change audited; the custodian rules of 《保密工作制度》第二十条(1) are checked on both.

A seal is never deleted (its uses keep naming it); 停用 takes it out of new requests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.seals.models import SEAL_KINDS, Seal
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.editing import EditSpec
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, Department, User
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import Column, RegisterSpec

REGISTER_KEY = "seal"

_Custodian = aliased(User)
_Deputy = aliased(User)


def _base() -> Any:
    return (select(Seal)
            .outerjoin(_Custodian, _Custodian.id == Seal.custodian_id)
            .outerjoin(_Deputy, _Deputy.id == Seal.deputy_id)
            .outerjoin(Department, Department.id == Seal.department_id))


def _people(session: Session, actor: User) -> list[tuple[Any, str]]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.department_id, User.id))
    return [(u.id, f"{u.name}（{u.department_name or '未分部门'}）") for u in users]


def _departments(session: Session, actor: User) -> list[tuple[Any, str]]:
    depts = session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.id))
    return [(d.id, d.name) for d in depts]


KEEPER_FIELDS: tuple[FormField, ...] = (
    FormField("custodian_id", "保管人", "choice", choices=_people,
              help="院印、办公室印由办公室负责人保管；党组印由政治处保管；部门印由本部门负责人保管"),
    FormField("deputy_id", "代为监印人", "choice", required=False, choices=_people,
              help="保管人本人审批时由其代为监印；须为保管人以外的人员"),
)
SEAL_FORM: tuple[FormField, ...] = (
    FormField("name", "印章名称", "text", max_len=60),
    FormField("kind", "印章类别", "choice", choices=lambda s, a: list(SEAL_KINDS.items())),
    *KEEPER_FIELDS,
    FormField("department_id", "所属部门", "choice", required=False, choices=_departments, help="部门印填写"),
)


def _register(db: Database, actor: User, data: dict[str, Any]) -> Seal:
    with db.read() as s:
        values = clean(SEAL_FORM, data, session=s, actor=actor)
    return SealService(db).create_seal(actor, **values)


def _update(session: Session, actor: User, seal: Seal, values: dict[str, Any]) -> None:
    """The same custodian rules as when the seal was registered."""
    custodian = session.get(User, values["custodian_id"])
    if custodian is None or not custodian.active:
        raise ValidationError("保管人：该人员不存在或已停用", field="保管人")
    SealService.check_custodian(session, seal.kind, custodian, seal.department_id)
    deputy_id = values.get("deputy_id")
    if deputy_id is not None:
        deputy = session.get(User, deputy_id)
        if deputy_id == custodian.id or deputy is None or not deputy.active:
            raise ValidationError("代为监印人：应为保管人以外的在册人员", field="代为监印人")
    seal.custodian_id = custodian.id
    seal.deputy_id = deputy_id


def edit_keepers(db: Database, actor: User, seal_id: int, data: dict[str, Any], reason: str,
                 expected_version: int | None = None) -> Seal:
    """修改保管人 of a seal (the administrator; ``reason`` goes to the audit trail)."""
    with db.write(actor) as s:
        seal = load_or_refuse(s, Seal, seal_id, "印章", "该印章不存在")
        SEAL_EDIT.apply(s, actor, seal, data, reason, expected_version)
        return seal


SEAL_EDIT = EditSpec(
    fields=KEEPER_FIELDS,
    states=frozenset(),
    may=lambda actor, seal: actor.has(ADMIN),
    who="系统管理员",
    save=lambda db, actor, record_id, data, reason, version: edit_keepers(db, actor, record_id, data, reason,
                                                                          version),
    update=_update,
    label="修改保管人",
)

SEAL_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="印章名录",
    model=Seal,
    columns=(
        Column("name", "印章名称", Seal.name, 22),
        Column("kind", "类别", case(*((Seal.kind == k, v) for k, v in SEAL_KINDS.items()), else_=Seal.kind), 6),
        Column("custodian", "保管人", _Custodian.name, 8),
        Column("deputy", "代为监印人", _Deputy.name, 8),
        Column("department", "所属部门", Department.name, 10),
        Column("active", "在用", Seal.active, 4, "bool"),
    ),
    base=_base,
    search=(Seal.name, _Custodian.name, _Deputy.name),
    default_sort=("id", False),
    visible_to=(ADMIN,),
    form=SEAL_FORM,
    create=_register,
    create_label="登记印章",
    may_create=lambda actor: actor.has(ADMIN),
    create_who="系统管理员",
    edit=SEAL_EDIT,
)
