"""A real court set up through the first-run setup (not the demo), and its first documents.

Shared by the service test of the setup and the pytest-qt test that drives the wizard: the values a
court types, and the 介绍信 and 调查函 that people the new administrator creates then print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from courtdesk.kernel.db import Database

#: What the court types on the 本院信息 page: none of it is the demo court's.
COURT = {
    "court_name": "山西省太原市小店区人民法院",
    "court_short_name": "太原市小店区人民法院",
    "court_code": "晋0105",
    "address": "山西省太原市小店区长治路100号",
    "postcode": "030032",
    "phone": "0351-7654321",
}
ADMIN = {"name": "钱多", "username": "qianduo", "department": "信息技术办公室", "title": "系统管理员",
         "password": "Start2026a", "password_again": "Start2026a"}
SEALS = {
    "court_seal": "太原市小店区人民法院", "office_seal": "太原市小店区人民法院办公室",
    "party_seal": "中共太原市小店区人民法院党组",
    "office_head_name": "孔明", "office_head_username": "kongming",
    "office_head_password": "Start2026b", "office_head_password_again": "Start2026b",
    "political_name": "关羽", "political_username": "guanyu",
    "political_password": "Start2026c", "political_password_again": "Start2026c",
}
BUREAU = {"enforcement_bureau": "太原市小店区人民法院执行局"}

#: What the demo court prints, none of which may appear in this court's documents.
DEMO_VALUES = ("廊坊", "开发区", "冀1091", "华祥路", "065001", "0316-0000000", "冀")


def raw_values(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The whole setup as a court fills it in (departments: the list offered); ``changes`` replace steps."""
    values: dict[str, dict[str, Any]] = {"court": dict(COURT), "admin": dict(ADMIN), "seals": dict(SEALS),
                                         "enforcement": dict(BUREAU)}
    values.update(changes)
    return values


def first_documents(db: Database, admin_username: str, admin_password: str, folder: Path) -> tuple[str, str]:
    """As the new administrator: log in, set an own password, create an enforcement officer, a clerk
    and a court leader; the officer files a 介绍信 (issued by the clerk) and a 调查函 in a new case.
    Returns the text of both PDFs (pypdf), whitespace removed."""
    from courtdesk.areas.enforcement import CaseService, LetterService, UnitService
    from courtdesk.areas.enforcement.roles import ENFORCEMENT
    from courtdesk.areas.letters.service import LetterService as IntroductionService
    from courtdesk.areas.system import roles
    from courtdesk.kernel import clock, printing
    from courtdesk.kernel.documents import render_pdf
    from courtdesk.kernel.people import PeopleService
    from tests.areas.enforcement.helpers import case_data, person_id
    from tests.support.readback import pdf_page_texts, squash

    people = PeopleService(db)
    admin = people.login(admin_username, admin_password)
    assert admin.must_change_password
    people.change_password(admin, admin_password, "Own2026pass")
    with db.read() as s:
        depts = {d.name: d.id for d in people.departments(s)}

    def create(username: str, name: str, dept: str, held: tuple[Any, ...], **extra: str) -> Any:
        user = people.create_user(admin, username=username, name=name, password="Temp2026x", roles=held,
                                  department_id=depts[dept], **extra)
        with db.read() as s:
            from courtdesk.kernel.people import load_user

            fresh = load_user(s, user.id)
            _ = fresh.roles, fresh.department
        return fresh

    users = {
        "enforcer": create("zhangfei", "张飞", "执行局", (ENFORCEMENT,), title="执行员", phone="13900000001",
                           wechat="zf_zxj"),
        "enforce_clerk": create("zhaoyun", "赵云", "执行局", (ENFORCEMENT,), title="书记员"),
        "clerk": create("huangzhong", "黄忠", "办公室", (roles.CLERK,)),
        "leader": create("liubei", "刘备", "院领导", (roles.LEADER,)),
    }
    today = clock.today()
    clock.set_now(dt.datetime.combine(today, dt.time(9, 0)))

    intro = IntroductionService(db)
    letter = intro.file(users["enforcer"], {
        "recipient": "太原市不动产登记中心", "purpose": "查询被执行人名下不动产登记信息", "validity_days": 7,
        "bearers": [{"name": "张飞", "title": "执行员", "id_number": person_id("14010519850312451")}],
        "signer_id": users["leader"].id})
    intro.act(users["clerk"], letter.id, "issue")
    with db.read() as s:
        document = printing.kind("introduction_letter").build(s, letter.id)
    render_pdf(document, folder / "intro.pdf")

    case = CaseService(db).create(users["enforcer"], case_data(
        users, today, number=f"({today.year})晋0105执1号", basis=f"({today.year})晋0105民初8号民事判决书",
        applicant_domicile="山西省太原市小店区平阳路1号", respondent_domicile="山西省太原市小店区体育路2号"))
    unit = UnitService(db).add(users["enforcer"], {"name": "太原市公安局小店分局平阳派出所", "kind": "police",
                                                   "address": "山西省太原市小店区平阳路", "postcode": "030006"})
    investigation = LetterService(db).create(users["enforcer"], case.id, [unit.id])[0]
    with db.read() as s:
        document = printing.kind("investigation_letter").build(s, investigation.id)
    render_pdf(document, folder / "investigation.pdf")
    return (squash("".join(pdf_page_texts(folder / "intro.pdf"))),
            squash("".join(pdf_page_texts(folder / "investigation.pdf"))))
