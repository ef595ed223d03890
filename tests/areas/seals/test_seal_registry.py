"""印章名录: the administrator registers seals and changes their custodian and deputy (issue 8 item 5),
under the custodian rules of 《保密工作制度》第二十条(1); every change audited, nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.models.infra import AuditEntry
from courtdesk.kernel.models.people import Department
from courtdesk.kernel.registers import RegisterQuery, create_record, edit_record, get


def _seal(db, name: str) -> Seal:
    with db.read() as s:
        return s.scalars(select(Seal).where(Seal.name == name)).one()


def _dept(db, name: str) -> int:
    with db.read() as s:
        return s.scalars(select(Department.id).where(Department.name == name)).one()


def test_only_the_administrator_sees_and_keeps_the_seal_list(db, users):
    spec = get("seal")
    assert spec.can_open(users["admin"]) and not spec.can_open(users["office_head"])
    with db.read() as s:
        rows = {r[1]: r for r in RegisterQuery(spec).page(s, users["admin"], 0, 50)}
    office = rows["廊坊经济技术开发区人民法院办公室"]
    keys = [c.key for c in spec.columns]
    assert (office[1 + keys.index("kind")], office[1 + keys.index("custodian")],
            office[1 + keys.index("deputy")]) == ("办公室印", "李强", "王芳")
    with pytest.raises(PermissionDenied):
        create_record(db, users["office_head"], spec, {"name": "执行局（测试）印", "kind": "department"})


def test_registering_a_department_seal_checks_who_may_keep_it(db, users):
    spec = get("seal")
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Seal))
    with pytest.raises(ValidationError, match="^保管人"):  # a clerk of another department
        create_record(db, users["admin"], spec, {
            "name": "执行局（测试）印", "kind": "department", "custodian_id": users["judge"].id,
            "department_id": _dept(db, "执行局")})
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Seal)) == before
    seal = create_record(db, users["admin"], spec, {
        "name": "执行局（测试）印", "kind": "department", "custodian_id": users["enforce_head"].id,
        "deputy_id": users["enforcer"].id, "department_id": _dept(db, "执行局")})
    assert (seal.custodian_id, seal.deputy_id) == (users["enforce_head"].id, users["enforcer"].id)


def test_the_administrator_changes_a_deputy_with_a_reason_and_it_is_audited(db, users):
    spec = get("seal")
    office = _seal(db, "廊坊经济技术开发区人民法院办公室")
    with pytest.raises(ValidationError, match="代为监印人：应为保管人以外的在册人员"):
        edit_record(db, users["admin"], spec, office.id,
                    {"custodian_id": office.custodian_id, "deputy_id": office.custodian_id}, "调整")
    with pytest.raises(ValidationError, match="修改原因"):
        edit_record(db, users["admin"], spec, office.id,
                    {"custodian_id": office.custodian_id, "deputy_id": users["secrecy"].id}, "")
    edit_record(db, users["admin"], spec, office.id,
                {"custodian_id": office.custodian_id, "deputy_id": users["secrecy"].id}, "王芳休产假，由冯雪代为监印",
                expected_version=office.version)
    assert _seal(db, "廊坊经济技术开发区人民法院办公室").deputy_id == users["secrecy"].id
    with db.read() as s:
        last = s.scalars(select(AuditEntry).where(AuditEntry.entity == "seal", AuditEntry.entity_id == office.id)
                         .order_by(AuditEntry.id.desc())).first()
    assert last.comment == "王芳休产假，由冯雪代为监印" and last.user_name == "赵敏"
